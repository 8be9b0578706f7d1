import * as path from 'node:path';
import fc from 'fast-check';
import { ROLE_MAX_SESSION_SECONDS } from '../../infra/stacks/github-oidc-stack';
import { exampleConfig } from '../support/cdk';
import { LifecycleModel, type Violation } from '../support/lifecycle';
import { ROOT, loadWorkflows, type Workflow } from '../support/workflows';

/**
 * GitHub runs each job at its own pace, so runs enter a concurrency group in any order: the model
 * explores per-job delays (fast-check) on a pull request pushed to and closed close together. And a
 * re-run of failed jobs reuses the first attempt's successful jobs and their outputs.
 */
const WORKFLOWS = loadWorkflows();
/** ci.yml, integ.yml, preview.yml and sweep.yml as they were before issue 19. */
const BEFORE = loadWorkflows(path.join(ROOT, 'test', 'workflows', 'before-issue-19'));

/** The model of the example configuration, each job taking the next of `delays`, in turn. */
function modelWithDelays(workflows: readonly Workflow[], delays: readonly number[]): LifecycleModel {
  let next = 0;
  const delay = () => delays[next++ % delays.length] ?? 0;
  return new LifecycleModel({
    workflows,
    config: exampleConfig(),
    maxSession: ROLE_MAX_SESSION_SECONDS,
    delay,
  });
}

function play(workflows: readonly Workflow[], delays: readonly number[], gap: number): Violation[] {
  const m = modelWithDelays(workflows, delays);
  m.openPullRequest(1, 'feature/a');
  m.advance(30);
  m.pushToPullRequest(1);
  m.advance(gap);
  m.close(1);
  m.settle();
  m.checkNoOverlap();
  return m.violations;
}

const property = (workflows: readonly Workflow[]) =>
  fc.property(
    fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 12 }),
    fc.nat({ max: 3 }),
    (delays, gap) => {
      expect(play(workflows, delays, gap)).toEqual([]);
    },
  );

test('in any order its jobs run, no deploy recreates the stage of a pull request closed meanwhile (invariant 6)', () => {
  fc.assert(property(WORKFLOWS), { numRuns: 40 });
});

test('finds the late deploy on preview.yml before issue 19, which did not ask again', () => {
  // Pull request #1 opened at 0, pushed to and closed at 30: the close's destroy holds the group first.
  expect(play(BEFORE, [0], 0)).toContainEqual({
    invariant: 6,
    message: 'pull request #1 synchronize deploys pr-1',
  });
  expect(fc.check(property(BEFORE), { numRuns: 40 }).failed).toBe(true);
});

/** An integration run that timed out is re-run (failed jobs) while a later run holds the turn. */
function rerunBesideLaterRun(workflows: readonly Workflow[]): Violation[] {
  const m = new LifecycleModel({
    workflows,
    config: exampleConfig(),
    maxSession: ROLE_MAX_SESSION_SECONDS,
    integMinutes: 90,
  });
  m.dispatch('integ.yml', 'main');
  m.settle();
  m.dispatch('integ.yml', 'main');
  m.advance(5);
  m.rerunFailed('integ.yml', 0);
  m.settle();
  return m.violations.filter((v) => v.invariant === 8);
}

test('a re-run of failed integ.yml jobs tests only with a turn of its own (invariant 8)', () => {
  expect(rerunBesideLaterRun(WORKFLOWS)).toEqual([]);
  expect(rerunBesideLaterRun(BEFORE)).toEqual([
    {
      invariant: 8,
      message: 'integ.yml/integ (dispatch integ.yml) tests beside dispatch integ.yml, which holds the turn',
    },
  ]);
});

/** Two merges to main a minute apart, their runs reaching the ci group in an order fast-check picks. */
function twoMerges(workflows: readonly Workflow[], delays: readonly number[]): Violation[] {
  const m = modelWithDelays(workflows, delays);
  m.push('main', { appName: 'jobs' });
  m.advance(1);
  m.push('main', { appName: 'jobs' });
  m.settle();
  m.checkNothingLeft();
  return m.violations.filter((v) => v.invariant === 9);
}

test('whichever order two merges reach the deploy group, the head of main is deployed last (invariant 9)', () => {
  const delays = fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 8 });
  const holds = (workflows: readonly Workflow[]) =>
    fc.property(delays, (d) => expect(twoMerges(workflows, d)).toEqual([]));
  fc.assert(holds(WORKFLOWS), { numRuns: 40 });
  // Before, only a re-run checked the head of main: the older merge's run, let in second, deployed last.
  expect(fc.check(holds(BEFORE), { numRuns: 40 }).failed).toBe(true);
});
