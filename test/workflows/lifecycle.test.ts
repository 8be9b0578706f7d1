import * as path from 'node:path';
import { ROLE_MAX_SESSION_SECONDS } from '../../infra/stacks/github-oidc-stack';
import { exampleConfig } from '../support/cdk';
import { LifecycleModel, type ModelOptions, type Violation } from '../support/lifecycle';
import { ROOT, loadWorkflows } from '../support/workflows';

/**
 * The ephemeral stages' lifecycle, simulated on the workflow files (test/support/lifecycle.ts), with
 * five invariants. Each holds on the workflows of this repository, and each but the fourth fails on
 * the workflows before issue 11 (test/fixtures/workflows-before/, copied from that commit).
 */
const CONFIG = exampleConfig();
const BEFORE = path.join(ROOT, 'test', 'fixtures', 'workflows-before');

type Scenario = readonly [string, (m: LifecycleModel) => void, Partial<ModelOptions>?];

const SCENARIOS: Scenario[] = [
  [
    'a pull request opened, pushed to, labelled integ, closed; the nightly runs',
    (m) => {
      m.openPullRequest(1, 'feature/a');
      m.advance(20);
      m.pushToPullRequest(1);
      m.label(1, 'integ');
      m.advance(120);
      m.close(1);
    },
  ],
  [
    'a pull request that adds a stack, closed',
    (m) => {
      m.openPullRequest(2, 'feature/b', { appName: 'jobs', extraStacks: ['Extra'] });
      m.advance(30);
      m.close(2);
    },
  ],
  [
    'a pull request closed after main renamed the app',
    (m) => {
      m.openPullRequest(3, 'feature/c');
      m.advance(30);
      m.push('main', { appName: 'jobs2' });
      m.advance(30);
      m.close(3);
    },
  ],
  [
    'a conflicted pull request closed: no workflow runs',
    (m) => {
      m.openPullRequest(4, 'feature/d');
      m.advance(30);
      m.conflict(4);
      m.close(4);
    },
  ],
  [
    'a pull request closed, reopened and merged',
    (m) => {
      m.openPullRequest(5, 'feature/e');
      m.advance(30);
      m.close(5);
      m.advance(2);
      m.reopen(5);
      m.advance(30);
      m.pushToPullRequest(5);
      m.advance(30);
      m.close(5, true);
    },
  ],
  [
    'branches pushed, previewed by hand on another branch, deleted',
    (m) => {
      m.push('preview/f');
      m.push('feature/g');
      m.dispatch('preview.yml', 'feature/g', { action: 'deploy' });
      m.dispatch('integ.yml', 'feature/g');
      m.advance(60);
      m.deleteBranch('preview/f');
      m.deleteBranch('feature/g');
    },
  ],
  [
    'integration runs queued by three pull requests, one unlabelled',
    (m) => {
      m.openPullRequest(6, 'feature/h');
      m.openPullRequest(7, 'feature/i');
      m.openPullRequest(8, 'feature/j');
      m.advance(15);
      m.label(6, 'integ');
      m.advance(1);
      m.label(7, 'integ');
      m.advance(1);
      m.pushToPullRequest(8);
      m.advance(200);
      for (const n of [6, 7, 8]) m.close(n);
    },
  ],
  [
    'an integration run cancelled midway',
    (m) => {
      m.dispatch('integ.yml', 'main');
      m.advance(10);
      m.cancel('integ.yml');
    },
  ],
  ['an integration run of 70 minutes', (m) => m.dispatch('integ.yml', 'main'), { integMinutes: 70 }],
  ['an integration run that times out', (m) => m.dispatch('integ.yml', 'main'), { integMinutes: 90 }],
  [
    'a pull request reopened while the sweep destroys its stage',
    (m) => {
      m.openPullRequest(9, 'feature/k');
      m.advance(30);
      m.conflict(9);
      m.close(9);
      m.advance(60);
      m.schedule('sweep.yml');
      m.advance(9);
      m.resolveConflict(9);
      m.reopen(9);
      m.advance(1);
    },
  ],
  ['a push to main', (m) => m.push('main')],
  [
    'a pull request pushed to and closed in the same minute',
    (m) => {
      m.openPullRequest(11, 'feature/m');
      m.advance(30);
      m.pushToPullRequest(11);
      m.close(11);
    },
  ],
];

const model = (workflows: ModelOptions['workflows'], options?: Partial<ModelOptions>) =>
  new LifecycleModel({ workflows, config: CONFIG, maxSession: ROLE_MAX_SESSION_SECONDS, ...options });

function violations(dir: string | undefined): Violation[] {
  const workflows = loadWorkflows(dir);
  return SCENARIOS.flatMap(([name, play, options]) => {
    const m = model(workflows, options);
    play(m);
    m.settle();
    m.nightly();
    m.settle();
    m.checkNothingLeft();
    m.checkNoOverlap();
    return m.violations.map((v) => ({ ...v, message: `${name}: ${v.message}` }));
  });
}

const INVARIANTS = {
  1: 'after the sweep, no ephemeral stack remains of a closed pull request, a deleted branch or a finished integration run',
  2: 'no run that executes nothing cancels a waiting run that would do something',
  3: 'every job that assumes a role ends before its session does',
  4: "each role's trust accepts exactly the jobs that use it",
  5: 'deploy, destroy and sweep of one stage never run at the same time',
  6: 'no deploy recreates the stage of a closed pull request or a deleted branch',
  7: 'every job that lists workflow runs may read actions',
} as const;

describe('the lifecycle of ephemeral stages, on the workflows', () => {
  const found = violations(undefined);
  test.each(Object.entries(INVARIANTS))('invariant %s: %s', (n) => {
    expect(found.filter((v) => v.invariant === Number(n)).map((v) => v.message)).toEqual([]);
  });
});

describe('the same model on the workflows before issue 11', () => {
  const found = violations(BEFORE);
  // Invariants 6 and 7 came with issue 19 (see below); 4, see next.
  test.each(Object.entries(INVARIANTS).filter(([n]) => Number(n) < 6 && n !== '4'))(
    'fails invariant %s: %s',
    (n) => {
      expect(found.filter((v) => v.invariant === Number(n)).length).toBeGreaterThan(0);
    },
  );

  test('fails invariant 4 on its deploy job alone, which had no environment (issue 12), and the check catches a preview job without one', () => {
    // The deploy role now trusts the environment `deploy` only; the old deploy job named none.
    const trust = found.filter((v) => v.invariant === 4).map((v) => v.message);
    expect(trust.length).toBeGreaterThan(0);
    for (const message of trust)
      expect(message).toMatch(
        /ci\.yml\/deploy .*DEPLOY_ROLE_ARN refuses .*:ref:refs\/heads\/main:job_workflow_ref:/,
      );
    // Without its environment, the preview job presents the pull_request subject.
    const [preview, ...rest] = loadWorkflows(BEFORE).filter((w) => w.file === 'preview.yml');
    const { environment: _dropped, ...deploy } = preview!.jobs.deploy!;
    const m = model([{ ...preview!, jobs: { ...preview!.jobs, deploy } }, ...rest]);
    m.openPullRequest(1, 'feature/a');
    m.settle();
    expect(m.violations.filter((v) => v.invariant === 4).map((v) => v.message)).toEqual([
      expect.stringContaining('PREVIEW_ROLE_ARN refuses repo:example-org/batch-job-platform:pull_request'),
    ]);
  });
});

describe('the same model on preview.yml and sweep.yml before issue 19', () => {
  const found = violations(path.join(ROOT, 'test', 'workflows', 'before-issue-19'));
  test.each(Object.entries(INVARIANTS).filter(([n]) => Number(n) >= 6))('fails invariant %s: %s', (n) => {
    expect(found.filter((v) => v.invariant === Number(n)).length).toBeGreaterThan(0);
  });
});
