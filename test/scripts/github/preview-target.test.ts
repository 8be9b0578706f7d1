import type { ghApi } from '../../../scripts/github/gh';
import { previewTarget, staleBecause } from '../../../scripts/github/preview-target';
import { exampleConfig } from '../../support/cdk';

const CONFIG = exampleConfig();

test.each([
  ['delete', { EVENT_REF: '機能', REF_TYPE: 'branch' }],
  ['workflow_dispatch', { GITHUB_REF_NAME: '_', INPUT_ACTION: 'deploy' }],
])('a %s of a branch that names no stage does nothing, and says why', (event, env) => {
  expect(previewTarget(CONFIG, { GITHUB_EVENT_NAME: event, ...env })).toEqual({
    name: '',
    action: 'none',
    note: expect.stringContaining('has no ASCII letter or digit to name a stage after'),
  });
});

describe('staleBecause: whether a deploy that got its stage group late still has something to show', () => {
  const api = (answers: Record<string, unknown>) =>
    (<T>(p: string): T | undefined => answers[p] as T | undefined) as typeof ghApi;
  const pr = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REPOSITORY: 'o/r', PR_NUMBER: '7', HEAD_SHA: 'aaa' };
  const push = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_REF_NAME: 'preview/x',
    GITHUB_SHA: 'aaa',
  };

  test.each([
    [
      'an open pull request at this head',
      pr,
      { 'repos/o/r/pulls/7': { state: 'open', head: { sha: 'aaa' } } },
      undefined,
    ],
    [
      'a closed pull request',
      pr,
      { 'repos/o/r/pulls/7': { state: 'closed', head: { sha: 'aaa' } } },
      'pull request #7 is closed',
    ],
    [
      'a pull request pushed to since',
      pr,
      { 'repos/o/r/pulls/7': { state: 'open', head: { sha: 'bbb' } } },
      'pull request #7 has a newer head, bbb',
    ],
    [
      'a branch at this commit',
      push,
      { 'repos/o/r/branches/preview/x': { commit: { sha: 'aaa' } } },
      undefined,
    ],
    ['a deleted branch', push, {}, 'branch preview/x is deleted'],
    [
      'a branch pushed to since',
      push,
      { 'repos/o/r/branches/preview/x': { commit: { sha: 'bbb' } } },
      'branch preview/x has a newer commit, bbb',
    ],
  ])('%s', (_, env, answers, reason) => {
    expect(staleBecause(env, api(answers))).toBe(reason);
  });
});

test.each([
  ['branch', 'main', 'no preview of branch main: run it on a branch other than main'],
  ['tag', 'v1.0.0', 'no preview of tag v1.0.0'],
])('fails on a manual preview of the %s %s, a stage nothing would sweep', (type, name, message) => {
  const env = { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_REF_TYPE: type, GITHUB_REF_NAME: name };
  expect(() => previewTarget(CONFIG, { ...env, DEFAULT_BRANCH: 'main', INPUT_ACTION: 'deploy' })).toThrow(
    message,
  );
});
