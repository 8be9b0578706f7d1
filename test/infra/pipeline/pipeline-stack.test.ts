import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { App, CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as packageJson from '../../../package.json';
import type { AppConfig, StageConfig } from '../../../infra/config/schema';
import { PipelineStack } from '../../../infra/pipeline/pipeline-stack';
import { parse as parseYaml } from 'yaml';
import { exampleConfig, stageConfig, testApp } from '../../support/cdk';

const PIPELINE_ACCOUNT = '111111111111';

/** The parts of a synthesized CodePipeline stage these tests read. */
interface ActionJson {
  readonly Name: string;
  readonly ActionTypeId: { readonly Category: string; readonly Provider: string };
  readonly Configuration?: Record<string, unknown>;
  readonly RunOrder: number;
  readonly Namespace?: string;
}
interface StageJson {
  readonly Name: string;
  readonly Actions: readonly ActionJson[];
}
interface BuildSpecJson {
  readonly phases?: Record<string, { readonly commands?: readonly string[] } | undefined>;
}

interface Synthesized {
  readonly app: App;
  readonly stack: PipelineStack;
  readonly template: Template;
}

function synthPipeline(config: AppConfig): Synthesized {
  const app = testApp();
  const stack = new PipelineStack(app, 'Pipeline', {
    config,
    env: { account: config.pipeline.account, region: config.pipeline.region },
  });
  return { app, stack, template: Template.fromStack(stack) };
}

function stageNamed(config: AppConfig, name: string): StageConfig {
  const stage = config.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`the example configuration has no stage '${name}'`);
  return stage;
}

/** The example configuration with its stages replaced. */
function withStages(stages: StageConfig[]): AppConfig {
  return { ...exampleConfig(), stages };
}

function pipelineStages(template: Template): StageJson[] {
  const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline'));
  expect(pipelines).toHaveLength(1);
  return (pipelines[0] as { Properties: { Stages: StageJson[] } }).Properties.Stages;
}

function pipelineStage(template: Template, name: string): StageJson {
  const stage = pipelineStages(template).find((s) => s.Name === name);
  if (!stage) throw new Error(`the pipeline has no stage '${name}'`);
  return stage;
}

/** The deploy actions of one CloudFormation stack, by the stack name they deploy. */
function deployActions(stage: StageJson, stackName: string): ActionJson[] {
  return stage.Actions.filter(
    (a) => a.ActionTypeId.Provider === 'CloudFormation' && a.Configuration?.StackName === stackName,
  );
}

function runOrders(actions: readonly ActionJson[]): number[] {
  return actions.map((a) => a.RunOrder);
}

/** The resource a `{ Ref }` or `{ Fn::GetAtt }` points at. */
function referenced(template: Template, reference: unknown): { Properties: Record<string, unknown> } {
  const ref = reference as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const logicalId = ref.Ref ?? ref['Fn::GetAtt']?.[0];
  const resource = logicalId
    ? (template.toJSON().Resources as Record<string, unknown>)[logicalId]
    : undefined;
  if (!resource) throw new Error(`no resource for ${JSON.stringify(reference)}`);
  return resource as { Properties: Record<string, unknown> };
}

/** The CodeBuild project a pipeline action runs. */
function projectOf(template: Template, action: ActionJson): Record<string, unknown> {
  return referenced(template, action.Configuration?.ProjectName).Properties;
}

/**
 * A project's buildspec commands, by phase. CDK Pipelines writes a long buildspec (the asset job's)
 * to a file of the cloud assembly, which is the project's input; `outdir` is where to read it.
 */
function commandsOf(project: Record<string, unknown>, outdir?: string): Record<string, readonly string[]> {
  const buildSpec = (project.Source as { BuildSpec: string }).BuildSpec;
  let spec: BuildSpecJson;
  if (buildSpec.trimStart().startsWith('{')) {
    spec = JSON.parse(buildSpec) as BuildSpecJson;
  } else {
    if (!outdir) throw new Error(`the buildspec is the file ${buildSpec}: give the assembly's outdir`);
    spec = parseYaml(readFileSync(path.join(outdir, buildSpec), 'utf8')) as BuildSpecJson;
  }
  return Object.fromEntries(
    Object.entries(spec.phases ?? {}).map(([phase, body]) => [phase, body?.commands ?? []]),
  );
}

/** `{ Fn::Join: ['', ['arn:', { Ref: 'AWS::Partition' }, ...]] }` as `arn:<AWS::Partition>:...`. */
function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  const ref = (value as { Ref?: string }).Ref;
  if (ref) return `<${ref}>`;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error(`not a string or Fn::Join: ${JSON.stringify(value)}`);
  return join[1]
    .map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`))
    .join(join[0]);
}

/** Every statement of every policy attached to the role a `{ Fn::GetAtt: [role, 'Arn'] }` names. */
function roleStatements(template: Template, roleArn: unknown): Array<Record<string, unknown>> {
  const roleId = (roleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .map(
      (p) =>
        p.Properties as { Roles: unknown[]; PolicyDocument: { Statement: Array<Record<string, unknown>> } },
    )
    .filter((p) => p.Roles.some((r) => (r as { Ref?: string }).Ref === roleId))
    .flatMap((p) => p.PolicyDocument.Statement);
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

describe('PipelineStack: toolchain', () => {
  let template: Template;
  let outdir: string;
  beforeAll(() => {
    // GIVEN the example configuration (dev, then prod in another account)
    let app: App;
    ({ app, template } = synthPipeline(exampleConfig()));
    outdir = app.outdir;
  });

  test('self-mutates in an UpdatePipeline stage right after Source: there is no Build stage', () => {
    // WHEN the pipeline is synthesized
    const names = pipelineStages(template).map((s) => s.Name);
    // THEN UpdatePipeline follows Source and holds the self-mutation action
    expect(names.slice(0, 2)).toEqual(['Source', 'UpdatePipeline']);
    expect(names).not.toContain('Build');
    expect(pipelineStage(template, 'UpdatePipeline').Actions).toEqual([
      expect.objectContaining({
        Name: 'SelfMutate',
        ActionTypeId: expect.objectContaining({ Provider: 'CodeBuild' }),
      }),
    ]);
  });

  test('self-mutation deploys the uploaded cloud assembly: the S3 source artifact is its input', () => {
    // WHEN the Source and SelfMutate actions are read
    type Artifacts = { InputArtifacts?: Array<{ Name: string }>; OutputArtifacts?: Array<{ Name: string }> };
    const [source] = pipelineStage(template, 'Source').Actions as unknown as Artifacts[];
    const [selfMutate] = pipelineStage(template, 'UpdatePipeline').Actions as unknown as Artifacts[];
    // THEN
    expect(source?.OutputArtifacts).toHaveLength(1);
    expect(selfMutate?.InputArtifacts).toEqual(source?.OutputArtifacts);
  });

  test('self-mutation installs exactly the aws-cdk version package.json pins', () => {
    // WHEN the self-mutation project is read
    const [action] = pipelineStage(template, 'UpdatePipeline').Actions;
    const commands = commandsOf(projectOf(template, action!));
    // THEN it installs that CLI and nothing else, and deploys the pipeline stack with it
    expect(commands.install).toEqual([`npm install -g aws-cdk@${packageJson.devDependencies['aws-cdk']}`]);
    expect(commands.build).toEqual([expect.stringMatching(/^cdk -a \. deploy Pipeline /)]);
  });

  test('one job publishes every file asset, with exactly the cdk-assets version package.json pins', () => {
    // WHEN the Assets stage is read
    const actions = pipelineStage(template, 'Assets').Actions;
    // THEN one action installs that cdk-assets and publishes the handlers of both stages
    expect(actions).toHaveLength(1);
    const commands = commandsOf(projectOf(template, actions[0]!), outdir);
    expect(commands.install).toEqual([
      `npm install -g cdk-assets@${packageJson.devDependencies['cdk-assets']}`,
    ]);
    expect(commands.build?.length).toBeGreaterThan(1);
    for (const command of commands.build ?? []) expect(command).toMatch(/^cdk-assets --path .* publish /);
  });

  test('no step installs the project, builds, tests or lints', () => {
    // WHEN every CodeBuild project's commands are read
    const commands = Object.values(template.findResources('AWS::CodeBuild::Project')).flatMap((project) =>
      Object.values(commandsOf(project.Properties as Record<string, unknown>, outdir)).flat(),
    );
    // THEN none is npm ci, a test, a linter or a compiler; the only npm commands install the pinned CLIs
    expect(commands.length).toBeGreaterThan(0);
    const forbidden =
      /\bnpm (ci|test|run|install(?! -g (aws-cdk|cdk-assets)@\d))|\b(eslint|jest|integ-runner|tsc|tsx|prettier|actionlint)\b/;
    expect(commands.filter((command) => forbidden.test(command))).toEqual([]);
  });

  test("the pipeline's own steps run tools bundled into the cloud assembly", () => {
    // WHEN the commands of the steps this project adds are read
    const tools = pipelineStages(template)
      .flatMap((stage) => stage.Actions)
      .filter(
        (a) => a.ActionTypeId.Provider === 'CodeBuild' && !['SelfMutate', 'FileAssets'].includes(a.Name),
      )
      .map((a) => commandsOf(projectOf(template, a)).build?.[0]);
    // THEN each runs node on one tool of PipelineTools
    expect(tools).toEqual([
      expect.stringMatching(/^node \S+\/smoke-test\.cjs$/),
      expect.stringMatching(/^node \S+\/change-set-summary\.cjs$/),
      expect.stringMatching(/^node \S+\/protect-stack\.cjs$/),
    ]);
  });
});

describe('PipelineStack: stages, waves and approvals', () => {
  test('stages appear in the configured order after Source, UpdatePipeline and Assets', () => {
    // GIVEN the example configuration
    // WHEN the pipeline is synthesized
    const { template } = synthPipeline(exampleConfig());
    // THEN
    expect(pipelineStages(template).map((s) => s.Name)).toEqual([
      'Source',
      'UpdatePipeline',
      'Assets',
      'dev',
      'prod',
    ]);
  });

  test('stages with the same wave share one pipeline stage and deploy side by side', () => {
    // GIVEN dev and a new qa stage in the wave 'early', then prod
    const config = exampleConfig();
    const config3 = withStages([
      { ...stageNamed(config, 'dev'), wave: 'early' },
      stageConfig({ name: 'qa', wave: 'early' }),
      stageNamed(config, 'prod'),
    ]);
    // WHEN the pipeline is synthesized
    const { template } = synthPipeline(config3);
    // THEN one pipeline stage holds both, and their deploy actions run in the same order
    expect(pipelineStages(template).map((s) => s.Name)).toEqual([
      'Source',
      'UpdatePipeline',
      'Assets',
      'early',
      'prod',
    ]);
    const early = pipelineStage(template, 'early');
    const dev = deployActions(early, 'jobs-dev-JobBase');
    const qa = deployActions(early, 'jobs-qa-JobBase');
    expect(dev).toHaveLength(2);
    expect(runOrders(qa)).toEqual(runOrders(dev));
  });

  test('a wave deploys where its first stage is configured', () => {
    // GIVEN dev and qa in one wave with prod configured between them
    const config = exampleConfig();
    const { template } = synthPipeline(
      withStages([
        { ...stageNamed(config, 'dev'), wave: 'early' },
        stageNamed(config, 'prod'),
        stageConfig({ name: 'qa', wave: 'early' }),
      ]),
    );
    // WHEN the pipeline's stages are read
    const names = pipelineStages(template).map((s) => s.Name);
    // THEN qa deploys with dev, before prod
    expect(names.slice(3)).toEqual(['early', 'prod']);
    expect(deployActions(pipelineStage(template, 'early'), 'jobs-qa-JobBase')).toHaveLength(2);
  });

  test('no approval on non-production stages', () => {
    // GIVEN the example configuration
    // WHEN the pipeline is synthesized
    const stages = pipelineStages(synthPipeline(exampleConfig()).template);
    // THEN prod holds the only approval
    const withApproval = stages
      .filter((s) => s.Actions.some((a) => a.ActionTypeId.Category === 'Approval'))
      .map((s) => s.Name);
    expect(withApproval).toEqual(['prod']);
  });

  test('in a wave shared with a production stage, the other stage does not wait for the approval', () => {
    // GIVEN prod and a non-production staging stage in the wave 'late'
    const config = exampleConfig();
    const { template } = synthPipeline(
      withStages([
        stageNamed(config, 'dev'),
        { ...stageNamed(config, 'prod'), wave: 'late' },
        stageConfig({ name: 'staging', wave: 'late' }),
      ]),
    );
    // WHEN the wave's actions are read
    const late = pipelineStage(template, 'late');
    const approval = late.Actions.find((a) => a.ActionTypeId.Category === 'Approval');
    // THEN prod executes its change set after the approval, and staging deploys without waiting for it
    expect(approval).toBeDefined();
    expect(Math.max(...runOrders(deployActions(late, 'jobs-prod-JobBase')))).toBeGreaterThan(
      approval!.RunOrder,
    );
    expect(Math.max(...runOrders(deployActions(late, 'jobs-staging-JobBase')))).toBeLessThan(
      approval!.RunOrder,
    );
  });
});

describe('PipelineStack: production review', () => {
  let stack: PipelineStack;
  let template: Template;
  let prod: StageJson;
  const byName = (name: string): ActionJson => {
    const action = prod.Actions.find((a) => a.Name === name);
    if (!action) throw new Error(`prod has no action ${name}: ${prod.Actions.map((a) => a.Name).join(', ')}`);
    return action;
  };
  /** A project's environment variables, with `{ Ref: AWS::Partition }` written `<AWS::Partition>`. */
  const envOf = (action: ActionJson): Record<string, string> => {
    const env = (
      projectOf(template, action).Environment as {
        EnvironmentVariables: Array<{ Name: string; Value: unknown }>;
      }
    ).EnvironmentVariables;
    return Object.fromEntries(env.map((e) => [e.Name, joined(e.Value)]));
  };
  const PROD_DEPLOY_ROLE =
    'arn:<AWS::Partition>:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-ap-northeast-1';

  beforeAll(() => {
    // GIVEN the example configuration: prod is production, in account 222222222222
    ({ stack, template } = synthPipeline(exampleConfig()));
    prod = pipelineStage(template, 'prod');
  });

  test('creates the change set, summarizes it, waits for approval, executes it, then protects the stack', () => {
    // WHEN the prod stage's actions are read in run order
    const sequence = [...prod.Actions]
      .sort((x, y) => x.RunOrder - y.RunOrder)
      .map((a) => [a.RunOrder, a.Name, a.ActionTypeId.Provider, a.Configuration?.ActionMode ?? null]);
    // THEN each runs after the one before it
    expect(sequence).toEqual([
      [1, 'Prepare', 'CloudFormation', 'CHANGE_SET_REPLACE'],
      [2, 'ChangeSetSummary', 'CodeBuild', null],
      [3, 'Approve', 'Manual', null],
      [4, 'Deploy', 'CloudFormation', 'CHANGE_SET_EXECUTE'],
      [5, 'TerminationProtection', 'CodeBuild', null],
    ]);
  });

  test('the approval executes the change set that was summarized: one name, one stack', () => {
    // WHEN the change-set actions and the summary's settings are read
    const prepare = byName('Prepare').Configuration;
    const deploy = byName('Deploy').Configuration;
    // THEN
    expect(deploy).toMatchObject({ StackName: prepare?.StackName, ChangeSetName: prepare?.ChangeSetName });
    expect(envOf(byName('ChangeSetSummary'))).toMatchObject({
      STACK_NAME: prepare?.StackName,
      CHANGE_SET_NAME: prepare?.ChangeSetName,
    });
  });

  test("the approval shows the summary's headline and change-set link, and notifies the approvers' topic", () => {
    // WHEN the approval and the summary step are read
    const summary = byName('ChangeSetSummary');
    const spec = JSON.parse((projectOf(template, summary).Source as { BuildSpec: string }).BuildSpec) as {
      env?: { 'exported-variables'?: string[] };
    };
    // THEN the approval reads the variables the summary step exports
    expect(summary.Namespace).toEqual(expect.any(String));
    expect(spec.env?.['exported-variables']).toEqual(['CHANGE_SET_HEADLINE', 'CHANGE_SET_URL']);
    expect(byName('Approve').Configuration).toEqual({
      CustomData: `#{${summary.Namespace}.CHANGE_SET_HEADLINE}`,
      ExternalEntityLink: `#{${summary.Namespace}.CHANGE_SET_URL}`,
      NotificationArn: { Ref: stack.getLogicalId(stack.approvalTopic!.node.defaultChild as CfnElement) },
    });
  });

  test("both steps reach exactly the prod stack, through its account's bootstrap deploy role", () => {
    // WHEN the steps' environments are read
    const expected = {
      STAGE_NAME: 'prod',
      STACK_NAME: 'jobs-prod-JobBase',
      STACK_ACCOUNT: '222222222222',
      STACK_REGION: 'ap-northeast-1',
      DEPLOY_ROLE_ARN: PROD_DEPLOY_ROLE,
    };
    // THEN
    expect(envOf(byName('ChangeSetSummary'))).toMatchObject(expected);
    expect(envOf(byName('TerminationProtection'))).toMatchObject(expected);
    // the role CodePipeline itself deploys prod with
    expect(joined((byName('Prepare') as unknown as { RoleArn: unknown }).RoleArn)).toBe(PROD_DEPLOY_ROLE);
  });

  test("the summary step's role may assume only prod's deploy role, and publish only to the approval topic", () => {
    // WHEN the statements of its role are read, beside CodeBuild's logs, reports and artifacts
    const statements = roleStatements(template, projectOf(template, byName('ChangeSetSummary')).ServiceRole);
    const own = statements.filter((s) =>
      asList(s.Action).some((a) => /^(sts|sns|cloudformation):|^\*$/.test(String(a))),
    );
    // THEN
    const topicId = stack.getLogicalId(stack.approvalTopic!.node.defaultChild as CfnElement);
    expect(own).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'sts:AssumeRole' }),
      expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topicId } }),
    ]);
    expect(asList(own[0]!.Resource).map(joined)).toEqual([PROD_DEPLOY_ROLE]);
    expect(statements.filter((s) => asList(s.Resource).includes('*'))).toEqual([]);
  });

  test("the termination-protection step's role may assume only prod's deploy role", () => {
    // WHEN
    const statements = roleStatements(
      template,
      projectOf(template, byName('TerminationProtection')).ServiceRole,
    );
    const own = statements.filter((s) =>
      asList(s.Action).some((a) => /^(sts|sns|cloudformation):|^\*$/.test(String(a))),
    );
    // THEN
    expect(own).toEqual([expect.objectContaining({ Effect: 'Allow', Action: 'sts:AssumeRole' })]);
    expect(asList(own[0]!.Resource).map(joined)).toEqual([PROD_DEPLOY_ROLE]);
  });

  test('the approval topic is encrypted, TLS-only, and named in an output for the approvers', () => {
    // THEN
    const topicId = stack.getLogicalId(stack.approvalTopic!.node.defaultChild as CfnElement);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: Match.stringLikeRegexp('alias/aws/sns'),
    });
    template.hasOutput('ApprovalTopicArn', { Value: { Ref: topicId } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('without a production stage there is no approval, no review and no topic', () => {
    // GIVEN only dev
    const { template } = synthPipeline(withStages([stageNamed(exampleConfig(), 'dev')]));
    // THEN
    const names = pipelineStages(template).flatMap((s) => s.Actions.map((a) => a.Name));
    expect(names.filter((n) => /Approve|ChangeSetSummary|TerminationProtection/.test(n))).toEqual([]);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  test('two production stages in one wave each get their own review, before their own execution', () => {
    // GIVEN prod and prodeu, both production, in the wave 'production'
    const config = exampleConfig();
    const { template } = synthPipeline(
      withStages([
        stageNamed(config, 'dev'),
        { ...stageNamed(config, 'prod'), wave: 'production' },
        stageConfig({
          name: 'prodeu',
          account: '444444444444',
          region: 'eu-west-1',
          production: true,
          wave: 'production',
          vpc: { create: { availabilityZones: ['eu-west-1a'] } },
        }),
      ]),
    );
    // WHEN the wave's actions are read
    const wave = pipelineStage(template, 'production');
    // THEN each stack's approval comes after its own summary and before its own execution
    for (const stackName of ['jobs-prod-JobBase', 'jobs-prodeu-JobBase']) {
      const [prepare, execute] = [...deployActions(wave, stackName)].sort((x, y) => x.RunOrder - y.RunOrder);
      const approval = wave.Actions.find(
        (a) =>
          a.ActionTypeId.Category === 'Approval' &&
          String(a.Configuration?.CustomData).includes(
            stackName.replace('-JobBase', '').replace('jobs-', ''),
          ),
      );
      expect([
        stackName,
        prepare!.RunOrder < approval!.RunOrder,
        approval!.RunOrder < execute!.RunOrder,
      ]).toEqual([stackName, true, true]);
    }
  });
});

describe('PipelineStack: smoke step', () => {
  let template: Template;
  let dev: StageJson;
  let smoke: ActionJson;
  beforeAll(() => {
    // GIVEN the example configuration: dev has smokeTest on, prod off
    ({ template } = synthPipeline(exampleConfig()));
    dev = pipelineStage(template, 'dev');
    const builds = dev.Actions.filter((a) => a.ActionTypeId.Provider === 'CodeBuild');
    expect(builds).toHaveLength(1);
    smoke = builds[0]!;
  });

  test('runs after the dev deploy', () => {
    // WHEN the dev stage's actions are read
    const deploys = deployActions(dev, 'jobs-dev-JobBase');
    // THEN the smoke step is a CodeBuild action after every deploy action
    expect(deploys).toHaveLength(2);
    expect(smoke.Name).toBe('SmokeTest');
    expect(smoke.RunOrder).toBeGreaterThan(Math.max(...runOrders(deploys)));
  });

  test("takes the queue, inbox and probe job from the dev stack's outputs", () => {
    // WHEN the action's environment variables are read
    const deploy = deployActions(dev, 'jobs-dev-JobBase').find((a) => a.Namespace !== undefined);
    const variables = JSON.parse(smoke.Configuration?.EnvironmentVariables as string) as unknown;
    // THEN each names an output in the variables namespace of the dev deploy action
    expect(deploy?.Namespace).toEqual(expect.any(String));
    const ns = deploy!.Namespace!;
    expect(variables).toEqual([
      { name: 'JOB_QUEUE_ARN', type: 'PLAINTEXT', value: `#{${ns}.JobQueueArn}` },
      { name: 'SMOKE_TEST_QUEUE_URL', type: 'PLAINTEXT', value: `#{${ns}.SmokeTestQueueUrl}` },
      {
        name: 'SMOKE_TEST_JOB_DEFINITION_ARN',
        type: 'PLAINTEXT',
        value: `#{${ns}.SmokeTestJobDefinitionArn}`,
      },
    ]);
  });

  test("runs the smoke script against the dev stage's region and role", () => {
    // WHEN the smoke project is read
    const project = projectOf(template, smoke);
    const env = (project.Environment as { EnvironmentVariables: Array<{ Name: string; Value: unknown }> })
      .EnvironmentVariables;
    // THEN it runs the bundled scripts/smoke-test.ts, with nothing to install, with the stage's settings
    expect(commandsOf(project).build).toEqual([expect.stringMatching(/^node \S+\/smoke-test\.cjs$/)]);
    expect(commandsOf(project).install).toEqual([]);
    expect(Object.fromEntries(env.map((e) => [e.Name, joined(e.Value)]))).toEqual({
      AWS_REGION: 'ap-northeast-1',
      SMOKE_TEST_ROLE_ARN: `arn:<AWS::Partition>:iam::${PIPELINE_ACCOUNT}:role/jobs-dev-SmokeTestRole`,
      SMOKE_TEST_TIMEOUT_SECONDS: '900',
      SMOKE_TEST_JOB_NAME_PREFIX: 'smoke-dev',
    });
  });

  test("may assume only the dev stage's smoke-test role", () => {
    // WHEN the statements of the smoke project's role are read
    const statements = roleStatements(template, projectOf(template, smoke).ServiceRole);
    // THEN the only statement with an STS action, or any action on every resource, is that AssumeRole
    const sts = statements.filter((s) => asList(s.Action).some((a) => /^(sts:|\*$)/.test(String(a))));
    expect(sts).toHaveLength(1);
    expect(sts[0]).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    expect(asList(sts[0]!.Resource).map(joined)).toEqual([
      `arn:<AWS::Partition>:iam::${PIPELINE_ACCOUNT}:role/jobs-dev-SmokeTestRole`,
    ]);
    expect(statements.filter((s) => asList(s.Resource).includes('*'))).toEqual([]);
  });

  test('no smoke step for a stage without smokeTest', () => {
    // WHEN the prod stage's actions are read
    const prod = pipelineStage(template, 'prod');
    // THEN none of them is a smoke test
    expect(prod.Actions.map((a) => a.Name)).not.toContain('SmokeTest');
  });
});

describe('PipelineStack: source', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN the example configuration
    ({ template } = synthPipeline(exampleConfig()));
  });

  test('the source bucket blocks all public access', () => {
    // THEN
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'jobs-pipeline-source-111111111111-ap-northeast-1',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  test('the source bucket is versioned and encrypted', () => {
    // THEN
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'jobs-pipeline-source-111111111111-ap-northeast-1',
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
  });

  test('the source bucket policy denies requests without TLS', () => {
    // WHEN the source bucket's logical id is known
    const [bucketId] = Object.keys(
      template.findResources('AWS::S3::Bucket', {
        Properties: { BucketName: 'jobs-pipeline-source-111111111111-ap-northeast-1' },
      }),
    );
    // THEN its policy denies every request with aws:SecureTransport false
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  test('the pipeline is V2 and a newer execution supersedes an older one', () => {
    // THEN
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Name: 'jobs-pipeline',
      PipelineType: 'V2',
      ExecutionMode: 'SUPERSEDED',
    });
  });

  test('the S3 source action is named Source and reads cloud-assembly.zip without polling', () => {
    // WHEN the Source stage is read
    const [bucketId] = Object.keys(
      template.findResources('AWS::S3::Bucket', {
        Properties: { BucketName: 'jobs-pipeline-source-111111111111-ap-northeast-1' },
      }),
    );
    // THEN its only action reads the object from the source bucket, started by the workflow alone
    expect(pipelineStage(template, 'Source').Actions).toEqual([
      expect.objectContaining({
        Name: 'Source',
        ActionTypeId: expect.objectContaining({ Category: 'Source', Provider: 'S3' }),
        Configuration: {
          S3Bucket: { Ref: bucketId },
          S3ObjectKey: 'cloud-assembly.zip',
          PollForSourceChanges: false,
        },
      }),
    ]);
  });

  test('outputs the source bucket name for the merge workflow', () => {
    // THEN
    template.hasOutput('SourceBucketName', { Value: { Ref: Match.stringLikeRegexp('^SourceBucket') } });
  });
});

describe('PipelineStack: cross-account artifacts', () => {
  test('with a stage in another account, the artifact bucket is encrypted with a rotated key', () => {
    // GIVEN the example configuration (prod in 222222222222)
    // WHEN the pipeline is synthesized
    const { template } = synthPipeline(exampleConfig());
    // THEN one key, rotated, encrypts the artifact bucket
    const keys = Object.keys(template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keys[0], 'Arn'] },
            },
          },
        ],
      },
    });
  });

  test('with every stage in the pipeline account, there is no key', () => {
    // GIVEN prod moved into the pipeline account
    const config = exampleConfig();
    const sameAccount = withStages([
      stageNamed(config, 'dev'),
      { ...stageNamed(config, 'prod'), account: PIPELINE_ACCOUNT },
    ]);
    // WHEN the pipeline is synthesized
    const { template } = synthPipeline(sameAccount);
    // THEN
    template.resourceCountIs('AWS::KMS::Key', 0);
  });
});

describe('PipelineStack: stage stacks', () => {
  test("the dev stack's smoke-test role trusts the pipeline account", () => {
    // GIVEN the example configuration
    // WHEN the dev stage's stack is synthesized
    const { stack } = synthPipeline(exampleConfig());
    const dev = Template.fromStack(stack.stages[0]!.stack);
    // THEN
    dev.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'jobs-dev-SmokeTestRole',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${PIPELINE_ACCOUNT}:root` },
          },
        ],
      },
    });
  });

  test("a smoke-tested stage in another account trusts the pipeline's account, not its own", () => {
    // GIVEN prod (in 222222222222) with smokeTest on
    const config = exampleConfig();
    const { stack } = synthPipeline(
      withStages([stageNamed(config, 'dev'), { ...stageNamed(config, 'prod'), smokeTest: true }]),
    );
    // WHEN the prod stage's stack is synthesized
    const prod = stack.stages.find((s) => s.config.name === 'prod');
    // THEN
    Template.fromStack(prod!.stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'jobs-prod-SmokeTestRole',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${PIPELINE_ACCOUNT}:root` },
          },
        ],
      },
    });
  });
});

describe('PipelineStack: cdk-nag AwsSolutions', () => {
  const example = exampleConfig();
  const configs: Array<[string, AppConfig]> = [
    ['the example configuration', example],
    [
      'every stage in the pipeline account',
      withStages([stageNamed(example, 'dev'), { ...stageNamed(example, 'prod'), account: PIPELINE_ACCOUNT }]),
    ],
    [
      'two production stages in one wave',
      withStages([
        stageNamed(example, 'dev'),
        { ...stageNamed(example, 'prod'), wave: 'production' },
        stageConfig({
          name: 'prodeu',
          account: '444444444444',
          region: 'eu-west-1',
          production: true,
          wave: 'production',
          vpc: { create: { availabilityZones: ['eu-west-1a'] } },
        }),
      ]),
    ],
    [
      'a stage in another region',
      withStages([
        stageNamed(example, 'dev'),
        stageConfig({
          name: 'dr',
          account: '222222222222',
          region: 'us-east-1',
          vpc: { create: { availabilityZones: ['us-east-1a'] } },
        }),
      ]),
    ],
    [
      'two stages in one wave',
      withStages([
        { ...stageNamed(example, 'dev'), wave: 'early' },
        stageConfig({ name: 'qa', wave: 'early', smokeTest: true }),
        stageNamed(example, 'prod'),
      ]),
    ],
  ];

  test.each(configs)('no findings on the pipeline and its stages with %s', (_name, config) => {
    // GIVEN the pipeline synthesized from the configuration
    const { app } = synthPipeline(config);
    // WHEN the pack checks the whole app
    const report = new AwsSolutionsChecks().validateScope(app);
    // THEN
    expect(
      report.violations.map(
        (v) => `${v.ruleName} on ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });

  test("the pipeline's acknowledgments do not cover a role added elsewhere in the stack", () => {
    // GIVEN the pipeline, and a new role in its stack granted what the pipeline's roles are acknowledged for
    const app = testApp();
    const stack = new PipelineStack(app, 'Pipeline', {
      config: example,
      env: { account: example.pipeline.account, region: example.pipeline.region },
    });
    const role = new iam.Role(stack, 'Extra', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
    });
    stack.pipeline.pipeline.artifactBucket.grantReadWrite(role);
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: ['*'] }),
    );
    // WHEN the pack checks the app
    const report = new AwsSolutionsChecks().validateScope(app);
    // THEN every wildcard of the new role is reported, on that role only
    const findings = report.violations.map((v) => v.ruleName).sort();
    expect(findings).toEqual(
      expect.arrayContaining([
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'AwsSolutions-IAM5[Resource::*]',
        expect.stringMatching(
          /^AwsSolutions-IAM5\[Resource::<CodePipelineArtifactsBucket[0-9A-F]+\.Arn>\/\*\]$/,
        ),
      ]),
    );
    const paths = new Set(report.violations.flatMap((v) => v.violatingResources.map((r) => r.constructPath)));
    expect([...paths]).toEqual(['Pipeline/Extra/DefaultPolicy/Resource']);
  });

  test("without a stage in another region, a wildcard on the pipeline's own role is still reported", () => {
    // GIVEN the example pipeline (one region), and a statement on every resource added to its role
    const { app, stack } = synthPipeline(example);
    stack.pipeline.pipeline.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'] }),
    );
    // WHEN
    const report = new AwsSolutionsChecks().validateScope(app);
    // THEN the cross-region acknowledgment is not there to hide it
    expect(report.violations.map((v) => v.ruleName)).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });
});
