import * as path from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageResourceNames } from '../config/names';
import { acknowledgeFindings } from '../nag/acknowledge';
import { BatchEventFunction } from './batch-event-function';
import type { NotificationTopic } from './notification-topic';

const ENTRY = path.join(__dirname, '..', '..', 'functions', 'stuck-job', 'index.ts');

export interface StuckJobWatchProps {
  /** The function's name and that of the schedule group the checks are created in. */
  readonly names: Pick<StageResourceNames, 'stuckHandler' | 'stuckJobChecks'>;
  /** The queue whose jobs are watched. */
  readonly jobQueue: batch.IJobQueue;
  /** Minutes a job may wait in RUNNABLE or STARTING before its one notification. */
  readonly stuckAfterMinutes: number;
  readonly topic: NotificationTopic;
  /** Receives the events and checks that could not be delivered to, or handled by, the function. */
  readonly deadLetterQueue: sqs.IQueue;
  /** APP_NAME, STAGE, SNS_ARN and the other settings the handlers share. */
  readonly environment: Readonly<Record<string, string>>;
  /** The stage's `JobsAssignPublicIp`, which the alert compares the job's setting with. */
  readonly jobsAssignPublicIp: 'ENABLED' | 'DISABLED';
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The events of jobs that start waiting to be placed. An array's parent never becomes RUNNABLE (its
 * children do), so of an array only the first child (index 0) is watched: if it cannot start, the
 * array is stuck, and 10,000 children make one schedule, not 10,000. Multi-node nodes are left out
 * (their parent waits for all of them); Fargate runs none anyway.
 */
export const WATCHED_RUNNABLE_DETAIL = {
  status: ['RUNNABLE'],
  nodeDetails: { nodeIndex: [{ exists: false }] },
  $or: [{ arrayProperties: { index: [{ exists: false }] } }, { arrayProperties: { index: [0] } }],
} as const;

/**
 * Stuck-job alerts: a job on the queue that still waits (RUNNABLE or STARTING) `stuckAfterMinutes`
 * after it became RUNNABLE produces one "Job stuck" notification on the stage's topic.
 *
 * Nothing polls. The RUNNABLE event invokes the function, which creates a one-time EventBridge
 * Scheduler schedule in this watch's group, named after the job and attempt (a repeated event finds
 * it there), due when the wait is up; the schedule invokes the function with a check, then deletes
 * itself. The check describes the job once and notifies only if it still waits on that attempt.
 * The function runs outside the VPC: it calls the Batch, Scheduler and SNS APIs and reaches nothing
 * in the VPC.
 *
 * Nothing is lost: the rule target retries, then sends the event to the dead-letter queue; a
 * failed invocation goes to the same queue (as for the other handlers); Scheduler retries a check
 * it cannot deliver for an hour, then sends it there too.
 */
export class StuckJobWatch extends Construct {
  public readonly function: BatchEventFunction;
  public readonly rule: events.Rule;
  public readonly scheduleGroup: scheduler.ScheduleGroup;
  /** The role Scheduler invokes the function with. */
  public readonly schedulerRole: iam.Role;

  constructor(scope: Construct, id: string, props: StuckJobWatchProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const functionName = props.names.stuckHandler.name;
    // Pending checks are of no use once the stage is gone: deleting the group deletes them, and a
    // deleted group never blocks deploying the stage again under the same name.
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: props.names.stuckJobChecks.name,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Built from the name, not read from the function, so the function's environment can name it.
    const functionArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: functionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const group = this.scheduleGroup.scheduleGroupName;
    const schedulesArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${group}/*`,
    });
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        // Only this account's group may use the role (the confused-deputy guard). Scheduler sends the
        // schedule GROUP's ARN as aws:SourceArn, as aws-scheduler-targets' own role trusts it.
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': this.scheduleGroup.scheduleGroupArn,
          },
        },
      }),
      description: 'EventBridge Scheduler: invokes the stuck-job check when it is due',
    });
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [functionArn] }),
    );
    props.deadLetterQueue.grantSendMessages(this.schedulerRole);

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Stuck-job handler: schedules checks, describes jobs, publishes to the stage topic',
    });
    props.topic.grantPublish(role);
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['scheduler:CreateSchedule'], resources: [schedulesArn] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['batch:DescribeJobs', 'batch:DescribeJobQueues', 'batch:DescribeComputeEnvironments'],
        resources: ['*'],
      }),
    );
    // cdk-nag names the finding after the ARN as synthesized: the partition a literal or its token's name.
    const named = (value: string, pseudo: string): string =>
      Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
    const where = `${named(stack.partition, 'Partition')}:scheduler:${named(stack.region, 'Region')}`;
    acknowledgeFindings(role.node.findChild('DefaultPolicy'), [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'batch:DescribeJobs, DescribeJobQueues and DescribeComputeEnvironments support no resource-level ' +
          'permissions (Service Authorization Reference); they only read',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:${where}:${named(stack.account, 'AccountId')}:schedule/${props.names.stuckJobChecks.name}/*]`,
        reason: "The checks are one schedule per job, named at run time, in this stage's own schedule group",
      },
    ]);

    this.function = new BatchEventFunction(this, 'Resource', {
      entry: ENTRY,
      handler: 'handler',
      functionName,
      description: `Alerts on jobs of ${props.jobQueue.jobQueueName} that wait over ${props.stuckAfterMinutes} min`,
      role,
      timeout: Duration.seconds(60),
      environment: {
        ...props.environment,
        STUCK_AFTER_MINUTES: String(props.stuckAfterMinutes),
        SCHEDULE_GROUP: this.scheduleGroup.scheduleGroupName,
        SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
        CHECK_FUNCTION_ARN: functionArn,
        DEAD_LETTER_QUEUE_ARN: props.deadLetterQueue.queueArn,
        JOBS_ASSIGN_PUBLIC_IP: props.jobsAssignPublicIp,
      },
      deadLetterQueue: props.deadLetterQueue,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.rule = this.function.addStateChangeRule(
      this,
      `Batch jobs that become RUNNABLE get one stuck-job check by ${functionName}`,
      { ...WATCHED_RUNNABLE_DETAIL, jobQueue: [props.jobQueue.jobQueueArn] },
    );
  }
}
