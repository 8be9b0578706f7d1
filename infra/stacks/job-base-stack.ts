import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { dashboardUrl } from '../../functions/notification/links';
import { physicalName, stageResourceNames, topicDisplayName } from '../config/names';
import { handlersVpcAttached } from '../config/network';
import type { StageConfig } from '../config/schema';
import { BatchEnvironment } from '../constructs/batch-environment';
import { JobStateNotifications } from '../constructs/job-state-notifications';
import { NotificationDeadLetterQueue } from '../constructs/notification-dead-letter-queue';
import { NotificationTopic } from '../constructs/notification-topic';
import { SlackChannel } from '../constructs/slack-channel';
import { SmokeTestResources } from '../constructs/smoke-test-resources';
import { StageDashboard } from '../constructs/stage-dashboard';
import type { StageJobDefinition } from '../constructs/stage-job-definition';
import { StageJobs } from '../constructs/stage-jobs';
import { tagForCostAllocation } from '../constructs/cost-allocation-tags';
import { StageNetwork, stageVpc } from '../constructs/stage-network';
import { StuckJobWatch } from '../constructs/stuck-job-watch';
import { JOB_BASE_OUTPUTS, type JobBaseOutputName } from './job-base-outputs';

export interface JobBaseStackProps extends StackProps {
  readonly appName: string;
  readonly stage: StageConfig;
  /** The account that may assume the smoke-test role (the pipeline's). @default - this stack's */
  readonly smokeTestAccount?: string;
}

/** What every batch job of a stage shares: compute, queue, and notifications on the stage's topic. */
export class JobBaseStack extends Stack {
  public readonly outputs: Partial<Record<JobBaseOutputName, CfnOutput>> = {};
  public readonly batch: BatchEnvironment;
  public readonly topic: NotificationTopic;
  public readonly deadLetterQueue: NotificationDeadLetterQueue;
  public readonly jobState: JobStateNotifications;
  public readonly stuckJobs?: StuckJobWatch;
  public readonly slackChannel?: SlackChannel;
  /** The stage's own jobs by name: grant a job's `jobRole` what its code needs. */
  public readonly jobs: Readonly<Record<string, StageJobDefinition>>;
  public readonly dashboard: StageDashboard;
  private readonly configuredZones?: readonly string[];

  constructor(scope: Construct, id: string, props: JobBaseStackProps) {
    super(scope, id, props);
    const { appName, stage } = props;
    const { vpc, batch, notifications } = stage;
    const names = stageResourceNames(appName, stage.name, stage.notifications.slack?.workspaceId);
    this.configuredZones = vpc.create?.availabilityZones ?? vpc.shared?.availabilityZones;
    // Here, not by the app: CDK Pipelines synthesizes a stage as it is added, before the app's aspects.
    tagForCostAllocation(this, appName, stage.name);
    // Ephemeral stages leave nothing behind; long-lived ones keep the topic, its key and the logs.
    const removalPolicy = stage.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logRetention = stage.ephemeral ? logs.RetentionDays.ONE_WEEK : logs.RetentionDays.THREE_MONTHS;
    const lifetime = { logRetention, removalPolicy };

    const vpcSettings = { ...stageVpc(appName, vpc), handlersAttached: handlersVpcAttached(stage) };
    const network = new StageNetwork(this, 'Network', { ...vpcSettings, ...lifetime });
    const { vpc: networkVpc, jobSubnets: subnets } = network;
    const displayName = physicalName(appName, stage.name, 'BatchComputing');
    this.batch = new BatchEnvironment(this, 'Batch', { ...batch, vpc: networkVpc, subnets, displayName });
    const handlerRole = stage.ephemeral
      ? `${this.stackName}-HandlerRole* (generated)`
      : names.handlerRole.name;
    this.topic = new NotificationTopic(this, 'Notifications', {
      ...notifications,
      publisherRoleArn: `arn:${this.partition}:iam::${this.account}:role/${handlerRole}`,
      displayName: topicDisplayName(appName, stage.name),
      removalPolicy,
    });
    const topic = this.topic.topic;
    const jobQueue = this.batch.jobQueue;
    const dlq = new NotificationDeadLetterQueue(this, 'DeadLetterQueue', { topic, removalPolicy });
    this.deadLetterQueue = dlq;

    const dashboardName = `${appName}-${stage.name}`;
    // What every notifying function is told (docs/handlers.md, "One message for every protocol").
    const environment = {
      DASHBOARD_NAME: dashboardName,
      APP_NAME: appName,
      STAGE: stage.name,
      SNS_ARN: topic.topicArn,
      POWERTOOLS_SERVICE_NAME: appName,
      MESSAGE_STRUCTURE: notifications.messageStructure === 'text' ? 'string' : 'json',
    };
    const common = { names, topic: this.topic, jobQueue, deadLetterQueue: dlq, environment, ...lifetime };
    // 'Default': its resources keep the logical ids they had when the stack created them itself.
    this.jobState = new JobStateNotifications(this, 'Default', { ...common, appName, stage, network });
    const jobsAssignPublicIp = network.jobsNeedPublicIp ? ('ENABLED' as const) : ('DISABLED' as const);
    const { stuckAfterMinutes } = notifications;
    const stuck = { ...common, stuckAfterMinutes, jobsAssignPublicIp };
    if (stuckAfterMinutes > 0) this.stuckJobs = new StuckJobWatch(this, 'StuckJobWatch', stuck);
    if (notifications.slack) {
      const slack = { ...notifications.slack, configurationName: names.slack.name, topic };
      this.slackChannel = new SlackChannel(this, 'SlackChannel', slack);
    }
    const smoke =
      stage.smokeTest &&
      new SmokeTestResources(this, 'SmokeTest', {
        topic,
        jobQueue,
        roleName: stage.ephemeral ? undefined : names.smokeTestRole.name,
        trustedAccount: props.smokeTestAccount ?? this.account,
        assignPublicIp: network.jobsNeedPublicIp,
      });

    const { SUCCEEDED: success, FAILED: error } = this.jobState.handlers;
    this.dashboard = new StageDashboard(this, 'Dashboard', {
      dashboardName,
      jobQueue,
      handlers: {
        'success handler': success,
        'error handler': error,
        ...(this.stuckJobs && { 'stuck-job handler': this.stuckJobs.function }),
      },
      deadLetterAlarm: dlq.alarm,
    });
    const values: Partial<Record<JobBaseOutputName, string>> = {
      JobQueueArn: jobQueue.jobQueueArn,
      JobQueueName: jobQueue.jobQueueName,
      JobsAssignPublicIp: jobsAssignPublicIp,
      SuccessHandlerName: success.functionName,
      SuccessHandlerArn: success.functionArn,
      ErrorHandlerName: error.functionName,
      ErrorHandlerArn: error.functionArn,
      TopicArn: topic.topicArn,
      DeadLetterQueueUrl: dlq.queueUrl,
      DashboardName: dashboardName,
      // A region given as a token (no stage has one) has no console host to name.
      DashboardUrl: dashboardUrl(this.region, dashboardName),
      ...(smoke && {
        SmokeTestQueueUrl: smoke.queue.queueUrl,
        SmokeTestJobDefinitionArn: smoke.jobDefinition.jobDefinitionArn,
        SmokeTestRoleArn: smoke.role.roleArn,
      }),
    };
    for (const [name, value] of Object.entries(values) as Array<[JobBaseOutputName, string | undefined]>) {
      if (value)
        this.outputs[name] = new CfnOutput(this, name, { value, description: JOB_BASE_OUTPUTS[name] });
    }
    const assignPublicIp = network.jobsNeedPublicIp;
    this.jobs = new StageJobs(this, 'Jobs', { appName, stage, assignPublicIp, ...lifetime }).jobs;
  }

  /** Configured zones, so that synthesis never looks them up in the account. */
  public override get availabilityZones(): string[] {
    return this.configuredZones ? [...this.configuredZones] : super.availabilityZones;
  }
}
