import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as packageJson from '../../../package.json';
import type { AppConfig, StageConfig } from '../../../infra/config/schema';
import { PipelineStack } from '../../../infra/pipeline/pipeline-stack';
import { exampleConfig, stageConfig, testApp } from '../../support/cdk';

const PIPELINE_ACCOUNT = '111111111111';
const CONNECTION_ARN =
  'arn:aws:codeconnections:ap-northeast-1:111111111111:connection/0123abcd-0123-0123-0123-0123456789ab';

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

/** A project's buildspec commands, by phase. */
function commandsOf(project: Record<string, unknown>): Record<string, readonly string[]> {
  const spec = JSON.parse((project.Source as { BuildSpec: string }).BuildSpec) as BuildSpecJson;
  return Object.fromEntries(
    Object.entries(spec.phases ?? {}).map(([phase, body]) => [phase, body?.commands ?? []]),
  );
}

/** `{ Fn::Join: ['', ['arn:', { Ref: 'AWS::Partition' }, ...]] }` as `arn:<AWS::Partition>:...`. */
function joined(value: unknown): string {
  if (typeof value === 'string') return value;
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
  beforeAll(() => {
    // GIVEN the example configuration (dev, then prod in another account)
    ({ template } = synthPipeline(exampleConfig()));
  });

  test('self-mutates in an UpdatePipeline stage, after Build', () => {
    // WHEN the pipeline is synthesized
    const names = pipelineStages(template).map((s) => s.Name);
    // THEN UpdatePipeline follows Build and holds the self-mutation action
    expect(names.indexOf('UpdatePipeline')).toBe(names.indexOf('Build') + 1);
    expect(pipelineStage(template, 'UpdatePipeline').Actions).toEqual([
      expect.objectContaining({
        Name: 'SelfMutate',
        ActionTypeId: expect.objectContaining({ Provider: 'CodeBuild' }),
      }),
    ]);
  });

  test('self-mutation installs exactly the aws-cdk version package.json pins', () => {
    // WHEN the self-mutation project is read
    const [action] = pipelineStage(template, 'UpdatePipeline').Actions;
    const commands = commandsOf(projectOf(template, action!));
    // THEN it installs that CLI and nothing else, and deploys the pipeline stack with it
    expect(commands.install).toEqual([`npm install -g aws-cdk@${packageJson.devDependencies['aws-cdk']}`]);
    expect(commands.build).toEqual([expect.stringMatching(/^cdk -a \. deploy Pipeline /)]);
  });

  test('asset publishing installs exactly the cdk-assets version package.json pins', () => {
    // WHEN the projects of the Assets stage are read
    const actions = pipelineStage(template, 'Assets').Actions;
    // THEN every one installs that cdk-assets and nothing else
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) {
      expect(commandsOf(projectOf(template, action)).install).toEqual([
        `npm install -g cdk-assets@${packageJson.devDependencies['cdk-assets']}`,
      ]);
    }
  });

  test('the synth step starts with npm ci and runs only npm scripts that package.json defines', () => {
    // WHEN the synth project's commands are read
    const [synth] = pipelineStage(template, 'Build').Actions;
    const commands = commandsOf(projectOf(template, synth!));
    const all = [...(commands.install ?? []), ...(commands.build ?? [])];
    // THEN the first is npm ci, and every other one names a script of package.json
    expect(all[0]).toBe('npm ci');
    const scripts = Object.keys(packageJson.scripts);
    const named = all
      .slice(1)
      .map((command) => /^npm (?:run (\S+)|(test))$/.exec(command)?.slice(1).find(Boolean));
    expect(named).not.toContain(undefined);
    for (const script of named) expect(scripts).toContain(script);
    expect(named).toEqual(['test', 'synth']);
  });

  test('the synth step hands cdk.out to the rest of the pipeline', () => {
    // WHEN the synth project's buildspec is read
    const [synth] = pipelineStage(template, 'Build').Actions;
    const spec = JSON.parse((projectOf(template, synth!).Source as { BuildSpec: string }).BuildSpec) as {
      artifacts?: Record<string, unknown>;
    };
    // THEN its artifact is the cloud assembly
    expect(spec.artifacts).toMatchObject({ 'base-directory': 'cdk.out' });
  });
});

describe('PipelineStack: stages, waves and approvals', () => {
  test('stages appear in the configured order after Source, Build, UpdatePipeline and Assets', () => {
    // GIVEN the example configuration
    // WHEN the pipeline is synthesized
    const { template } = synthPipeline(exampleConfig());
    // THEN
    expect(pipelineStages(template).map((s) => s.Name)).toEqual([
      'Source',
      'Build',
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
      'Build',
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
    expect(names.slice(4)).toEqual(['early', 'prod']);
    expect(deployActions(pipelineStage(template, 'early'), 'jobs-qa-JobBase')).toHaveLength(2);
  });

  test('a manual approval precedes the production stage deploy actions', () => {
    // GIVEN the example configuration, prod being production
    // WHEN the pipeline is synthesized
    const prod = pipelineStage(synthPipeline(exampleConfig()).template, 'prod');
    // THEN the approval runs before every prod deploy action
    const approvals = prod.Actions.filter((a) => a.ActionTypeId.Category === 'Approval');
    expect(approvals).toEqual([expect.objectContaining({ Name: 'Approve-prod', RunOrder: 1 })]);
    const deploys = deployActions(prod, 'jobs-prod-JobBase');
    expect(deploys).toHaveLength(2);
    expect(Math.min(...runOrders(deploys))).toBeGreaterThan(approvals[0]!.RunOrder);
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
    // THEN prod deploys after the approval, and staging starts with it
    expect(approval).toBeDefined();
    expect(Math.min(...runOrders(deployActions(late, 'jobs-prod-JobBase')))).toBeGreaterThan(
      approval!.RunOrder,
    );
    expect(Math.min(...runOrders(deployActions(late, 'jobs-staging-JobBase')))).toBe(approval!.RunOrder);
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
    // THEN it runs scripts/smoke-test.ts with the stage's settings
    expect(commandsOf(project).build).toEqual(['npx tsx scripts/smoke-test.ts']);
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
    // THEN none of them runs CodeBuild
    expect(prod.Actions.filter((a) => a.ActionTypeId.Provider === 'CodeBuild')).toEqual([]);
  });
});

describe('PipelineStack: source', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN the example configuration, without a connection
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

  test('the S3 source action is named Source and reads source.zip without polling', () => {
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
          S3ObjectKey: 'source.zip',
          PollForSourceChanges: false,
        },
      }),
    ]);
  });

  test('outputs the source bucket name for the merge workflow', () => {
    // THEN
    template.hasOutput('SourceBucketName', { Value: { Ref: Match.stringLikeRegexp('^SourceBucket') } });
  });

  describe('with a CodeConnections connection', () => {
    let connected: Template;
    beforeAll(() => {
      // GIVEN a connection ARN
      const config = exampleConfig();
      ({ template: connected } = synthPipeline({
        ...config,
        pipeline: { ...config.pipeline, connectionArn: CONNECTION_ARN },
      }));
    });

    test('creates no source bucket', () => {
      // THEN only the artifact bucket remains, and no output names a source bucket
      expect(
        Object.keys(
          connected.findResources('AWS::S3::Bucket', { Properties: { BucketName: Match.anyValue() } }),
        ),
      ).toEqual([]);
      expect(Object.keys(connected.findResources('AWS::S3::Bucket'))).toHaveLength(1);
      expect(Object.keys(connected.findOutputs('SourceBucketName'))).toEqual([]);
    });

    test('reads the configured repository and branch through the connection', () => {
      // THEN
      expect(pipelineStage(connected, 'Source').Actions).toEqual([
        expect.objectContaining({
          Name: 'Source',
          ActionTypeId: expect.objectContaining({ Category: 'Source', Provider: 'CodeStarSourceConnection' }),
          Configuration: expect.objectContaining({
            ConnectionArn: CONNECTION_ARN,
            FullRepositoryId: 'example-org/batch-job-platform',
            BranchName: 'main',
          }),
        }),
      ]);
    });
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
      'a CodeConnections source',
      { ...example, pipeline: { ...example.pipeline, connectionArn: CONNECTION_ARN } },
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
