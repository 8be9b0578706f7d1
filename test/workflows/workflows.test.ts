import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as packageJson from '../../package.json';
import { CODEBUILD_NODE_VERSION } from '../../infra/pipeline/pipeline-stack';
import { ROLE_MAX_SESSION_SECONDS } from '../../infra/stacks/github-oidc-stack';
import { INTEG_MAX_MINUTES } from '../../scripts/github/ephemeral-sweep';
import { exampleConfig } from '../support/cdk';
import { PINNED_ACTIONS } from '../support/pinned-actions';
import {
  ROOT,
  contextFor,
  credentialSteps,
  loadLocalActions,
  loadWorkflows,
  roleVariableOf,
  workflowNamed,
  type Job,
  type Step,
  type Trigger,
} from '../support/workflows';
import { evaluateCondition, interpolate } from '../support/github-expressions';

const WORKFLOWS = loadWorkflows();
const CONFIG = exampleConfig();

const JOBS = WORKFLOWS.flatMap((w) =>
  Object.entries(w.jobs).map(([id, job]) => [`${w.file}/${id}`, job] as const),
);

const stepsOf = (job: Job): Step[] => job.steps ?? [];
/** The `file/job` names of the jobs for which `check` fails. */
const jobsFailing = (check: (job: Job) => boolean): string[] =>
  JOBS.filter(([, job]) => !check(job)).map(([name]) => name);

describe('the workflow files', () => {
  test('are the four this project documents', () => {
    expect(WORKFLOWS.map((w) => w.file)).toEqual(['ci.yml', 'integ.yml', 'preview.yml', 'sweep.yml']);
  });

  test('grant nothing at the top level, so that each job states what it needs', () => {
    expect(WORKFLOWS.filter((w) => JSON.stringify(w.permissions) !== '{}').map((w) => w.file)).toEqual([]);
    expect(jobsFailing((job) => typeof job.permissions === 'object')).toEqual([]);
  });

  test('grant id-token: write exactly to the jobs that assume a role', () => {
    const assumesRole = (job: Job) => credentialSteps(job).length > 0;
    expect(jobsFailing((job) => (job.permissions?.['id-token'] === 'write') === assumesRole(job))).toEqual(
      [],
    );
  });

  test('grant pull-requests: write only to jobs that comment on the pull request', () => {
    const comments = (job: Job) =>
      stepsOf(job).some((s) => /gh api --method (PATCH|POST) .*comments/.test(s.run ?? ''));
    expect(jobsFailing((job) => (job.permissions?.['pull-requests'] === 'write') === comments(job))).toEqual(
      [],
    );
  });

  test('grant no job more than it reads or writes through the token', () => {
    const allowed = new Set([
      'contents:read',
      'id-token:write',
      'pull-requests:write',
      'pull-requests:read',
      'actions:read',
    ]);
    const granted = (job: Job) =>
      Object.entries(job.permissions ?? {}).map(([scope, level]) => `${scope}:${level}`);
    expect(jobsFailing((job) => granted(job).every((g) => allowed.has(g)))).toEqual([]);
  });

  test('bound every job in time', () => {
    expect(jobsFailing((job) => typeof job['timeout-minutes'] === 'number')).toEqual([]);
  });

  test('never cancel a run that deploys, destroys or tests against AWS', () => {
    // No workflow-level group, which a run whose jobs are all skipped would enter too.
    for (const file of ['preview.yml', 'integ.yml', 'sweep.yml']) {
      expect([file, workflowNamed(file).concurrency]).toEqual([file, undefined]);
      for (const [id, job] of Object.entries(workflowNamed(file).jobs)) {
        if (job.concurrency)
          expect([file, id, job.concurrency['cancel-in-progress']]).toEqual([file, id, false]);
      }
    }
    const ci = workflowNamed('ci.yml');
    expect(ci.jobs.deploy?.concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
    // The run on main that holds the deploy job is never cancelled either.
    const cancel = String(ci.concurrency?.['cancel-in-progress']);
    for (const eventName of ['push', 'workflow_dispatch'] as const) {
      const context = contextFor({ description: 'main', eventName, ref: 'refs/heads/main' }, 'o/r');
      expect([eventName, evaluateCondition(cancel, context)]).toEqual([eventName, false]);
    }
  });

  test('queue every deploy and destroy of one stage in one group, stage-<name>, and different stages apart', () => {
    const repository = `${CONFIG.github.owner}/${CONFIG.github.repository}`;
    const trigger: Trigger = {
      description: 'pr',
      eventName: 'pull_request',
      action: 'closed',
      ref: 'refs/pull/42/merge',
    };
    const context = {
      ...contextFor(trigger, repository),
      needs: { stage: { outputs: { name: 'pr-42' } } },
      matrix: { stage: 'pr-42' },
    };
    const groups = [
      ['preview.yml', 'deploy'],
      ['preview.yml', 'destroy'],
      ['sweep.yml', 'destroy'],
    ].map(([file, id]) => interpolate(workflowNamed(file!).jobs[id!]?.concurrency?.group ?? '', context));
    expect(groups).toEqual(['stage-pr-42', 'stage-pr-42', 'stage-pr-42']);
    for (const id of ['integ', 'cleanup'])
      expect(workflowNamed('integ.yml').jobs[id]?.concurrency?.group).toBe('stage-integ');
  });

  test('deploy branch previews for the branches preview.branches names, and no other', () => {
    expect(workflowNamed('preview.yml').on.push).toEqual({ branches: CONFIG.preview.branches });
  });

  test('the sweep keeps integration stacks for as long as an integration run can hold them', () => {
    const { integ, cleanup } = workflowNamed('integ.yml').jobs;
    expect(INTEG_MAX_MINUTES).toBe((integ?.['timeout-minutes'] ?? 0) + (cleanup?.['timeout-minutes'] ?? 0));
  });

  test('pass event data to shell steps through env, never as ${{ }} inside the script', () => {
    expect(jobsFailing((job) => stepsOf(job).every((step) => !step.run?.includes('${{')))).toEqual([]);
  });
});

describe('the actions the workflows use', () => {
  const actions = loadLocalActions();
  const uses = [
    ...WORKFLOWS.flatMap((w) =>
      Object.values(w.jobs).flatMap((job) =>
        stepsOf(job).flatMap((step) =>
          step.uses && !step.uses.startsWith('./') ? [{ workflow: w, step }] : [],
        ),
      ),
    ),
    ...actions.flatMap((a) => a.runs.steps.flatMap((step) => (step.uses ? [{ workflow: a, step }] : []))),
  ];

  test('that are local are composite actions of this repository, used after the checkout', () => {
    const local = WORKFLOWS.flatMap((w) =>
      Object.values(w.jobs).flatMap((job) => stepsOf(job).map((step, i) => ({ job, step, i }))),
    ).filter(({ step }) => step.uses?.startsWith('./'));
    expect(local.length).toBeGreaterThan(0);
    for (const { job, step, i } of local) {
      expect(actions.map((a) => `./${path.dirname(a.file)}`)).toContain(step.uses);
      expect(stepsOf(job).findIndex((s) => s.uses?.startsWith('actions/checkout@'))).toBeLessThan(i);
    }
    for (const action of actions)
      expect([action.file, action.runs.using]).toEqual([action.file, 'composite']);
  });

  test('are pinned to the commit of a known release, with the release named beside it', () => {
    for (const { workflow, step } of uses) {
      const [action, ref] = (step.uses ?? '').split('@');
      const pinned = PINNED_ACTIONS[action ?? ''];
      expect([step.uses, pinned?.sha]).toEqual([step.uses, ref]);
      expect(workflow.text).toContain(`uses: ${step.uses} # ${pinned?.version}`);
    }
  });

  test('are given only inputs they declare, and every input they require', () => {
    for (const { step } of uses) {
      const pinned = PINNED_ACTIONS[(step.uses ?? '').split('@')[0] ?? ''];
      const given = Object.keys(step.with ?? {});
      expect([step.uses, given.filter((input) => !pinned?.inputs.includes(input))]).toEqual([step.uses, []]);
      expect([step.uses, pinned?.required.filter((input) => !given.includes(input))]).toEqual([
        step.uses,
        [],
      ]);
    }
  });

  test('take the Node.js version from .nvmrc alone, a version package.json engines allows', () => {
    const setups = uses.filter(({ step }) => step.uses?.startsWith('actions/setup-node@'));
    expect(setups.length).toBeGreaterThan(0);
    for (const { step } of setups) expect(step.with).toEqual({ 'node-version-file': '.nvmrc', cache: 'npm' });
    const nvmrc = readFileSync(path.join(ROOT, '.nvmrc'), 'utf8').trim();
    const minimum = Number(/^>=(\d+)$/.exec(packageJson.engines.node)?.[1]);
    expect(nvmrc).toMatch(/^\d+$/);
    expect(Number(nvmrc)).toBeGreaterThanOrEqual(minimum);
  });

  test("is the Node.js major the pipeline's CodeBuild synthesizes with", () => {
    expect(readFileSync(path.join(ROOT, '.nvmrc'), 'utf8').trim()).toBe(CODEBUILD_NODE_VERSION);
  });

  test('request the STS audience and a session that outlasts the job, within the role maximum', () => {
    const fits = (job: Job) =>
      credentialSteps(job).every((step) => {
        const seconds = Number(step.with?.['role-duration-seconds']);
        const role = roleVariableOf(step) === 'PREVIEW_ROLE_ARN' ? 'preview' : 'deploy';
        const timeout = job['timeout-minutes'] ?? Infinity;
        return (
          step.with?.audience === undefined &&
          seconds <= ROLE_MAX_SESSION_SECONDS[role] &&
          timeout * 60 <= seconds
        );
      });
    expect(jobsFailing(fits)).toEqual([]);
  });
});
