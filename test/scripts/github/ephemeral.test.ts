import { EPHEMERAL_TAGS } from '../../../infra/config/ephemeral';
import { stageNameFromBranch } from '../../../infra/config/stage-name';
import { run, type Environment } from '../../../scripts/github/ephemeral';
import type { GitHubFacts, PullRequestFacts } from '../../../scripts/github/ephemeral-sweep';
import { exampleConfig } from '../../support/cdk';
import { FakeAccount, REPOSITORY, ephemeralTags, type FakeStack } from '../../support/fake-cloudformation';

const NOW = new Date('2026-07-20T12:00:00Z');
const DAYS = (n: number): Date => new Date(NOW.getTime() - n * 86_400_000);

/** The stack of stage `stage`, tagged by its deploy with `tags` as well. */
const stack = (stage: string, more: Partial<FakeStack> = {}, tags: Record<string, string> = {}) => ({
  name: `jobs-${stage}-JobBase`,
  status: 'CREATE_COMPLETE',
  tags: { ...ephemeralTags(stage), ...tags },
  ...more,
});

/** The command against a fake account holding `stacks`, and GitHub with these pull requests. */
function environment(
  stacks: FakeStack[],
  pulls: Record<number, Partial<PullRequestFacts>> = {},
  env: NodeJS.ProcessEnv = {},
  branches: string[] = [],
) {
  const account = new FakeAccount(stacks);
  const github: GitHubFacts = {
    pullRequest: (n) => Promise.resolve({ state: 'MISSING', labels: [], ...pulls[n] }),
    branches: () => Promise.resolve(branches),
    branchHeadDate: () => Promise.resolve(undefined),
    integRunActive: () => Promise.resolve(true),
  };
  const out: string[] = [];
  const summary: string[] = [];
  const context: Environment = {
    cfn: account.client,
    github,
    config: exampleConfig(),
    env,
    now: NOW,
    out: (t) => out.push(t),
    summary: (m) => summary.push(m),
  };
  return { account, out, summary, context };
}

test('plan prints the stages to destroy as JSON, for the sweep matrix', async () => {
  const { out, context } = environment([stack('pr-1'), stack('pr-2', { createdAt: DAYS(1) })], {
    1: { state: 'CLOSED' },
    2: { state: 'OPEN', updatedAt: DAYS(1) },
  });
  await run(['plan'], context);
  expect(out).toEqual(['["pr-1"]']);
});

test('destroy --recheck keeps a stage whose pull request was reopened since the plan', async () => {
  const { account, summary, context } = environment([stack('pr-1', { createdAt: DAYS(1) })], {
    1: { state: 'OPEN', updatedAt: DAYS(0) },
  });
  expect(await run(['destroy', '--stage', 'pr-1', '--recheck'], context)).toBe(true);
  expect(account.deleteCalls).toEqual([]);
  expect(summary.join('\n')).toContain('| `pr-1` | keep |');
});

test('destroy removes every stack of the stage and fails when one stays', async () => {
  const { account, context } = environment(
    [stack('pr-1'), stack('pr-1', { name: 'renamed-pr-1-JobBase', failDeletes: 9 })],
    { 1: { state: 'CLOSED' } },
  );
  expect(await run(['destroy', '--stage', 'pr-1'], context)).toBe(false);
  expect(account.live().map((s) => s.name)).toEqual(['renamed-pr-1-JobBase']);
});

test("provenance keeps the first deploy's run and time, and names this run for a new stage", async () => {
  const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: REPOSITORY, GITHUB_RUN_ID: '99' };
  const first = environment([], {}, env);
  await run(['provenance', '--stage', 'pr-1'], first.context);
  expect(first.out).toEqual([
    `EPHEMERAL_RUN=https://github.com/${REPOSITORY}/actions/runs/99`,
    'EPHEMERAL_CREATED_AT=2026-07-20T12:00:00Z',
  ]);
  const existing = {
    [EPHEMERAL_TAGS.run]: 'https://github.com/o/r/actions/runs/1',
    [EPHEMERAL_TAGS.createdAt]: '2026-07-01T00:00:00Z',
  };
  const later = environment([stack('pr-1', { status: 'UPDATE_COMPLETE' }, existing)], {}, env);
  await run(['provenance', '--stage', 'pr-1'], later.context);
  expect(later.out).toEqual([
    'EPHEMERAL_RUN=https://github.com/o/r/actions/runs/1',
    'EPHEMERAL_CREATED_AT=2026-07-01T00:00:00Z',
  ]);
});

test('provenance fails on a branch whose stage belongs to another branch', async () => {
  const stage = stageNameFromBranch('preview/x')!;
  const { context } = environment([stack(stage, {}, { [EPHEMERAL_TAGS.branch]: 'preview/X+2B' })]);
  await expect(run(['provenance', '--stage', stage, '--branch', 'preview/x'], context)).rejects.toThrow(
    `stage ${stage} belongs to branch 'preview/X+', not 'preview/x'`,
  );
});

test('fails without a command or a stage', async () => {
  const { context } = environment([]);
  await expect(run(['destroy'], context)).rejects.toThrow(/usage: ephemeral.ts/);
});

describe('a branch with no ASCII letter or digit', () => {
  const branches = ['機能', '_', 'preview/x'];
  const stage = stageNameFromBranch('preview/x')!;

  test('names no stage: the plan goes on, and says which branches have none', async () => {
    const { out, summary, context } = environment(
      [stack('br-gone'), stack(stage, { createdAt: DAYS(1) })],
      {},
      {},
      branches,
    );
    await run(['plan'], context);
    expect(out).toEqual(['["br-gone"]']);
    expect(summary.join('\n')).toContain('name no stage, and have none: `機能`, `_`');
  });

  test('does not stop a --recheck of another branch stage', async () => {
    const { account, context } = environment([stack('br-gone')], {}, {}, branches);
    expect(await run(['destroy', '--stage', 'br-gone', '--recheck'], context)).toBe(true);
    expect(account.deleteCalls.map((c) => c.name)).toEqual(['jobs-br-gone-JobBase']);
  });
});
