import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { evaluateCondition } from '../support/github-expressions';
import { bash, stepNamed, workflowNamed } from '../support/workflows';

const DEPLOY = workflowNamed('ci.yml').jobs.deploy!;
const HEAD = 'b'.repeat(40);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'deploy-job-'));
  // gh api .../git/ref/heads/main --jq .object.sha, as GitHub answers it: the head of main.
  writeFileSync(path.join(dir, 'gh'), `#!/bin/sh\necho ${HEAD}\n`);
  chmodSync(path.join(dir, 'gh'), 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the deploy job of ci.yml', () => {
  test('names every repository variable it reads that is empty, at once, and stops', () => {
    const read = [...JSON.stringify(DEPLOY).matchAll(/vars\.([A-Z_]+)/g)].map((m) => m[1]!);
    const { run } = stepNamed('ci.yml', 'deploy', /repository variables/);
    const result = bash(run, dir, { DEPLOY_ROLE_ARN: 'arn:aws:iam::1:role/x' });
    expect(result.status).toBe(1);
    const named = new Set(read.filter((name) => new RegExp(`\\b${name}\\b`).test(result.stdout)));
    expect([...named].sort()).toEqual([...new Set(read)].filter((n) => n !== 'DEPLOY_ROLE_ARN').sort());
    const all = Object.fromEntries(read.map((name) => [name, 'set']));
    expect(bash(run, dir, all).status).toBe(0);
  });

  test.each([
    ['an older commit', 'a'.repeat(40), 'false'],
    ['the head of main', HEAD, 'true'],
  ])(
    'on every attempt, once it holds the deploy group, deploys only the head of main (%s)',
    (_, sha, current) => {
      const head = stepNamed('ci.yml', 'deploy', /head of main/);
      expect([head.if, head.id]).toEqual([undefined, 'head']);
      const output = path.join(dir, 'output');
      writeFileSync(output, '');
      const result = bash(head.run, dir, {
        PATH: `${dir}:${process.env.PATH}`,
        GITHUB_SHA: sha,
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_OUTPUT: output,
      });
      expect(result.status).toBe(0);
      expect(readFileSync(output, 'utf8')).toBe(`current=${current}\n`);
      if (current === 'false') expect(result.stdout).toContain('::notice title=Not deployed::');

      const steps = DEPLOY.steps ?? [];
      const context = { steps: { head: { outputs: { current } } } };
      const after = steps.slice(steps.findIndex((s) => s.id === 'head') + 1);
      expect(after.map((s) => evaluateCondition(s.if, context))).toEqual(after.map(() => current === 'true'));
    },
  );
});
