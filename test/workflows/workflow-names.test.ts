/** What the workflows name in the code and the setup guide: scripts, variables, stacks, outputs. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as packageJson from '../../package.json';
import { GITHUB_VARIABLES } from '../../infra/config/github';
import { pipelineNames, physicalName } from '../../infra/config/names';
import { buildPlatform } from '../../infra/platform';
import { BOOTSTRAP_ROLE_TYPES } from '../../infra/stacks/github-oidc-stack';
import { INTEG_APP_NAME } from '../../infra/config/ephemeral';
import { INTEG_REGION } from '../../integ/job-base-scenario';
import { stageOfStack } from '../../scripts/github/ephemeral-stacks';
import { FEATURED_OUTPUTS } from '../../scripts/github/preview-comment';
import { exampleConfig, testApp } from '../support/cdk';
import {
  ROOT,
  credentialSteps,
  environmentOf,
  loadWorkflows,
  roleVariableOf,
  workflowNamed,
  type Job,
  type Step,
} from '../support/workflows';

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
