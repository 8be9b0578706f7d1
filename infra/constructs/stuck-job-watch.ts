import { ArnFormat, Duration, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeFindings } from '../nag/acknowledge';
import { HANDLER_ARCHITECTURE, HANDLER_BUNDLING, HANDLER_RUNTIME } from './handler-bundling';
import type { NotificationTopic } from './notification-topic';

export interface StuckJobWatchProps {
  /** The handler's entry file under `functions/`. */
  readonly entry: string;
  readonly functionName: string;
  /** The schedule group the checks are created in, e.g. `jobs-dev-StuckJobChecks`. */
  readonly scheduleGroupName: string;
  /** The queue whose jobs are watched. */
  readonly jobQueue: batch.IJobQueue;
  /** Minutes a job may wait in RUNNABLE or STARTING before its one notification (at least 1). */
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
  public readonly function: NodejsFunction;
  public readonly rule: events.Rule;
  public readonly scheduleGroup: scheduler.ScheduleGroup;
  /** The role Scheduler invokes the function with. */
  public readonly schedulerRole: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: StuckJobWatchProps) {
    super(scope, id);
    if (!Number.isInteger(props.stuckAfterMinutes) || props.stuckAfterMinutes < 1) {
      throw new Error(
        `StuckJobWatch '${id}': stuckAfterMinutes must be a whole number of minutes of at least 1; ` +
          `got ${props.stuckAfterMinutes} (a stage turns the alerts off with 0 by creating no watch)`,
      );
    }
    const stack = Stack.of(this);
    // Pending checks are of no use once the stage is gone: deleting the group deletes them, and a
    // deleted group never blocks deploying the stage again under the same name.
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: props.scheduleGroupName,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    // Built from the name, not read from the function, so the function's environment can name it.
    const functionArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: props.functionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        // Only schedules of this account's group may use the role (the confused-deputy guard).
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule',
              resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
            }),
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
    this.logGroup.grantWrite(role);
    props.topic.grantPublish(role);
    const schedulesArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
    });
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
    const [partition, region, account] = [
      named(stack.partition, 'Partition'),
      named(stack.region, 'Region'),
      named(stack.account, 'AccountId'),
    ];
    const kmsReason =
      "SNS encrypts each message with a data key from the topic's key; the grant is on that key alone";
    acknowledgeFindings(role.node.findChild('DefaultPolicy'), [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'batch:DescribeJobs, DescribeJobQueues and DescribeComputeEnvironments support no resource-level ' +
          'permissions (Service Authorization Reference); they only read',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:scheduler:${region}:${account}:schedule/${props.scheduleGroupName}/*]`,
        reason: "The checks are one schedule per job, named at run time, in this stage's own schedule group",
      },
      ...(props.topic.key
        ? [{ id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: kmsReason }]
        : []),
    ]);

    this.function = new NodejsFunction(this, 'Resource', {
      entry: props.entry,
      handler: 'handler',
      functionName: props.functionName,
      description: `Alerts on jobs of ${props.jobQueue.jobQueueName} that wait over ${props.stuckAfterMinutes} min`,
      runtime: HANDLER_RUNTIME,
      architecture: HANDLER_ARCHITECTURE,
      bundling: HANDLER_BUNDLING,
      role,
      memorySize: 128,
      ephemeralStorageSize: Size.mebibytes(512),
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
      logGroup: this.logGroup,
      maxEventAge: Duration.seconds(3600),
      retryAttempts: 0,
      onFailure: new SqsDestination(props.deadLetterQueue),
    });

    this.rule = new events.Rule(this, 'Rule', {
      description: `Batch jobs that become RUNNABLE get one stuck-job check by ${props.functionName}`,
      eventPattern: {
        source: ['aws.batch'],
        detailType: ['Batch Job State Change'],
        detail: { ...WATCHED_RUNNABLE_DETAIL, jobQueue: [props.jobQueue.jobQueueArn] },
      },
      targets: [
        new targets.LambdaFunction(this.function, {
          deadLetterQueue: props.deadLetterQueue,
          maxEventAge: Duration.hours(1),
          retryAttempts: 8,
        }),
      ],
    });
  }
}
