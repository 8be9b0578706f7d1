import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { parseConfig, type AppConfig } from '../../../infra/config/load';
import { appConfig } from '../../../infra/config/stages';
import { buildPlatform } from '../../../infra/platform';
import { variableLines } from '../../../scripts/dev/github-variables';
import { placeholderProblems } from '../../../scripts/dev/setup-placeholders';
import { setupPlanLines } from '../../../scripts/dev/setup-plan';
import { setupSteps } from '../../../scripts/dev/setup-steps';
import type { SetupStep } from '../../../scripts/dev/setup-step';
import { exampleConfig, exampleWith, testApp } from '../../support/cdk';

const EXAMPLE = exampleConfig();
const FILLED = parseConfig({
  ...appConfig,
  pipeline: { account: '123456789012', region: 'eu-west-1' },
  preview: {
    ...appConfig.preview,
    account: '210987654321',
    region: 'eu-west-1',
    vpc: { shared: { availabilityZones: ['eu-west-1a', 'eu-west-1b'] } },
  },
  github: { owner: 'acme', repository: 'jobs' },
  stages: [
    {
      ...appConfig.stages[0],
      account: '123456789012',
      region: 'eu-west-1',
      vpc: { create: { availabilityZones: ['eu-west-1a'] } },
    },
    {
      ...appConfig.stages[1],
      account: '345678901234',
      region: 'eu-central-1',
      vpc: {
        existing: {
          vpcId: 'vpc-0a1b2c3d4e5f60718',
          subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
          jobsEgress: 'nat',
          snsEndpoint: 'create',
        },
      },
    },
  ],
});
/** Every shape the plan changes with: previews in the pipeline's account, in a stage's, stages in two regions. */
const CONFIGS: [string, AppConfig][] = [
  ['the example', EXAMPLE],
  ['a filled-in configuration, stages in two regions', FILLED],
  ['previews in the pipeline account', parseConfig(exampleWith('preview', { account: undefined }))],
  ['previews in the production account', parseConfig(exampleWith('preview', { account: '222222222222' }))],
  [
    'a VPC per preview',
    parseConfig(exampleWith('preview', { vpc: { create: { availabilityZones: ['ap-northeast-1a'] } } })),
  ],
];

const stepMaking = (steps: readonly SetupStep[], id: string): number =>
  steps.findIndex((step) => step.produces.some((a) => a.id === id));
const stepRunning = (steps: readonly SetupStep[], command: string): number =>
  steps.findIndex((step) => step.commands.includes(command));

describe.each(CONFIGS)('the setup of %s', (_case, config) => {
  const steps = setupSteps(config);

  test('uses nothing before the step that makes it', () => {
    const early = steps.flatMap((step, index) =>
      step.needs
        .filter((id) => !(stepMaking(steps, id) >= 0 && stepMaking(steps, id) < index))
        .map((id) => `step ${index + 1} (${step.title}) needs ${id}`),
    );
    expect(early).toEqual([]);
  });

  test('makes each thing once', () => {
    const ids = steps.flatMap((step) => step.produces.map((a) => a.id));
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  test('deploys each stack of the app by hand, with credentials for its account', () => {
    // GIVEN the app this configuration builds
    const app = testApp();
    buildPlatform(app, config, { defaultAccount: config.pipeline.account });
    const stacks = app.node.children.filter(Stack.isStack);
    // aws-codepipeline's support stack per other stage region deploys with the pipeline, bootstrapped before
    const isSupport = (s: Stack): boolean => s.node.id.startsWith('cross-region-stack-');
    const pipelineStep = stepRunning(steps, 'npx cdk deploy Pipeline');
    const unbootstrapped = stacks
      .filter(isSupport)
      .map((s) => `bootstrap:${s.account}/${s.region}`)
      .filter((id) => !(stepMaking(steps, id) >= 0 && stepMaking(steps, id) < pipelineStep));
    expect(unbootstrapped).toEqual([]);
    // THEN each other stack is deployed by a step acting in its account, and every deploy names one
    const deployed = steps.flatMap((step) =>
      step.commands
        .filter((c) => c.startsWith('npx cdk deploy '))
        .map((c) => [
          c.slice('npx cdk deploy '.length),
          typeof step.actor === 'object' ? step.actor.aws : step.actor,
        ]),
    );
    const handDeployed = stacks.filter((s) => !isSupport(s)).map((s) => [s.node.id, s.account]);
    expect(deployed.sort()).toEqual(handDeployed.sort());
  });

  test('bootstraps every environment the pipeline deploys to, trusting the pipeline from other accounts', () => {
    const pipelineStep = steps.findIndex((step) => step.commands.includes('npx cdk deploy Pipeline'));
    for (const { account, region } of config.stages) {
      const options =
        account === config.pipeline.account
          ? ''
          : ` --trust ${config.pipeline.account} --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess`;
      const index = stepRunning(steps, `npx cdk bootstrap aws://${account}/${region}${options}`);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(pipelineStep);
    }
  });

  test('creates and protects the GitHub environments, and sets the OIDC subject, before the roles that trust them', () => {
    const { deployEnvironment, previewEnvironment } = config.github;
    for (const [role, env] of [
      ['role:deploy', deployEnvironment],
      ['role:preview', previewEnvironment],
    ] as const) {
      const needs = steps[stepMaking(steps, role)]!.needs;
      expect(needs).toEqual(expect.arrayContaining([`environment:${env}`, 'oidc-subject']));
    }
  });
});

test('every bootstrap that trusts another account names its execution policies, as the CDK CLI requires', () => {
  const commands = CONFIGS.flatMap(([, config]) => setupSteps(config).flatMap((step) => step.commands));
  const trusting = commands.filter((c) => c.startsWith('npx cdk bootstrap') && c.includes('--trust'));
  expect(trusting.length).toBeGreaterThan(0);
  expect(trusting.filter((c) => !c.includes('--cloudformation-execution-policies '))).toEqual([]);
});

test("bootstraps the preview account of its own with PreviewBootstrap's policies, after deploying them", () => {
  const steps = setupSteps(EXAMPLE);
  const scoped =
    'npx cdk bootstrap aws://333333333333/ap-northeast-1' +
    ' --cloudformation-execution-policies arn:aws:iam::333333333333:policy/jobs-preview-cfn-execution' +
    ' --custom-permissions-boundary jobs-preview-boundary';
  expect(stepRunning(steps, scoped)).toBeGreaterThan(stepRunning(steps, 'npx cdk deploy PreviewBootstrap'));
  expect(
    steps.flatMap((s) => s.commands).filter((c) => c.startsWith('npx cdk bootstrap aws://333333333333')),
  ).toEqual([scoped]);
});

test('reports each placeholder of the example configuration, by its setting', () => {
  expect(placeholderProblems(EXAMPLE).map((p) => p.split(':')[0])).toEqual([
    'pipeline.account',
    'preview.account',
    'github.owner',
    'stages[0].account',
    'stages[1].account',
    'stages[1].vpc.existing.vpcId',
    'stages[1].vpc.existing.subnetIds[0]',
    'stages[1].vpc.existing.subnetIds[1]',
  ]);
});

test('reports no placeholder in a filled-in configuration', () => {
  expect(placeholderProblems(FILLED)).toEqual([]);
});

test('prints the problems first, then the numbered steps with their credentials, commands and variables', () => {
  const lines = setupPlanLines(EXAMPLE);
  expect(lines[1]).toMatch(/^ {2}- pipeline\.account: '111111111111' is the example's placeholder/);
  expect(lines.indexOf('1. Put your accounts, network and repository in the configuration')).toBeGreaterThan(
    lines.findIndex((l) => l.includes("'subnet-0fedcba9876543210'")),
  );
  expect(lines).toContain('   as:       administrator credentials for AWS account 222222222222 (stage prod)');
  const variable = variableLines(EXAMPLE, 'gh')[0]!.split('  #')[0];
  expect(lines).toContain(`   $ ${variable} --repo example-org/batch-job-platform`);
});

test("docs/setup.md has the plan's steps, in its order, for the example configuration", () => {
  const doc = readFileSync(join(__dirname, '../../../docs/setup.md'), 'utf8');
  const headings = [...doc.matchAll(/^### (\d+)\. (.+)$/gm)].map((m) => `${m[1]}. ${m[2]}`);
  expect(headings).toEqual(setupSteps(EXAMPLE).map((step, i) => `${i + 1}. ${step.title}`));
});
