import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { StageConfigInput } from '../../../infra/config/schema';
import { jobBase, logicalIdOf, references } from '../../support/templates';

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] };
const resourcesOf = (template: Template) => template.toJSON().Resources as Record<string, Resource>;
const EXISTING_VPC = {
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba987654321f'],
  snsEndpoint: 'nat' as const,
};

describe('JobBaseStack', () => {
  const { template } = jobBase();

  test("publishes the outputs pipeline steps and workflows read, the smoke test's only with smokeTest", () => {
    const queue = logicalIdOf(template, 'AWS::Batch::JobQueue');
    template.hasOutput('JobQueueArn', { Value: { 'Fn::GetAtt': [queue, 'JobQueueArn'] } });
    const always = ['JobQueueName', 'SuccessHandlerName', 'SuccessHandlerArn', 'ErrorHandlerName'];
    for (const id of [...always, 'ErrorHandlerArn', 'TopicArn', 'DeadLetterQueueUrl'])
      template.hasOutput(id, { Value: Match.anyValue() });
    expect(template.findOutputs('SmokeTestQueueUrl')).toEqual({});
    const smoke = jobBase({ smokeTest: true }).template;
    for (const id of ['SmokeTestQueueUrl', 'SmokeTestJobDefinitionArn', 'SmokeTestRoleArn']) {
      smoke.hasOutput(id, { Value: Match.anyValue() });
    }
  });

  test("has the stage's dashboard, named <app>-<stage>, graphing every handler; its name and URL are outputs", () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'jobs-dev' });
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const parts = (dashboard!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const body = parts.filter((part) => typeof part === 'string').join('');
    for (const handler of ['success handler', 'error handler', 'stuck-job handler'])
      expect(body).toContain(`"label":"${handler}"`);
    template.hasOutput('DashboardName', { Value: 'jobs-dev' });
    template.hasOutput('DashboardUrl', {
      Value:
        'https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#dashboards:name=jobs-dev',
    });
  });

  test('the success, error and stuck-job functions share the dead-letter queue', () => {
    const dlq = logicalIdOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 1209600 });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::EventInvokeConfig',
      { DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } } },
      3,
    );
  });

  test.each([
    [{}, 'json'],
    [{ notifications: { messageStructure: 'text' } }, 'string'],
  ] as const)(
    'with %j every function lays out its notifications as MESSAGE_STRUCTURE %s',
    (overrides, structure) => {
      const functions = jobBase(overrides).template.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: Match.stringLikeRegexp('^jobs-dev-') },
      });
      expect(
        Object.values(functions).map((f): unknown => f.Properties.Environment.Variables.MESSAGE_STRUCTURE),
      ).toEqual([structure, structure, structure]);
    },
  );

  test("every function is told the stage's dashboard, which its notifications link to", () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: Match.stringLikeRegexp('^jobs-dev-') },
    });
    expect(
      Object.values(functions).map((f): unknown => f.Properties.Environment.Variables.DASHBOARD_NAME),
    ).toEqual(['jobs-dev', 'jobs-dev', 'jobs-dev']);
  });

  test('perChild drops the child filters from the two job-state rules and changes nothing else', () => {
    const withoutChildFilters = (t: Template) =>
      JSON.parse(JSON.stringify(resourcesOf(t)), (key, value: unknown) =>
        key === 'detail' && JSON.stringify(value).match(/"status":\["(SUCCEEDED|FAILED)"\]/)
          ? { ...(value as object), arrayProperties: undefined, nodeDetails: undefined }
          : value,
      ) as unknown;
    const perChild = jobBase({ notifications: { perChild: true } }).template;
    perChild.resourcePropertiesCountIs(
      'AWS::Events::Rule',
      { EventPattern: { detail: { arrayProperties: Match.absent(), nodeDetails: Match.absent() } } },
      2,
    );
    expect(JSON.stringify(resourcesOf(perChild))).not.toEqual(JSON.stringify(resourcesOf(template)));
    expect(withoutChildFilters(perChild)).toEqual(withoutChildFilters(template));
  });
});

describe('JobBaseStack: what a stage leaves behind', () => {
  test('a long-lived stage retains the topic, its key, the logs and the dead-letter queue', () => {
    const { template } = jobBase();
    for (const type of ['AWS::SNS::Topic', 'AWS::KMS::Key', 'AWS::Logs::LogGroup']) {
      const resources = Object.values(template.findResources(type));
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) expect(resource.DeletionPolicy).toBe('Retain');
    }
    template.hasResource('AWS::SQS::Queue', {
      Properties: { MessageRetentionPeriod: 1209600 },
      DeletionPolicy: 'Retain',
    });
  });

  test('an ephemeral stage deletes completely: nothing is retained', () => {
    const { template } = jobBase({ ephemeral: true });
    const retained = Object.entries(
      template.toJSON().Resources as Record<string, { DeletionPolicy?: string }>,
    )
      .filter(([, r]) => r.DeletionPolicy === 'Retain' || r.DeletionPolicy === 'RetainExceptOnCreate')
      .map(([id]) => id);
    expect(retained).toEqual([]);
    template.hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 7 });
  });

  test('an ephemeral stage names none of its roles: in the preview account they outlive a delete (RetainRoles), and a name would collide', () => {
    const { template } = jobBase({ ephemeral: true, smokeTest: true });
    template.resourcePropertiesCountIs('AWS::IAM::Role', { RoleName: Match.anyValue() }, 0);
    jobBase().template.resourcePropertiesCountIs(
      'AWS::IAM::Role',
      { RoleName: 'jobs-dev-BatchLambdaRole' },
      1,
    );
  });

  test('log groups are unnamed, so a retained one never blocks deploying the stage again', () => {
    const { template } = jobBase();
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { LogGroupName: Match.anyValue() }, 0);
    // the three functions', the flow log's and the cleanup's
    template.resourceCountIs('AWS::Logs::LogGroup', 5);
  });

  test.each<[string, Partial<StageConfigInput>]>([
    ['a created VPC, VPC-attached handlers', {}],
    ['an ephemeral stage with the smoke test', { ephemeral: true, smokeTest: true }],
    [
      'a created VPC with NAT',
      { vpc: { create: { availabilityZones: ['ap-northeast-1a'], natGateways: 1 } } },
    ],
    ['an existing VPC', { vpc: { existing: EXISTING_VPC } }],
    [
      'an existing VPC with the SNS endpoint',
      { vpc: { existing: { ...EXISTING_VPC, snsEndpoint: 'create' } } },
    ],
  ])(
    '%s: each function logs to a group of the stack that CloudFormation deletes after the function',
    (_case, overrides) => {
      const resources = resourcesOf(jobBase(overrides).template);
      const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThanOrEqual(2);
      for (const [id, fn] of functions) {
        // Else Lambda creates /aws/lambda/<name>, which nothing deletes.
        const logGroup = references((fn.Properties?.LoggingConfig as { LogGroup?: unknown })?.LogGroup)[0];
        expect({ id, logGroup: logGroup && resources[logGroup]?.Type }).toEqual({
          id,
          logGroup: 'AWS::Logs::LogGroup',
        });
        expect(references(fn.Properties)).toContain(logGroup);
        expect([
          ...references(resources[logGroup!]?.Properties),
          ...(resources[logGroup!]?.DependsOn ?? []),
        ]).not.toContain(id);
      }
    },
  );
});

describe('JobBaseStack: jobs of your own', () => {
  const jobs = [
    {
      name: 'hello',
      image: 'public.ecr.aws/docker/library/busybox:1.37',
      command: ['true'],
      vcpus: 1,
      memoryMiB: 2048,
    },
  ];

  test('each job is a named job definition with an output of its ARN, and uses the stage log lifetime', () => {
    const { template } = jobBase({ jobs });
    const definition = logicalIdOf(template, 'AWS::Batch::JobDefinition', {
      JobDefinitionName: 'jobs-dev-hello',
    });
    template.hasOutput('JobDefinitionHello', {
      Value: { Ref: definition },
      Description: "Job 'hello': npm run submit -- --stage dev --job hello",
    });
    const group = template.toJSON().Resources[definition].Properties.ContainerProperties.LogConfiguration
      .Options['awslogs-group'] as { Ref: string };
    expect(template.toJSON().Resources[group.Ref]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 90 },
    });
  });

  test.each([
    ['a created VPC without NAT (public subnets)', 'ENABLED', {}],
    [
      'an existing VPC with private subnets',
      'DISABLED',
      { vpc: { existing: { ...EXISTING_VPC, jobsEgress: 'nat' } } },
    ],
  ] as const)('in %s, jobs get AssignPublicIp %s, as the stage publishes', (_vpc, assign, overrides) => {
    const { template } = jobBase({ ...overrides, jobs });
    template.hasOutput('JobsAssignPublicIp', { Value: assign });
    template.hasResourceProperties('AWS::Batch::JobDefinition', {
      JobDefinitionName: 'jobs-dev-hello',
      ContainerProperties: Match.objectLike({ NetworkConfiguration: { AssignPublicIp: assign } }),
    });
  });
});
