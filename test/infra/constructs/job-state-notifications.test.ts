import { Match } from 'aws-cdk-lib/assertions';
import { matchesEventPattern } from '../../support/event-pattern';
import {
  CHILD_FIXTURES,
  EVENT_FIXTURES,
  type EventFixture,
  FAILED_FIXTURES,
  loadEvent,
  loadRunnableSample,
  SUCCEEDED_FIXTURES,
} from '../../support/fixtures';
import {
  defaultPolicyOf,
  FIXTURE_QUEUE_ARN,
  jobBase,
  logicalIdOf,
  rulePatternOf,
} from '../../support/templates';

const QUEUE_URL = 'https://sqs.ap-northeast-1.amazonaws.com/111111111111/on-demand-jobs';
const HANDLERS = [
  ['BatchSuccessHandler', 'SUCCEEDED', 'onSucceeded'],
  ['BatchErrorHandler', 'FAILED', 'onFailed'],
] as const;
const VPC_POLICY = { PolicyName: Match.stringLikeRegexp('HandlerVpcAccessPolicy') };

describe('JobStateNotifications: the handlers', () => {
  const { template } = jobBase();

  // Which events invoke them: 'one notification per job' below.
  test.each(HANDLERS)(
    '%s: named as in the original design, with its security group, runs %s of the job-state module, 900 s',
    (name, _status, handler) => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `jobs-dev-${name}`,
        Handler: `index.${handler}`,
        Timeout: 900,
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp(`^${name}LogGroup`) } },
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: `jobs-dev-${name}-sg: Lambda handler, all egress allowed`,
        SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }],
      });
    },
  );

  test("the original design's environment plus the app name; DB_NAME defaults to the stage name", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'jobs-dev-BatchErrorHandler',
      Environment: {
        Variables: {
          APP_NAME: 'jobs',
          STAGE: 'dev',
          SNS_ARN: { Ref: Match.stringLikeRegexp('^Notifications') },
          DB_NAME: 'dev',
          DB_SECRET_NAME: '/jobs/dev/db',
          POWERTOOLS_SERVICE_NAME: 'jobs',
          MESSAGE_STRUCTURE: 'json',
        },
      },
    });
  });

  test('the database name, the job queue URL, memory, storage and timeout come from the configuration', () => {
    jobBase({
      database: { name: 'jobs' },
      jobQueueUrl: QUEUE_URL,
      handlers: { memorySize: 256, ephemeralStorageSize: 1024, timeoutSeconds: 60 },
    }).template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'jobs-dev-BatchSuccessHandler',
      Environment: { Variables: Match.objectLike({ DB_NAME: 'jobs', JOB_QUEUE_URL: QUEUE_URL }) },
      MemorySize: 256,
      EphemeralStorage: { Size: 1024 },
      Timeout: 60,
    });
  });

  test('teardown cannot hang: the network permissions outlive the handlers and their security groups', () => {
    const policy = logicalIdOf(template, 'AWS::IAM::Policy', VPC_POLICY);
    // Depending on the policy, they are deleted before it.
    const groups = template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('Lambda handler') },
    });
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: Match.stringLikeRegexp('^jobs-dev-Batch(Success|Error)Handler$') },
    });
    const dependents = [...Object.values(groups), ...Object.values(functions)];
    expect(dependents).toHaveLength(4);
    for (const resource of dependents) expect(resource.DependsOn).toContain(policy);
  });

  test('ephemeral stages keep the handlers outside the VPC by default, so they delete in minutes', () => {
    const { template: ephemeral } = jobBase({ ephemeral: true });
    ephemeral.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'jobs-dev-BatchSuccessHandler',
      VpcConfig: Match.absent(),
    });
    ephemeral.resourcePropertiesCountIs('AWS::IAM::Policy', VPC_POLICY, 0);
    ephemeral.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });
});

/** Which handlers the synthesized rules invoke for an event. */
function invokedBy(perChild: boolean, event: unknown): string[] {
  const { template } = jobBase(perChild ? { notifications: { perChild } } : {});
  return HANDLERS.map(([name]) => name).filter((name) =>
    matchesEventPattern(rulePatternOf(template, `jobs-dev-${name}`), event),
  );
}

const PARENT_OR_PLAIN = (Object.keys(EVENT_FIXTURES) as EventFixture[]).filter(
  (f) => !CHILD_FIXTURES.includes(f),
);
const handlerFor = (fixture: EventFixture): string =>
  SUCCEEDED_FIXTURES.includes(fixture) ? 'BatchSuccessHandler' : 'BatchErrorHandler';

describe('JobStateNotifications: one notification per job', () => {
  test('the fixtures are sorted into succeeded and failed, so that every routing below is checked', () => {
    expect([...SUCCEEDED_FIXTURES, ...FAILED_FIXTURES].sort()).toEqual(Object.keys(EVENT_FIXTURES).sort());
  });

  test.each(PARENT_OR_PLAIN)('the %s event invokes the handler of its status alone', (fixture) => {
    expect(invokedBy(false, loadEvent(fixture))).toEqual([handlerFor(fixture)]);
    expect(invokedBy(true, loadEvent(fixture))).toEqual([handlerFor(fixture)]);
  });

  test.each(CHILD_FIXTURES)('the %s event of a child invokes its handler with perChild only', (fixture) => {
    expect(invokedBy(false, loadEvent(fixture))).toEqual([]);
    expect(invokedBy(true, loadEvent(fixture))).toEqual([handlerFor(fixture)]);
  });

  test('an array child with index 0 is a child too (exists does not look at the value)', () => {
    const event = loadEvent('failedArrayChild');
    (event.detail as Record<string, unknown>).arrayProperties = { index: 0 };
    expect(invokedBy(false, event)).toEqual([]);
  });

  test('a RUNNABLE job and a job of another queue invoke nothing', () => {
    expect(invokedBy(true, loadRunnableSample())).toEqual([]);
    const elsewhere = loadEvent('failedExitCode');
    (elsewhere.detail as Record<string, unknown>).jobQueue = FIXTURE_QUEUE_ARN.replace('jobs-dev', 'other');
    expect(invokedBy(false, elsewhere)).toEqual([]);
  });
});

describe('JobStateNotifications: least privilege', () => {
  const { template } = jobBase({ jobQueueUrl: QUEUE_URL });

  test("the handlers' role is named as in the original design and trusted by Lambda only", () => {
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
    const statements = defaultPolicyOf(template, 'HandlerRole');
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
    const statements = defaultPolicyOf(jobBase().template, 'HandlerRole');
    const sqsResources = statements
      .filter((s) => JSON.stringify(s.Action).includes('sqs:SendMessage'))
      .map((s) => s.Resource);
    expect(sqsResources).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^DeadLetterQueue/), 'Arn'] }]);
    expect(JSON.stringify(statements)).not.toContain(':sqs:');
  });

  test('a configured secret name replaces the default', () => {
    expect(
      defaultPolicyOf(jobBase({ database: { secretName: 'shared/db' } }).template, 'HandlerRole'),
    ).toContainEqual(
      expect.objectContaining({
        Resource: 'arn:aws:secretsmanager:ap-northeast-1:111111111111:secret:shared/db-??????',
      }),
    );
  });

  test('the network interface permissions of VPC-attached handlers have no resource scope', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      ...VPC_POLICY,
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: Match.arrayWith(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']),
            Resource: '*',
          }),
        ],
      },
    });
  });

  test('handlers outside the VPC get no network interface permissions', () => {
    jobBase({ handlers: { vpcAttached: false } }).template.resourcePropertiesCountIs(
      'AWS::IAM::Policy',
      VPC_POLICY,
      0,
    );
  });
});
