import * as path from 'node:path';
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { physicalName, topicDisplayName } from '../config/names';
import { handlersVpcAttached } from '../config/network';
import type { StageConfig } from '../config/schema';
import { BatchEnvironment } from '../constructs/batch-environment';
import { NotificationHandler, type NotifiedJobStatus } from '../constructs/notification-handler';
import { NotificationTopic } from '../constructs/notification-topic';
import { SmokeTestResources } from '../constructs/smoke-test-resources';
import { StageNetwork, type StageNetworkProps } from '../constructs/stage-network';
import { StuckJobWatch } from '../constructs/stuck-job-watch';
import { previewNetworkNames } from '../config/preview-network';

const FUNCTIONS_DIR = path.join(__dirname, '..', '..', 'functions');

export interface JobBaseStackProps extends StackProps {
  readonly appName: string;
  readonly stage: StageConfig;
  /**
   * The account whose principals may assume the smoke-test role (the pipeline's account), when the
   * stage has `smokeTest` on.
   * @default - this stack's account
   */
  readonly smokeTestAccount?: string;
}

/** The outputs a stage publishes, by CloudFormation output id. */
export type JobBaseOutputName =
  | 'JobQueueArn'
  | 'JobQueueName'
  | 'JobsAssignPublicIp'
  | 'SuccessHandlerName'
  | 'SuccessHandlerArn'
  | 'ErrorHandlerName'
  | 'ErrorHandlerArn'
  | 'TopicArn'
  | 'DeadLetterQueueUrl'
  | 'SmokeTestQueueUrl'
  | 'SmokeTestJobDefinitionArn'
  | 'SmokeTestRoleArn';

/**
 * JobBase, the resources every batch job of a stage shares: a Fargate compute environment and job
 * queue, and two handlers that turn job state changes into notifications on the stage's topic.
 */
export class JobBaseStack extends Stack {
  public readonly outputs: Partial<Record<JobBaseOutputName, CfnOutput>> = {};
  public readonly batch: BatchEnvironment;
  public readonly topic: NotificationTopic;
  public readonly deadLetterQueue: sqs.Queue;
  /** In ALARM while a notification waits in the dead-letter queue; it notifies the topic. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  public readonly handlers: Readonly<Record<NotifiedJobStatus, NotificationHandler>>;
  /** Stuck-job alerts; absent when the stage sets `notifications.stuckAfterMinutes: 0`. */
  public readonly stuckJobs?: StuckJobWatch;
  /** The Slack channel subscribed to the topic, when the stage configures one. */
  public readonly slackChannel?: chatbot.SlackChannelConfiguration;
  private readonly configuredZones?: readonly string[];

  constructor(scope: Construct, id: string, props: JobBaseStackProps) {
    super(scope, id, props);
    const { appName, stage } = props;
    this.configuredZones = stage.vpc.create?.availabilityZones ?? stage.vpc.shared?.availabilityZones;
    const name = (suffix: string): string => physicalName(appName, stage.name, suffix);
    // Ephemeral stages leave nothing behind; long-lived ones keep the topic, its key and the logs.
    const removalPolicy = stage.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logRetention = stage.ephemeral ? logs.RetentionDays.ONE_WEEK : logs.RetentionDays.THREE_MONTHS;
    const handlersAttached = handlersVpcAttached(stage);

    const network = new StageNetwork(this, 'Network', {
      ...vpcSource(appName, stage.vpc),
      handlersAttached,
      logRetention,
      removalPolicy,
    });
    this.batch = new BatchEnvironment(this, 'Batch', {
      vpc: network.vpc,
      subnets: network.jobSubnets,
      maxvCpus: stage.batch.maxvCpus,
      spot: stage.batch.spot,
      displayName: name('BatchComputing'),
    });
    this.topic = new NotificationTopic(this, 'Notifications', {
      topicArn: stage.notifications.topicArn,
      topicKeyArn: stage.notifications.topicKeyArn,
      topicPoliciesAcknowledged: stage.notifications.topicPoliciesAcknowledged,
      publisherRoleArn: `arn:${this.partition}:iam::${this.account}:role/${name('BatchLambdaRole')}`,
      displayName: topicDisplayName(appName, stage.name),
      removalPolicy,
    });
    ({ queue: this.deadLetterQueue, alarm: this.deadLetterAlarm } =
      this.createDeadLetterQueue(removalPolicy));

    const secretName = stage.database.secretName ?? `/${appName}/${stage.name}/db`;
    const role = this.handlerRole(name('BatchLambdaRole'), stage, secretName);
    const vpcPermissions = handlersAttached ? this.vpcAccessPolicy(role) : undefined;
    const environment = this.handlerEnvironment(appName, stage, secretName);
    const handler = (id: string, status: NotifiedJobStatus, folder: string): NotificationHandler =>
      new NotificationHandler(this, id, {
        entry: path.join(FUNCTIONS_DIR, folder, 'index.ts'),
        functionName: name(id),
        role,
        status,
        jobQueueArns: [this.batch.jobQueue.jobQueueArn],
        perChild: stage.notifications.perChild,
        environment,
        deadLetterQueue: this.deadLetterQueue,
        memorySize: stage.handlers.memorySize,
        ephemeralStorageSize: stage.handlers.ephemeralStorageSize,
        timeoutSeconds: stage.handlers.timeoutSeconds,
        network: vpcPermissions && {
          vpc: network.vpc,
          subnets: network.handlerSubnets,
          permissions: vpcPermissions,
          securityGroupName: `${name(id)}-sg`,
        },
        logRetention,
        removalPolicy,
      });
    this.handlers = {
      SUCCEEDED: handler('BatchSuccessHandler', 'SUCCEEDED', 'batch-success-handler'),
      FAILED: handler('BatchErrorHandler', 'FAILED', 'batch-error-handler'),
    };
    for (const h of Object.values(this.handlers)) {
      h.logGroup.grantWrite(role);
      if (h.securityGroup) network.allowSnsFrom(h.securityGroup);
    }

    if (stage.notifications.stuckAfterMinutes > 0) {
      this.stuckJobs = new StuckJobWatch(this, 'StuckJobWatch', {
        entry: path.join(FUNCTIONS_DIR, 'batch-stuck-handler', 'index.ts'),
        functionName: name('BatchStuckHandler'),
        scheduleGroupName: name('StuckJobChecks'),
        jobQueue: this.batch.jobQueue,
        stuckAfterMinutes: stage.notifications.stuckAfterMinutes,
        topic: this.topic,
        deadLetterQueue: this.deadLetterQueue,
        environment: {
          APP_NAME: appName,
          STAGE: stage.name,
          SNS_ARN: this.topic.topic.topicArn,
          MESSAGE_STRUCTURE: environment.MESSAGE_STRUCTURE!,
          POWERTOOLS_SERVICE_NAME: appName,
        },
        jobsAssignPublicIp: network.jobsNeedPublicIp ? 'ENABLED' : 'DISABLED',
        logRetention,
        removalPolicy,
      });
    }
    if (stage.notifications.slack)
      this.slackChannel = this.addSlackChannel(name('Slack'), stage.notifications.slack);

    this.addOutputs(network.jobsNeedPublicIp);
    if (stage.smokeTest)
      this.addSmokeTest(
        name('SmokeTestRole'),
        network.jobsNeedPublicIp,
        props.smokeTestAccount ?? this.account,
      );
  }

  /**
   * The zones of a created VPC come from the configuration, so that synthesis never looks them up
   * in the account (which needs credentials and a network).
   */
  public override get availabilityZones(): string[] {
    return this.configuredZones ? [...this.configuredZones] : super.availabilityZones;
  }

  private handlerEnvironment(
    appName: string,
    stage: StageConfig,
    secretName: string,
  ): Record<string, string> {
    const environment: Record<string, string> = {
      APP_NAME: appName,
      STAGE: stage.name,
      SNS_ARN: this.topic.topic.topicArn,
      // The original design names the database after the stage.
      DB_NAME: stage.database.name ?? stage.name,
      DB_SECRET_NAME: secretName,
      POWERTOOLS_SERVICE_NAME: appName,
      // How the handlers lay out each notification (docs/handlers.md, "One message for every protocol").
      MESSAGE_STRUCTURE: stage.notifications.messageStructure === 'text' ? 'string' : 'json',
    };
    if (stage.jobQueueUrl) environment.JOB_QUEUE_URL = stage.jobQueueUrl;
    return environment;
  }

  /** The role both handlers share, as in the original design, with only what they use. */
  private handlerRole(roleName: string, stage: StageConfig, secretName: string): iam.Role {
    const role = new iam.Role(this, 'HandlerRole', {
      roleName,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Batch job notification handlers: publish to the stage topic',
    });
    this.topic.grantPublish(role);
    if (this.topic.key) {
      Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          "SNS encrypts each message with a data key from the topic's key; the grant is on that key alone",
      });
    }
    secretsmanager.Secret.fromSecretNameV2(this, 'DatabaseSecret', secretName).grantRead(role);
    if (stage.jobQueueUrl) {
      sqs.Queue.fromQueueAttributes(this, 'OnDemandJobQueue', {
        queueUrl: stage.jobQueueUrl,
        queueArn: this.queueArnFromUrl(stage.jobQueueUrl),
      }).grantSendMessages(role);
    }
    return role;
  }

  /** `https://sqs.<region>.amazonaws.com/<account>/<name>` -> the queue's ARN. */
  private queueArnFromUrl(queueUrl: string): string {
    const [, region, account, queueName] =
      /^https:\/\/sqs\.([^.]+)\.[^/]+\/(\d{12})\/([^/]+)$/.exec(queueUrl) ?? [];
    if (!region || !account || !queueName)
      throw new Error(`jobQueueUrl '${queueUrl}' is not an SQS queue URL`);
    return `arn:${this.partition}:sqs:${region}:${account}:${queueName}`;
  }

  /** What Lambda needs to manage a VPC-attached function's network interfaces (no resource scope). */
  private vpcAccessPolicy(role: iam.IRole): iam.Policy {
    const policy = new iam.Policy(this, 'HandlerVpcAccessPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Lambda manages the network interfaces of VPC-attached functions with these actions; the Describe ' +
        'actions support no resource scope and the interfaces do not exist yet (as AWSLambdaVPCAccessExecutionRole)',
    });
    return policy;
  }

  /**
   * Where events go that the handlers could not be invoked for, or failed on. A dead letter means a
   * notification was not sent: an alarm says so on the topic.
   */
  private createDeadLetterQueue(removalPolicy: RemovalPolicy): { queue: sqs.Queue; alarm: cloudwatch.Alarm } {
    const queue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the handlers and their rules; its depth raises an alarm',
    });
    const alarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'Batch job notifications failed and wait in the dead-letter queue',
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic.topic));
    return { queue, alarm };
  }

  /**
   * A Slack channel of Amazon Q Developer in chat applications, subscribed to the topic: it shows the
   * handlers' chat cards and the dead-letter alarm. The workspace must have been authorized once in
   * the console (README, "Slack"). Channel members can run nothing through it: its role and guardrail
   * allow only the CloudWatch reads the service uses to draw alarm charts.
   */
  private addSlackChannel(
    configurationName: string,
    slack: NonNullable<StageConfig['notifications']['slack']>,
  ): chatbot.SlackChannelConfiguration {
    const reads = new iam.PolicyStatement({
      actions: ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'],
      resources: ['*'],
    });
    const guardrail = new iam.ManagedPolicy(this, 'SlackGuardrail', {
      description: `${configurationName}: the most a chat channel member may do (CloudWatch reads)`,
      statements: [reads],
    });
    const role = new iam.Role(this, 'SlackChannelRole', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: `${configurationName}: reads alarm charts for the Slack channel`,
      inlinePolicies: { AlarmCharts: new iam.PolicyDocument({ statements: [reads] }) },
    });
    const chartReads =
      'The read-only CloudWatch actions Amazon Q Developer uses to show alarm charts in the channel';
    for (const resource of [guardrail, role]) {
      for (const action of reads.actions) {
        Validations.of(resource).acknowledge({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason: chartReads,
        });
      }
      Validations.of(resource).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'CloudWatch Describe, Get and List of alarms and metrics take no narrower resource here',
      });
    }
    return new chatbot.SlackChannelConfiguration(this, 'SlackChannel', {
      slackChannelConfigurationName: configurationName,
      slackWorkspaceId: slack.workspaceId,
      slackChannelId: slack.channelId,
      notificationTopics: [this.topic.topic],
      role,
      guardrailPolicies: [guardrail],
    });
  }

  /** The resources of the pipeline's post-deploy smoke step, and the outputs it reads. */
  private addSmokeTest(roleName: string, assignPublicIp: boolean, trustedAccount: string): void {
    const smoke = new SmokeTestResources(this, 'SmokeTest', {
      topic: this.topic.topic,
      jobQueue: this.batch.jobQueue,
      roleName,
      trustedAccount,
      assignPublicIp,
    });
    this.output('SmokeTestQueueUrl', smoke.queue.queueUrl, 'Queue subscribed to the topic, for smoke tests');
    this.output('SmokeTestJobDefinitionArn', smoke.jobDefinition.jobDefinitionArn, 'A job that succeeds');
    this.output('SmokeTestRoleArn', smoke.role.roleArn, 'Role the smoke step assumes');
  }

  private addOutputs(jobsNeedPublicIp: boolean): void {
    this.output('JobQueueArn', this.batch.jobQueue.jobQueueArn, 'Submit jobs to this queue');
    this.output('JobQueueName', this.batch.jobQueue.jobQueueName, 'Name of the job queue');
    this.output(
      'JobsAssignPublicIp',
      jobsNeedPublicIp ? 'ENABLED' : 'DISABLED',
      'assignPublicIp for Fargate job definitions on this queue',
    );
    this.output('SuccessHandlerName', this.handlers.SUCCEEDED.function.functionName, 'Success handler');
    this.output('SuccessHandlerArn', this.handlers.SUCCEEDED.function.functionArn, 'Success handler ARN');
    this.output('ErrorHandlerName', this.handlers.FAILED.function.functionName, 'Error handler');
    this.output('ErrorHandlerArn', this.handlers.FAILED.function.functionArn, 'Error handler ARN');
    this.output('TopicArn', this.topic.topic.topicArn, 'Job notifications are published here');
    this.output('DeadLetterQueueUrl', this.deadLetterQueue.queueUrl, 'Events whose notification failed');
  }

  private output(id: JobBaseOutputName, value: string, description: string): void {
    this.outputs[id] = new CfnOutput(this, id, { value, description });
  }
}

/**
 * The VPC a stage's network uses: the configured one, or for `vpc.shared` the preview network, whose
 * VPC and public subnets the stage imports from the `PreviewNetwork` stack's exports.
 */
function vpcSource(appName: string, vpc: StageConfig['vpc']): Pick<StageNetworkProps, 'existing' | 'create'> {
  if (!vpc.shared) return { existing: vpc.existing, create: vpc.create };
  const names = previewNetworkNames(appName, vpc.shared.availabilityZones.length);
  return {
    existing: {
      vpcId: Fn.importValue(names.vpcIdExport),
      subnetIds: names.subnetIdExports.map((name) => Fn.importValue(name)),
      publicSubnets: true,
    },
  };
}
