import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { evaluateCondition, type Value } from '../support/github-expressions';
import { bash, stepNamed, workflowNamed, type Job } from '../support/workflows';

/** Whether each step of `job` after the one with `id` runs, in `context`. */
function stepsAfter(job: Job, id: string, context: Record<string, Value>): boolean[] {
  const steps = job.steps ?? [];
  return steps.slice(steps.findIndex((s) => s.id === id) + 1).map((s) => evaluateCondition(s.if, context));
}

describe('a preview deploy that enters its stage group late', () => {
  const deploy = workflowNamed('preview.yml').jobs.deploy!;
  const github = { event_name: 'pull_request' };

  test('checks, before anything else reaches AWS, that its change is still current', () => {
    const check = stepNamed('preview.yml', 'deploy', /still current/);
    expect(check.if).toBeUndefined();
    expect(check.run).toBe('npx tsx scripts/github/preview-target.ts --still-current >> "$GITHUB_OUTPUT"');
    const steps = deploy.steps ?? [];
    const first = steps.findIndex((s) => /configure-aws-credentials/.test(s.uses ?? ''));
    expect(steps.findIndex((s) => s.id === 'current')).toBeLessThan(first);
  });

  test.each([
    ['true', true],
    ['false', false],
  ])('with current=%s, every later step runs: %s', (current, runs) => {
    const context = { github, steps: { current: { outputs: { current } } } };
    const after = stepsAfter(deploy, 'current', context);
    expect(after).toEqual(after.map(() => runs));
  });
});

describe('a re-run of failed integ.yml jobs, which reuses the turn of attempt 1', () => {
  const { integ, cleanup } = workflowNamed('integ.yml').jobs;
  const needs = (result: string) => ({
    turn: { result: 'success', outputs: { attempt: '1' } },
    integ: { result, outputs: {} },
  });

  test('cleans up in the attempt that had its turn, whatever happened to the tests', () => {
    const context = { github: { run_attempt: '1' }, needs: needs('failure') };
    expect(evaluateCondition(cleanup?.if, context)).toBe(true);
  });

  test('neither tests nor cleans up in attempt 2, and says to re-run all jobs', () => {
    const context = { github: { run_attempt: '2' }, needs: needs('failure') };
    expect(evaluateCondition(cleanup?.if, context)).toBe(false);
    const refuse = stepNamed('integ.yml', 'integ', /turn/);
    expect((integ?.steps ?? []).indexOf((integ?.steps ?? []).find((s) => s.name === refuse.name)!)).toBe(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'integ-turn-'));
    try {
      const stale = bash(refuse.run, dir, { TURN_ATTEMPT: '1', GITHUB_RUN_ATTEMPT: '2' });
      expect([stale.status, stale.stdout]).toEqual([1, expect.stringContaining('choose Re-run all jobs')]);
      expect(bash(refuse.run, dir, { TURN_ATTEMPT: '2', GITHUB_RUN_ATTEMPT: '2' }).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
