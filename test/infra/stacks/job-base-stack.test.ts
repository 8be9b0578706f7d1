import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { StageConfigInput } from '../../../infra/config/schema';
import { JobBaseStack, type JobBaseStackProps } from '../../../infra/stacks/job-base-stack';
import { stageConfig, testApp } from '../../support/cdk';
import { matchesEventPattern } from '../../support/event-pattern';
import { FIXTURE_QUEUE_ARN, logicalIdOf, rulePatternOf } from '../../support/templates';
import {
  CHILD_FIXTURES,
  EVENT_FIXTURES,
  type EventFixture,
  FAILED_FIXTURES,
  loadEvent,
  loadRunnableSample,
  SUCCEEDED_FIXTURES,
} from '../../support/fixtures';

const TOPIC_ARN = 'arn:aws:sns:ap-northeast-1:111111111111:existing-topic';
const TOPIC_KEY_ARN = 'arn:aws:kms:ap-northeast-1:111111111111:key/12345678-1234-1234-1234-123456789012';
const QUEUE_URL = 'https://sqs.ap-northeast-1.amazonaws.com/111111111111/on-demand-jobs';
const EXISTING_VPC = {
  existing: {
    vpcId: 'vpc-0123456789abcdef0',
    subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba987654321f'],
    snsEndpoint: 'nat' as const,
  },
};

function build(overrides: Partial<StageConfigInput> = {}, props: Partial<JobBaseStackProps> = {}) {
  const stage = stageConfig(overrides);
  const stack = new JobBaseStack(testApp(), 'JobBase', {
    appName: 'jobs',
    stage,
    env: { account: stage.account, region: stage.region },
    ...props,
  });
  return { stack, template: Template.fromStack(stack) };
}

describe('JobBaseStack: the Batch computing environment', () => {
  test('a managed Fargate environment of 32 vCPUs by default, in the job subnets, with its own security group', () => {
    const { template } = build();
    template.resourceCountIs('AWS::Batch::ComputeEnvironment', 1);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      Type: 'managed',
      State: 'ENABLED',
      ComputeResources: {
        Type: 'FARGATE',
        MaxvCpus: 32,
        Subnets: [
          { Ref: Match.stringLikeRegexp('NetworkPublicSubnet1') },
          { Ref: Match.stringLikeRegexp('NetworkPublicSubnet2') },
        ],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^BatchSecurityGroup'), 'GroupId'] }],
      },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'jobs-dev-BatchComputing-sg: Fargate jobs, all egress allowed',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }],
    });
  });

  test('uses the Batch service-linked role, so deleting a stage cannot leave the environment INVALID', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ServiceRole: Match.absent() });
    template.resourcePropertiesCountIs(
      'AWS::IAM::Role',
      {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'batch.amazonaws.com' } })],
        }),
      },
      0,
    );
  });

  test('leaves the environment and queue unnamed, so a replacement never collides with its predecessor', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeEnvironmentName: Match.absent(),
    });
    template.hasResourceProperties('AWS::Batch::JobQueue', { JobQueueName: Match.absent() });
  });

  test('the job queue is ENABLED, priority 1 and bound to the environment', () => {
    const { template } = build();
    const environment = logicalIdOf(template, 'AWS::Batch::ComputeEnvironment');
    template.hasResourceProperties('AWS::Batch::JobQueue', {
      State: 'ENABLED',
      Priority: 1,
      ComputeEnvironmentOrder: [
        { ComputeEnvironment: { 'Fn::GetAtt': [environment, 'ComputeEnvironmentArn'] }, Order: 1 },
      ],
    });
  });

  test('with Spot on, the queue tries Fargate Spot before on-demand', () => {
    const { template } = build({ batch: { spot: true, maxvCpus: 64 } });
    const spot = logicalIdOf(template, 'AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({ Type: 'FARGATE_SPOT', MaxvCpus: 64 }),
    });
    const onDemand = logicalIdOf(template, 'AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({ Type: 'FARGATE', MaxvCpus: 64 }),
    });
    template.hasResourceProperties('AWS::Batch::JobQueue', {
      ComputeEnvironmentOrder: [
        { ComputeEnvironment: { 'Fn::GetAtt': [spot, 'ComputeEnvironmentArn'] }, Order: 1 },
        { ComputeEnvironment: { 'Fn::GetAtt': [onDemand, 'ComputeEnvironmentArn'] }, Order: 2 },
      ],
    });
  });
});

describe('JobBaseStack: the network', () => {
  test('a created VPC has no NAT gateway and runs jobs in public subnets with a public IP', () => {
    const { template } = build();
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    template.hasOutput('JobsAssignPublicIp', { Value: 'ENABLED' });
  });

  test('a created VPC uses the configured zones without looking them up', () => {
    const { stack, template } = build();
    expect(stack.availabilityZones).toEqual(['ap-northeast-1a', 'ap-northeast-1c']);
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'ap-northeast-1a' });
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'ap-northeast-1c' });
  });

  test('with NAT gateways, jobs and handlers run in private subnets without a public IP', () => {
    const { template } = build({
      vpc: { create: { availabilityZones: ['ap-northeast-1a'], natGateways: 1 } },
    });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({
        Subnets: [{ Ref: Match.stringLikeRegexp('NetworkPrivateSubnet1') }],
      }),
    });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.hasOutput('JobsAssignPublicIp', { Value: 'DISABLED' });
  });

  test('VPC-attached handlers in a VPC without NAT reach SNS through an interface endpoint open to the VPC only', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.ap-northeast-1.sns',
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.0.0.0/16', FromPort: 443, ToPort: 443 })],
    });
  });

  test('an existing VPC is imported from its id and subnet ids, as the original design passes them', () => {
    const { template } = build({ vpc: EXISTING_VPC });
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({ Subnets: EXISTING_VPC.existing.subnetIds }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'jobs-dev-BatchSuccessHandler',
      VpcConfig: { SubnetIds: EXISTING_VPC.existing.subnetIds, SecurityGroupIds: [Match.anyValue()] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0123456789abcdef0' });
    template.hasOutput('JobsAssignPublicIp', { Value: 'DISABLED' });
  });

  test('handlers run in handlerSubnetIds when given, jobs in subnetIds', () => {
    // GIVEN public job subnets and private handler subnets
    const handlerSubnetIds = ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'];
    const { template } = build({
      vpc: {
        existing: { ...EXISTING_VPC.existing, publicSubnets: true, handlerSubnetIds, snsEndpoint: 'nat' },
      },
    });
    // THEN
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({ Subnets: EXISTING_VPC.existing.subnetIds }),
    });
    for (const name of ['BatchSuccessHandler', 'BatchErrorHandler']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `jobs-dev-${name}`,
        VpcConfig: { SubnetIds: handlerSubnetIds, SecurityGroupIds: [Match.anyValue()] },
      });
    }
    template.hasOutput('JobsAssignPublicIp', { Value: 'ENABLED' });
  });

  test("snsEndpoint 'create': an SNS endpoint with private DNS in the handler subnets, open to the handlers only", () => {
    // GIVEN
    const { template } = build({ vpc: { existing: { ...EXISTING_VPC.existing, snsEndpoint: 'create' } } });
    // THEN
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.ap-northeast-1.sns',
      VpcEndpointType: 'Interface',
      VpcId: 'vpc-0123456789abcdef0',
      PrivateDnsEnabled: true,
      SubnetIds: EXISTING_VPC.existing.subnetIds,
    });
    const handlerGroups = Object.keys(
      template.findResources('AWS::EC2::SecurityGroup', {
        Properties: { GroupDescription: Match.stringLikeRegexp('Lambda handler') },
      }),
    );
    expect(handlerGroups).toHaveLength(2);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(
      (r) => r.Properties as Record<string, unknown>,
    );
    for (const group of handlerGroups) {
      expect(ingress).toContainEqual(
        expect.objectContaining({
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          SourceSecurityGroupId: { 'Fn::GetAtt': [group, 'GroupId'] },
        }),
      );
    }
    expect(ingress).toHaveLength(2);
  });

  test.each(['existing', 'nat'] as const)(
    "snsEndpoint '%s': the VPC already reaches SNS, so the stage creates no endpoint",
    (snsEndpoint) => {
      const { template } = build({ vpc: { existing: { ...EXISTING_VPC.existing, snsEndpoint } } });
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    },
  );

  test('a created VPC logs rejected traffic', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT', ResourceType: 'VPC' });
  });
});

describe('JobBaseStack: the handlers', () => {
  test.each([
    ['BatchSuccessHandler', 'SUCCEEDED'],
    ['BatchErrorHandler', 'FAILED'],
  ])('%s: named by the original design, Node.js 24 on ARM64, 900 s, 128 MB, 512 MB of storage', (name) => {
    const { template } = build();
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `jobs-dev-${name}`,
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 900,
      MemorySize: 128,
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp(`^${name}LogGroup`) } },
    });
  });

  test("the handlers get the original design's environment plus the app name", () => {
    const { template } = build({ database: { name: 'jobs' }, jobQueueUrl: QUEUE_URL });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'jobs-dev-BatchErrorHandler',
      Environment: {
        Variables: {
          APP_NAME: 'jobs',
          STAGE: 'dev',
          SNS_ARN: { Ref: Match.stringLikeRegexp('^Notifications') },
          DB_NAME: 'jobs',
          DB_SECRET_NAME: '/jobs/dev/db',
          JOB_QUEUE_URL: QUEUE_URL,
          POWERTOOLS_SERVICE_NAME: 'jobs',
        },
      },
    });
  });

  test('DB_NAME defaults to the stage name, as in the original design', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'jobs-dev-BatchSuccessHandler',
      Environment: { Variables: Match.objectLike({ DB_NAME: 'dev' }) },
    });
  });

  test('memory, storage and timeout come from the configuration', () => {
    const { template } = build({
      handlers: { memorySize: 256, ephemeralStorageSize: 1024, timeoutSeconds: 60 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'jobs-dev-BatchSuccessHandler',
      MemorySize: 256,
      EphemeralStorage: { Size: 1024 },
      Timeout: 60,
    });
  });

  test.each([
    ['BatchSuccessHandler', 'SUCCEEDED'],
    ['BatchErrorHandler', 'FAILED'],
  ])(
    "%s is invoked by the %s state changes of this stage's queue, with retries and a dead-letter queue",
    (name, status) => {
      const { template } = build();
      const queue = logicalIdOf(template, 'AWS::Batch::JobQueue');
      const fn = logicalIdOf(template, 'AWS::Lambda::Function', { FunctionName: `jobs-dev-${name}` });
      const dlq = logicalIdOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 1209600 });
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.batch'],
          'detail-type': ['Batch Job State Change'],
          detail: {
            status: [status],
            jobQueue: [{ 'Fn::GetAtt': [queue, 'JobQueueArn'] }],
            arrayProperties: { index: [{ exists: false }] },
            nodeDetails: { nodeIndex: [{ exists: false }] },
          },
        },
        Targets: [
          {
            Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
            Id: Match.anyValue(),
            RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
          },
        ],
      });
    },
  );

  test("asynchronous invocations keep the original design's limits and fail over to the dead-letter queue", () => {
    const { template } = build();
    const dlq = logicalIdOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 1209600 });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::EventInvokeConfig',
      {
        MaximumEventAgeInSeconds: 3600,
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
      },
      3, // the success, error and stuck-job handlers
    );
  });

  test('the dead-letter queue is encrypted, TLS-only, and its depth alarms on the topic', () => {
    const { template } = build();
    const dlq = logicalIdOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 1209600,
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlq }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Notifications') }],
    });
  });

  test('each VPC-attached handler has its own security group, named as in the original design', () => {
    const { template } = build();
    for (const name of ['BatchSuccessHandler', 'BatchErrorHandler']) {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: `jobs-dev-${name}-sg: Lambda handler, all egress allowed`,
        SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }],
      });
    }
  });

  test('teardown cannot hang: the network permissions outlive the handlers and their security groups', () => {
    // GIVEN VPC-attached handlers
    const { template } = build();
    const policy = logicalIdOf(template, 'AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('HandlerVpcAccessPolicy'),
    });
    // THEN the groups and the functions depend on the policy, so CloudFormation deletes the policy last
    const groups = template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('Lambda handler') },
    });
    expect(Object.keys(groups)).toHaveLength(2);
    for (const group of Object.values(groups)) expect(group.DependsOn).toContain(policy);
    // (The stuck-job handler is never VPC-attached.)
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: Match.stringLikeRegexp('^jobs-dev-Batch(Success|Error)Handler$') },
    });
    expect(Object.keys(functions)).toHaveLength(2);
    for (const fn of Object.values(functions)) expect(fn.DependsOn).toContain(policy);
  });

  test('ephemeral stages keep the handlers outside the VPC by default, so they delete in minutes', () => {
    const { template } = build({ ephemeral: true });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'jobs-dev-BatchSuccessHandler',
      VpcConfig: Match.absent(),
    });
    template.resourcePropertiesCountIs(
      'AWS::IAM::Policy',
      { PolicyName: Match.stringLikeRegexp('HandlerVpcAccessPolicy') },
      0,
    );
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });
});

/** Which handlers the synthesized rules invoke for an event. */
function invokedBy(template: Template, event: unknown): string[] {
  return ['BatchSuccessHandler', 'BatchErrorHandler'].filter((name) =>
    matchesEventPattern(rulePatternOf(template, `jobs-dev-${name}`), event),
  );
}

const PARENT_OR_PLAIN = (Object.keys(EVENT_FIXTURES) as EventFixture[]).filter(
  (f) => !CHILD_FIXTURES.includes(f),
);
const handlerFor = (fixture: EventFixture): string =>
  SUCCEEDED_FIXTURES.includes(fixture) ? 'BatchSuccessHandler' : 'BatchErrorHandler';

describe('JobBaseStack: one notification per job', () => {
  const byDefault = build().template;
  const perChild = build({ notifications: { perChild: true } }).template;

  test('the fixtures are sorted into succeeded and failed, so that every routing below is checked', () => {
    expect([...SUCCEEDED_FIXTURES, ...FAILED_FIXTURES].sort()).toEqual(Object.keys(EVENT_FIXTURES).sort());
  });

  test.each(PARENT_OR_PLAIN)('the %s event invokes the handler of its status alone', (fixture) => {
    // GIVEN the synthesized rules / WHEN a parent's or plain job's event arrives / THEN
    expect(invokedBy(byDefault, loadEvent(fixture))).toEqual([handlerFor(fixture)]);
    expect(invokedBy(perChild, loadEvent(fixture))).toEqual([handlerFor(fixture)]);
  });

  test.each(CHILD_FIXTURES)('the %s event of a child invokes no handler by default', (fixture) => {
    expect(invokedBy(byDefault, loadEvent(fixture))).toEqual([]);
  });

  test.each(CHILD_FIXTURES)(
    'the %s event of a child invokes the handler of its status with perChild',
    (fixture) => {
      expect(invokedBy(perChild, loadEvent(fixture))).toEqual([handlerFor(fixture)]);
    },
  );

  test('an array child with index 0 is a child too (exists does not look at the value)', () => {
    const event = loadEvent('failedArrayChild');
    (event.detail as Record<string, unknown>).arrayProperties = { index: 0 };
    expect(invokedBy(byDefault, event)).toEqual([]);
  });

  test('a RUNNABLE job and a job of another queue invoke nothing', () => {
    expect(invokedBy(perChild, loadRunnableSample())).toEqual([]);
    const elsewhere = loadEvent('failedExitCode');
    (elsewhere.detail as Record<string, unknown>).jobQueue = FIXTURE_QUEUE_ARN.replace('jobs-dev', 'other');
    expect(invokedBy(byDefault, elsewhere)).toEqual([]);
  });

  test('perChild drops the child filters from both rules and changes nothing else', () => {
    perChild.resourcePropertiesCountIs(
      'AWS::Events::Rule',
      { EventPattern: { detail: { arrayProperties: Match.absent(), nodeDetails: Match.absent() } } },
      2,
    );
  });
});

describe('JobBaseStack: least privilege', () => {
  function handlerRolePolicy(template: Template) {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: {
        Roles: [{ Ref: Match.stringLikeRegexp('^HandlerRole') }],
        PolicyName: Match.stringLikeRegexp('^HandlerRoleDefaultPolicy'),
      },
    });
    expect(Object.keys(policies)).toHaveLength(1);
    return Object.values(policies)[0]!.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
  }

  test("the handlers' role is named as in the original design and trusted by Lambda only", () => {
    const { template } = build();
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'jobs-dev-BatchLambdaRole',
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('publishes only to the stage topic, reads only the configured secret, sends only to the configured queue', () => {
    const { template } = build({ jobQueueUrl: QUEUE_URL });
    const statements = handlerRolePolicy(template);
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          Action: 'sns:Publish',
          Effect: 'Allow',
          Resource: { Ref: expect.stringMatching(/^Notifications/) },
        },
        {
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Effect: 'Allow',
          Resource: 'arn:aws:secretsmanager:ap-northeast-1:111111111111:secret:/jobs/dev/db-??????',
        },
        {
          Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          Effect: 'Allow',
          Resource: [
            'arn:aws:sqs:ap-northeast-1:111111111111:on-demand-jobs',
            { 'Fn::GetAtt': [expect.stringMatching(/^DeadLetterQueue/), 'Arn'] },
          ],
        },
        expect.objectContaining({
          Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^NotificationsKey/), 'Arn'] },
        }),
      ]),
    );
    expect(statements.filter((s) => s.Resource === '*')).toEqual([]);
  });

  test('without a job queue URL, the handlers may send to no other queue than the dead-letter queue', () => {
    const { template } = build();
    const sqsResources = handlerRolePolicy(template)
      .filter((s) => JSON.stringify(s.Action).includes('sqs:SendMessage'))
      .map((s) => s.Resource);
    expect(sqsResources).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^DeadLetterQueue/), 'Arn'] }]);
    expect(JSON.stringify(handlerRolePolicy(template))).not.toContain(':sqs:');
  });

  test('a configured secret name replaces the default', () => {
    const { template } = build({ database: { secretName: 'shared/db' } });
    expect(handlerRolePolicy(template)).toContainEqual(
      expect.objectContaining({
        Resource: 'arn:aws:secretsmanager:ap-northeast-1:111111111111:secret:shared/db-??????',
      }),
    );
  });

  test('the network interface permissions exist only for VPC-attached handlers; they have no resource scope', () => {
    const attached = build().template;
    attached.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('HandlerVpcAccessPolicy'),
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: Match.arrayWith(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']),
            Resource: '*',
          }),
        ],
      },
    });
    const detached = build({ handlers: { vpcAttached: false } }).template;
    detached.resourcePropertiesCountIs(
      'AWS::IAM::Policy',
      { PolicyName: Match.stringLikeRegexp('HandlerVpcAccessPolicy') },
      0,
    );
  });

  test('an existing topic is used as it is, with its key when it has one', () => {
    const { template } = build({ notifications: { topicArn: TOPIC_ARN, topicKeyArn: TOPIC_KEY_ARN } });
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    const statements = handlerRolePolicy(template);
    expect(statements).toEqual(
      expect.arrayContaining([
        { Action: 'sns:Publish', Effect: 'Allow', Resource: TOPIC_ARN },
        { Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow', Resource: TOPIC_KEY_ARN },
      ]),
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SNS_ARN: TOPIC_ARN }) },
    });
  });
});

describe('JobBaseStack: an existing topic, whose policies live outside the stack', () => {
  /** The warnings on the topic construct, as text. */
  const warningsOf = (stack: JobBaseStack): string[] =>
    Annotations.fromStack(stack)
      .findWarning('/JobBase/Notifications', Match.anyValue())
      .map((warning) => JSON.stringify(warning.entry.data));

  test('with a customer managed key, synthesis warns that the alarm needs the key policy and the topic policy', () => {
    // GIVEN an existing topic encrypted with its own key
    const { stack } = build({ notifications: { topicArn: TOPIC_ARN, topicKeyArn: TOPIC_KEY_ARN } });
    // THEN the warning names the key, the statements it must hold and the setting that silences it
    const warnings = warningsOf(stack);
    expect(warnings).toHaveLength(1);
    const message = warnings[0]!;
    expect(message).toContain(TOPIC_KEY_ARN);
    expect(message).toMatch(/cloudwatch\.amazonaws\.com.*kms:Decrypt.*kms:GenerateDataKey\*/);
    expect(message).toContain('arn:aws:cloudwatch:ap-northeast-1:111111111111:alarm:*');
    expect(message).toMatch(/sns:Publish/);
    expect(message).toMatch(/notifications\.topicPoliciesAcknowledged: true/);
  });

  test('in another account, synthesis warns that the topic policy must let the handlers publish', () => {
    const { stack } = build({
      notifications: { topicArn: 'arn:aws:sns:ap-northeast-1:999999999999:shared-topic' },
    });
    const warnings = warningsOf(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('arn:aws:iam::111111111111:role/jobs-dev-BatchLambdaRole');
  });

  test('no warning once the operator acknowledges the policies are in place', () => {
    const { stack } = build({
      notifications: { topicArn: TOPIC_ARN, topicKeyArn: TOPIC_KEY_ARN, topicPoliciesAcknowledged: true },
    });
    expect(warningsOf(stack)).toEqual([]);
  });

  test.each<[string, Partial<StageConfigInput>]>([
    ['a created topic', {}],
    ['an unencrypted topic of the same account', { notifications: { topicArn: TOPIC_ARN } }],
  ])(
    'no warning for %s: the stack or SNS defaults grant what the alarm and handlers need',
    (_case, overrides) => {
      expect(warningsOf(build(overrides).stack)).toEqual([]);
    },
  );
});

describe('JobBaseStack: the topic and what a stage leaves behind', () => {
  test('a created topic is encrypted with a rotated key that CloudWatch alarms may use, and TLS-only', () => {
    const { template } = build();
    const key = logicalIdOf(template, 'AWS::KMS::Key');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test("the stage's own alarms may publish to the topic and use its key, no other account's", () => {
    const { template } = build();
    const conditions = {
      StringEquals: { 'aws:SourceAccount': '111111111111' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:ap-northeast-1:111111111111:alarm:*' },
    };
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: conditions,
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: conditions }),
        ]),
      },
    });
  });

  test('a long-lived stage retains the topic, its key, the logs and the dead-letter queue', () => {
    const { template } = build();
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
    const { template } = build({ ephemeral: true });
    const retained = Object.entries(
      template.toJSON().Resources as Record<string, { DeletionPolicy?: string }>,
    )
      .filter(
        ([, resource]) =>
          resource.DeletionPolicy === 'Retain' || resource.DeletionPolicy === 'RetainExceptOnCreate',
      )
      .map(([id]) => id);
    expect(retained).toEqual([]);
    template.hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 7 });
  });

  test('log groups are unnamed, so a retained one never blocks deploying the stage again', () => {
    const { template } = build();
    const named = template.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: Match.anyValue() },
    });
    expect(Object.keys(named)).toEqual([]);
    // the three handlers', the flow log's and the cleanup's
    template.resourceCountIs('AWS::Logs::LogGroup', 5);
  });
});

describe('JobBaseStack: every function outlives none of its logs', () => {
  type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] };

  /** The logical ids `value` refers to with Ref or Fn::GetAtt, anywhere inside it. */
  function references(value: unknown): string[] {
    if (Array.isArray(value)) return value.flatMap(references);
    if (value === null || typeof value !== 'object') return [];
    const node = value as Record<string, unknown>;
    if (typeof node.Ref === 'string') return [node.Ref];
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [getAtt[0]];
    return Object.values(node).flatMap(references);
  }

  test.each<[string, Partial<StageConfigInput>]>([
    ['a created VPC, VPC-attached handlers', {}],
    ['an ephemeral stage with the smoke test', { ephemeral: true, smokeTest: true }],
    [
      'a created VPC with NAT',
      { vpc: { create: { availabilityZones: ['ap-northeast-1a'], natGateways: 1 } } },
    ],
    ['an existing VPC', { vpc: EXISTING_VPC }],
    [
      'an existing VPC with the SNS endpoint',
      { vpc: { existing: { ...EXISTING_VPC.existing, snsEndpoint: 'create' } } },
    ],
  ])(
    '%s: each function logs to a group of the stack that CloudFormation deletes after the function',
    (_case, overrides) => {
      // GIVEN
      const { template } = build(overrides);
      const resources = template.toJSON().Resources as Record<string, Resource>;
      const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThanOrEqual(2);
      for (const [id, fn] of functions) {
        // THEN the function names its log group (else Lambda creates /aws/lambda/<name>, never deleted) ...
        const logGroup = references((fn.Properties?.LoggingConfig as { LogGroup?: unknown })?.LogGroup)[0];
        expect({ id, logGroup: logGroup && resources[logGroup]?.Type }).toEqual({
          id,
          logGroup: 'AWS::Logs::LogGroup',
        });
        // ... and depends on it, so the group is created before and deleted after the function
        expect(references(fn.Properties)).toContain(logGroup);
        expect([
          ...references(resources[logGroup!]?.Properties),
          ...(resources[logGroup!]?.DependsOn ?? []),
        ]).not.toContain(id);
      }
    },
  );
});

describe('JobBaseStack: outputs and smoke-test resources', () => {
  test('publishes the outputs pipeline steps and workflows read', () => {
    const { template } = build();
    const queue = logicalIdOf(template, 'AWS::Batch::JobQueue');
    template.hasOutput('JobQueueArn', { Value: { 'Fn::GetAtt': [queue, 'JobQueueArn'] } });
    for (const id of [
      'JobQueueName',
      'SuccessHandlerName',
      'SuccessHandlerArn',
      'ErrorHandlerName',
      'ErrorHandlerArn',
      'TopicArn',
      'DeadLetterQueueUrl',
    ]) {
      template.hasOutput(id, { Value: Match.anyValue() });
    }
    expect(template.findOutputs('SmokeTestQueueUrl')).toEqual({});
  });

  test('with smokeTest, a probe job, a queue subscribed to the topic and a named role for the pipeline account', () => {
    const { template } = build({ smokeTest: true }, { smokeTestAccount: '999999999999' });
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 86400 });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': [queue, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Batch::JobDefinition', {
      PlatformCapabilities: ['FARGATE'],
      ContainerProperties: Match.objectLike({
        Image: 'public.ecr.aws/docker/library/busybox:1.37',
        NetworkConfiguration: { AssignPublicIp: 'ENABLED' },
      }),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'jobs-dev-SmokeTestRole',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { AWS: 'arn:aws:iam::999999999999:root' },
          }),
        ],
      },
    });
    for (const id of ['SmokeTestQueueUrl', 'SmokeTestJobDefinitionArn', 'SmokeTestRoleArn']) {
      template.hasOutput(id, { Value: Match.anyValue() });
    }
  });

  test('the smoke-test role may submit only the probe job to this queue and read only its queue', () => {
    const { template } = build({ smokeTest: true });
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^SmokeTestRole') }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>,
    );
    expect(statements.map((s) => s.Action)).toEqual(
      expect.arrayContaining([
        'batch:SubmitJob',
        'batch:DescribeJobs',
        expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
      ]),
    );
    const wildcard = statements.filter((s) => s.Resource === '*');
    expect(wildcard.map((s) => s.Action)).toEqual(['batch:DescribeJobs']);
  });
});
