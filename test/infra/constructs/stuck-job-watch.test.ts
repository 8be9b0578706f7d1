import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
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
import { FIXTURE_QUEUE_ARN, jobBase, logicalIdOf, rulePatternOf } from '../../support/templates';

const STUCK_HANDLER = 'jobs-dev-BatchStuckHandler';

/** The RUNNABLE sample of the AWS docs, on the fixtures' queue. */
function runnable(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return withDetail(loadRunnableSample(), { jobQueue: FIXTURE_QUEUE_ARN, ...changes });
}

describe('StuckJobWatch', () => {
  const { template } = jobBase();

  test("Scheduler's role trusts exactly what aws-scheduler-targets' own role for a schedule of the group trusts", () => {
    // GIVEN the stage's watch, and beside it a schedule of its group whose target role aws-cdk-lib builds
    const stack = new JobBaseStack(testApp(), 'JobBase', {
      appName: 'jobs',
      stage: stageConfig(),
      env: { account: '111111111111', region: 'ap-northeast-1' },
    });
    const watch = stack.stuckJobs!;
    new scheduler.Schedule(stack, 'Reference', {
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
      scheduleGroup: watch.scheduleGroup,
      target: new schedulerTargets.LambdaInvoke(watch.function),
    });
    // WHEN both roles' trust conditions are read from the template
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    const trust = (prefix: string): unknown => {
      const [id] = Object.keys(roles).filter((logicalId) => logicalId.startsWith(prefix));
      return (roles[id!]!.Properties.AssumeRolePolicyDocument.Statement as Array<{ Condition: unknown }>)[0]!
        .Condition;
    };
    // THEN they are the same: Scheduler sends the group's ARN as aws:SourceArn
    expect(trust('StuckJobWatchSchedulerRole')).toEqual(trust('SchedulerRoleForTarget'));
  });

  test('on by default, 30 minutes: the function, its rule, a schedule group and the role Scheduler uses', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: STUCK_HANDLER,
      Handler: 'index.handler',
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
              StringEquals: {
                'aws:SourceAccount': '111111111111',
                'aws:SourceArn': {
                  'Fn::GetAtt': [logicalIdOf(template, 'AWS::Scheduler::ScheduleGroup'), 'Arn'],
                },
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
    jobBase({ notifications: { stuckAfterMinutes: 90 } }).template.hasResourceProperties(
      'AWS::Lambda::Function',
      {
        FunctionName: STUCK_HANDLER,
        Environment: { Variables: Match.objectLike({ STUCK_AFTER_MINUTES: '90' }) },
      },
    );
  });

  test('off at 0: no function, rule, schedule group or Scheduler role', () => {
    const off = jobBase({ notifications: { stuckAfterMinutes: 0 } }).template;
    off.resourcePropertiesCountIs('AWS::Lambda::Function', { FunctionName: STUCK_HANDLER }, 0);
    off.resourceCountIs('AWS::Scheduler::ScheduleGroup', 0);
    off.resourceCountIs('AWS::Events::Rule', 2);
    expect(JSON.stringify(off.toJSON())).not.toContain('scheduler.amazonaws.com');
  });

  test.each([
    [-1, 'must be 0 (off) or more'],
    [1.5, 'must be a whole number of minutes'],
    [10081, 'must be at most 10080 (a week)'],
  ])('fails on stuckAfterMinutes %p in the configuration: %s', (minutes, message) => {
    expect(() => stageConfig({ notifications: { stuckAfterMinutes: minutes } })).toThrow(message);
  });
});
