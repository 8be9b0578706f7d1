import { Match, Template } from 'aws-cdk-lib/assertions';
import type { StageConfigInput } from '../../../infra/config/schema';
import { JobBaseStack } from '../../../infra/stacks/job-base-stack';
import { stageConfig, testApp } from '../../support/cdk';
import { matchesEventPattern } from '../../support/event-pattern';
import {
  EVENT_FIXTURES,
  type EventFixture,
  loadEvent,
  loadRunnableSample,
  withDetail,
} from '../../support/fixtures';
import { FIXTURE_QUEUE_ARN, logicalIdOf, rulePatternOf } from '../../support/templates';

const STUCK_HANDLER = 'jobs-dev-BatchStuckHandler';

function build(overrides: Partial<StageConfigInput> = {}) {
  const stage = stageConfig(overrides);
  const stack = new JobBaseStack(testApp(), 'JobBase', {
    appName: 'jobs',
    stage,
    env: { account: stage.account, region: stage.region },
  });
  return { stack, template: Template.fromStack(stack) };
}

/** The RUNNABLE sample of the AWS docs, on the fixtures' queue. */
function runnable(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return withDetail(loadRunnableSample(), { jobQueue: FIXTURE_QUEUE_ARN, ...changes });
}

describe('JobBaseStack: stuck-job alerts', () => {
  const { template } = build();

  test('on by default, 30 minutes: the function, its rule, a schedule group and the role Scheduler uses', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: STUCK_HANDLER,
      Runtime: 'nodejs24.x',
      Environment: {
        Variables: Match.objectLike({
          STUCK_AFTER_MINUTES: '30',
          SCHEDULE_GROUP: 'jobs-dev-StuckJobChecks',
          CHECK_FUNCTION_ARN:
            'arn:aws:lambda:ap-northeast-1:111111111111:function:jobs-dev-BatchStuckHandler',
          MESSAGE_STRUCTURE: 'json',
          JOBS_ASSIGN_PUBLIC_IP: 'ENABLED',
        }),
      },
      // It calls AWS APIs only, so it stays out of the VPC whatever the handlers do.
      VpcConfig: Match.absent(),
    });
    template.hasResource('AWS::Scheduler::ScheduleGroup', {
      Properties: { Name: 'jobs-dev-StuckJobChecks' },
      // Deleting the stage deletes the pending checks with it, and frees the name.
      DeletionPolicy: 'Delete',
    });
  });

  test('the function creates schedules in its own group only, and passes the Scheduler role to Scheduler only', () => {
    const group = 'jobs-dev-StuckJobChecks';
    const schedulerRole = logicalIdOf(template, 'AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })],
      }),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^StuckJobWatchRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'scheduler:CreateSchedule',
            Resource: `arn:aws:scheduler:ap-northeast-1:111111111111:schedule/${group}/*`,
          }),
          {
            Action: 'iam:PassRole',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [schedulerRole, 'Arn'] },
            Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
          },
          {
            Action: ['batch:DescribeComputeEnvironments', 'batch:DescribeJobQueues', 'batch:DescribeJobs'],
            Effect: 'Allow',
            Resource: '*',
          },
        ]),
      },
    });
    const actions = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    // No update or delete of schedules: a check, once created, is Scheduler's to run and delete.
    expect(actions).not.toMatch(/scheduler:(UpdateSchedule|DeleteSchedule|\*)/);
  });

  test("Scheduler's role may be assumed only for this account's group, and may invoke only the function and fill the dead-letter queue", () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111111111111' },
              ArnLike: {
                'aws:SourceArn':
                  'arn:aws:scheduler:ap-northeast-1:111111111111:schedule/jobs-dev-StuckJobChecks/*',
              },
            },
          }),
        ],
      },
    });
    const dlq = logicalIdOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^StuckJobWatchSchedulerRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'lambda:InvokeFunction' }),
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Resource: { 'Fn::GetAtt': [dlq, 'Arn'] },
          }),
        ]),
      },
    });
  });

  test('nothing is lost: the rule target and the function send what fails to the dead-letter queue', () => {
    const dlq = logicalIdOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 1209600 });
    const fn = logicalIdOf(template, 'AWS::Lambda::Function', { FunctionName: STUCK_HANDLER });
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fn },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
    });
  });

  describe('which events start a watch', () => {
    const pattern = rulePatternOf(template, STUCK_HANDLER);

    test('the RUNNABLE sample of the AWS Batch documentation, on the stage queue', () => {
      expect(matchesEventPattern(pattern, runnable())).toBe(true);
    });

    test('the first child of an array (index 0) stands for the array; the other children make no schedule', () => {
      const child = (index: number) => runnable({ jobId: `4c7599ae:${index}`, arrayProperties: { index } });
      expect(matchesEventPattern(pattern, child(0))).toBe(true);
      expect(matchesEventPattern(pattern, child(1))).toBe(false);
      expect(matchesEventPattern(pattern, child(9999))).toBe(false);
    });

    test('not the nodes of a multi-node job, another queue, or any other status', () => {
      expect(
        matchesEventPattern(pattern, runnable({ nodeDetails: { nodeIndex: 0, isMainNode: true } })),
      ).toBe(false);
      expect(
        matchesEventPattern(pattern, runnable({ jobQueue: FIXTURE_QUEUE_ARN.replace('jobs-dev', 'other') })),
      ).toBe(false);
      for (const fixture of Object.keys(EVENT_FIXTURES) as EventFixture[]) {
        const event = withDetail(loadEvent(fixture), { jobQueue: FIXTURE_QUEUE_ARN });
        expect(matchesEventPattern(pattern, event)).toBe(false);
      }
      for (const status of ['SUBMITTED', 'PENDING', 'STARTING', 'RUNNING']) {
        expect(matchesEventPattern(pattern, runnable({ status }))).toBe(false);
      }
    });
  });

  test('the setting is passed through: 90 minutes', () => {
    build({ notifications: { stuckAfterMinutes: 90 } }).template.hasResourceProperties(
      'AWS::Lambda::Function',
      {
        FunctionName: STUCK_HANDLER,
        Environment: { Variables: Match.objectLike({ STUCK_AFTER_MINUTES: '90' }) },
      },
    );
  });

  test('off at 0: no function, rule, schedule group or Scheduler role', () => {
    const off = build({ notifications: { stuckAfterMinutes: 0 } }).template;
    off.resourcePropertiesCountIs('AWS::Lambda::Function', { FunctionName: STUCK_HANDLER }, 0);
    off.resourceCountIs('AWS::Scheduler::ScheduleGroup', 0);
    off.resourceCountIs('AWS::Events::Rule', 2);
    expect(JSON.stringify(off.toJSON())).not.toContain('scheduler.amazonaws.com');
  });

  test.each([
    [-1, 'must be 0 (off) or more'],
    [1.5, 'must be a whole number of minutes'],
    [10081, 'must be at most 10080 (a week)'],
  ])('stuckAfterMinutes %p is refused: %s', (minutes, message) => {
    expect(() => stageConfig({ notifications: { stuckAfterMinutes: minutes } })).toThrow(message);
  });
});

describe('JobBaseStack: message structure and Slack', () => {
  test("the handlers lay out per protocol by default, and send one text with messageStructure 'text'", () => {
    const variables = (t: Template) =>
      Object.values(
        t.findResources('AWS::Lambda::Function', {
          Properties: { FunctionName: Match.stringLikeRegexp('^jobs-dev-') },
        }),
      ).map(
        (f) =>
          (f as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties
            .Environment.Variables,
      );
    expect(variables(build().template).map((v) => v.MESSAGE_STRUCTURE)).toEqual(['json', 'json', 'json']);
    const text = build({ notifications: { messageStructure: 'text' } }).template;
    expect(variables(text).map((v) => v.MESSAGE_STRUCTURE)).toEqual(['string', 'string', 'string']);
  });

  test('a Slack channel, subscribed to the topic, whose members can do no more than read CloudWatch', () => {
    const { template } = build({
      notifications: { slack: { workspaceId: 'T0123ABCDEF', channelId: 'C0123ABCDEF' } },
    });
    const topic = logicalIdOf(template, 'AWS::SNS::Topic');
    const guardrail = logicalIdOf(template, 'AWS::IAM::ManagedPolicy');
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ConfigurationName: 'jobs-dev-Slack',
      SlackWorkspaceId: 'T0123ABCDEF',
      SlackChannelId: 'C0123ABCDEF',
      SnsTopicArns: [{ Ref: topic }],
      // Without a guardrail, the service applies AdministratorAccess to the channel.
      GuardrailPolicies: [{ Ref: guardrail }],
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'],
            Effect: 'Allow',
            Resource: '*',
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'chatbot.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('no Slack channel unless configured', () => {
    build().template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
  });

  test.each([
    [{ workspaceId: 't0123', channelId: 'C0123' }, 'must be a Slack workspace id'],
    [{ workspaceId: 'T0123', channelId: '#jobs' }, 'must be a Slack channel id'],
  ])('bad Slack ids are refused, naming the setting: %j', (slack, message) => {
    expect(() => stageConfig({ notifications: { slack } })).toThrow(message);
  });

  test("Slack with messageStructure 'text' is refused: the channel would show nothing", () => {
    expect(() =>
      stageConfig({
        notifications: { messageStructure: 'text', slack: { workspaceId: 'T0123', channelId: 'C0123' } },
      }),
    ).toThrow(/a Slack channel shows only the chat card/);
  });
});
