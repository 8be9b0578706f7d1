import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as packageJson from '../../package.json';
import { GITHUB_VARIABLES } from '../../infra/config/github';
import { pipelineNames, physicalName } from '../../infra/config/names';
import { buildPlatform } from '../../infra/platform';
import { CODEBUILD_NODE_VERSION } from '../../infra/pipeline/pipeline-stack';
import { BOOTSTRAP_ROLE_TYPES, ROLE_MAX_SESSION_SECONDS } from '../../infra/stacks/github-oidc-stack';
import { INTEG_APP_NAME } from '../../infra/config/ephemeral';
import { INTEG_REGION } from '../../integ/job-base-scenario';
import { stageOfStack } from '../../scripts/github/ephemeral-stacks';
import { INTEG_MAX_MINUTES } from '../../scripts/github/ephemeral-sweep';
import { FEATURED_OUTPUTS } from '../../scripts/github/preview-comment';
import { exampleConfig, testApp } from '../support/cdk';
import { PINNED_ACTIONS } from '../support/pinned-actions';
import {
  ROOT,
  contextFor,
  credentialSteps,
  environmentOf,
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
/** Every shell line of every `run:` step, continuation lines joined. */
const RUN_LINES = JOBS.flatMap(([, job]) =>
  (job.steps ?? []).flatMap((step) => (step.run ?? '').replace(/\\\n\s*/g, ' ').split('\n')),
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

describe('what the workflows name in the code', () => {
  test('every npm script they run exists', () => {
    const scripts = RUN_LINES.flatMap((line) =>
      [...line.matchAll(/npm (?:run ([\w:-]+)|(test)\b)/g)].map((m) => m[1] ?? m[2]),
    );
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(Object.keys(packageJson.scripts)).toContain(script);
  });

  test('every script file a workflow or an npm script runs exists', () => {
    const lines = [...RUN_LINES, ...Object.values(packageJson.scripts)];
    const files = lines.flatMap((line) => [...line.matchAll(/tsx (\S+\.ts)/g)].map((m) => m[1] ?? ''));
    expect(files).toEqual(expect.arrayContaining(['scripts/github/pack-assembly.ts']));
    for (const file of files) expect([file, existsSync(path.join(ROOT, file))]).toEqual([file, true]);
  });

  test('every repository variable they read is one the setup lists, and each listed one is read', () => {
    const used = new Set(
      WORKFLOWS.flatMap((w) => [...w.text.matchAll(/vars\.([A-Z0-9_]+)/g)].map((m) => m[1])),
    );
    expect(used).toEqual(new Set(Object.keys(GITHUB_VARIABLES)));
  });

  test('cdk runs select one stage through the context key the app reads, and its stacks by stage', () => {
    // Whichever file of the app reads the context key (infra/app.ts today)
    const infra = readdirSync(path.join(ROOT, 'infra'), { recursive: true, encoding: 'utf8' });
    const sources = infra
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(path.join(ROOT, 'infra', f), 'utf8'));
    expect(sources.some((text) => text.includes("tryGetContext('stage')"))).toBe(true);
    const cdk = RUN_LINES.filter((line) => /npx cdk /.test(line));
    expect(cdk.length).toBeGreaterThan(0);
    for (const line of cdk) {
      expect(line).toMatch(/npx cdk (deploy|destroy) -c "stage=\$STAGE" .*"\$STAGE\/\*"$/);
      expect(line).toMatch(/cdk deploy .*--require-approval never|cdk destroy .*--force/);
    }
  });

  test("a preview's stacks are STAGE/*, and the destroy finds each by its tag, or by its name when untagged", () => {
    // GIVEN the app with -c stage=pr-42
    const { stage } = buildPlatform(testApp(), CONFIG, { stage: 'pr-42' });
    // THEN
    expect(stage?.stack.node.path).toBe('pr-42/JobBase');
    expect(stage?.stack.stackName).toBe(physicalName(CONFIG.appName, 'pr-42', 'JobBase'));
    const options = { appName: CONFIG.appName, integAppName: INTEG_APP_NAME };
    expect(stageOfStack(stage!.stack.stackName, stage!.stack.tags.tagValues(), options)?.stage).toBe('pr-42');
    expect(stageOfStack(stage!.stack.stackName, {}, options)?.stage).toBe('pr-42');
  });

  test('the outputs the preview comment features are outputs of a preview stage', () => {
    const { stage } = buildPlatform(testApp(), CONFIG, { stage: 'pr-42' });
    const outputs = Object.keys(Template.fromStack(stage!.stack).findOutputs('*'));
    for (const name of FEATURED_OUTPUTS) expect(outputs).toContain(name);
  });

  test('the deploy job runs on the branch the deploy role trusts, and only there', () => {
    const ci = workflowNamed('ci.yml');
    expect(ci.on.push).toEqual({ branches: [CONFIG.github.branch] });
    expect(ci.jobs.deploy?.if).toBe(
      `github.event_name != 'pull_request' && github.ref == 'refs/heads/${CONFIG.github.branch}'`,
    );
  });

  test('the deploy job runs only after the tests passed, and deploys the assembly that job packed', () => {
    const { ci, deploy } = workflowNamed('ci.yml').jobs;
    expect(deploy?.needs).toBe('ci');
    const ciSteps = stepsOf(ci!);
    const order = (run: string) => ciSteps.findIndex((s) => s.run === run);
    expect(order('npm test')).toBeGreaterThan(order('npm ci'));
    expect(order('npm run synth')).toBeGreaterThan(order('npm test'));
    expect(order('npm run pack')).toBeGreaterThan(order('npm run synth'));
    const upload = ciSteps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const download = stepsOf(deploy!).find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(upload?.with).toMatchObject({ name: 'cloud-assembly', path: 'cloud-assembly.zip' });
    expect(upload?.if).toBe(deploy?.if);
    expect(download?.with?.name).toBe(upload?.with?.name);
    // The job never checks out or builds: what it uploads is what the ci job tested.
    expect(stepsOf(deploy!).filter((s) => /checkout|setup-node/.test(s.uses ?? ''))).toEqual([]);
    expect(stepsOf(deploy!).filter((s) => /\bnpm\b|npx/.test(s.run ?? ''))).toEqual([]);
  });

  test("the deploy job uploads the pipeline's source object, with the commit, and starts its source action", () => {
    const names = pipelineNames(CONFIG.appName, CONFIG.pipeline.account, CONFIG.pipeline.region);
    const deploy = workflowNamed('ci.yml').jobs.deploy;
    expect(deploy?.env).toMatchObject({
      SOURCE_KEY: names.sourceObjectKey,
      SOURCE_ACTION: names.sourceActionName,
    });
    const upload = stepsOf(deploy!).find((s) => s.id === 'upload')?.run ?? '';
    expect(upload).toContain('"$RUNNER_TEMP/assembly/cloud-assembly.zip"');
    expect(upload).toContain('codepipeline-artifact-revision-summary=$GITHUB_SHA');
  });

  test('scripts reach CloudFormation as the CDK deploy role the preview role may assume', () => {
    const calls = JOBS.flatMap(([, job]) => stepsOf(job)).filter((s) =>
      /scripts\/github\/ephemeral\.ts/.test(s.run ?? ''),
    );
    expect(calls.length).toBeGreaterThan(0);
    for (const step of calls) {
      expect(step.run).toContain(
        `role="arn:aws:iam::$ACCOUNT:role/cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-deploy-role-$ACCOUNT-$AWS_REGION"`,
      );
      expect(step.run).toContain('--role-arn "$role"');
      expect(step.env?.ACCOUNT).toBe('${{ steps.aws.outputs.aws-account-id }}');
    }
    expect(BOOTSTRAP_ROLE_TYPES).toContain('deploy-role');
  });

  test('the integration tests deploy to the preview region, where the preview role may deploy', () => {
    expect(INTEG_REGION).toBe(CONFIG.preview.region);
  });

  test('jobs that assume the preview role run in the preview environment, and no other job does', () => {
    const environmentFor = (roles: string[]) =>
      roles.includes('PREVIEW_ROLE_ARN')
        ? CONFIG.github.previewEnvironment
        : roles.includes('DEPLOY_ROLE_ARN')
          ? CONFIG.github.deployEnvironment
          : undefined;
    expect(
      jobsFailing((job) => environmentOf(job) === environmentFor(credentialSteps(job).map(roleVariableOf))),
    ).toEqual([]);
  });

  test('pull requests from forks get a job that explains why there is no preview, with no access', () => {
    for (const file of ['preview.yml', 'integ.yml']) {
      const fork = workflowNamed(file).jobs.fork;
      expect(fork?.if).toContain('github.event.pull_request.head.repo.full_name != github.repository');
      expect(fork?.permissions).toEqual({});
      expect(fork?.steps?.map((s) => s.run)).toEqual([expect.stringContaining('::notice title=')]);
    }
  });
});

describe('the setup guide', () => {
  const guide = readFileSync(path.join(ROOT, 'docs', 'setup.md'), 'utf8');

  // The variables: the setup plan prints their `gh variable set` lines (test/scripts/dev/setup-plan.test.ts).
  test('names the preview environment and the required check, the job of ci.yml', () => {
    expect(guide).toContain(`\`${CONFIG.github.previewEnvironment}\` stays open to every branch`);
    expect(workflowNamed('ci.yml').jobs.ci?.name).toBe('ci');
    expect(guide).toContain('the status check `ci`');
  });
});
