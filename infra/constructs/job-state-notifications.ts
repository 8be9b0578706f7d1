import * as path from 'node:path';
import { Duration, Size, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageResourceNames } from '../config/names';
import { handlersVpcAttached } from '../config/network';
import type { StageConfig } from '../config/schema';
import { BatchEventFunction } from './batch-event-function';
import type { NotificationTopic } from './notification-topic';
import type { StageNetwork } from './stage-network';

/** One module, two exports: both functions share one bundle. */
const ENTRY = path.join(__dirname, '..', '..', 'functions', 'job-state', 'index.ts');

export type NotifiedJobStatus = 'SUCCEEDED' | 'FAILED';

export interface JobStateNotificationsProps {
  readonly appName: string;
  readonly stage: Pick<
    StageConfig,
    'name' | 'ephemeral' | 'handlers' | 'notifications' | 'database' | 'jobQueueUrl'
  >;
  readonly names: Pick<StageResourceNames, 'successHandler' | 'errorHandler' | 'handlerRole'>;
  readonly jobQueue: batch.IJobQueue;
  readonly topic: NotificationTopic;
  readonly deadLetterQueue: sqs.IQueue;
  /** APP_NAME, STAGE, SNS_ARN and the other settings every notifying function gets. */
  readonly environment: Readonly<Record<string, string>>;
  readonly network: StageNetwork;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Leaves out array children and multi-node nodes, which alone carry these fields (a node's parent has
 * `nodeProperties` too); EventBridge's `exists` matches leaf fields only, hence the index fields.
 */
const CHILD_JOBS_EXCLUDED = {
  arrayProperties: { index: [{ exists: false }] },
  nodeDetails: { nodeIndex: [{ exists: false }] },
} as const;

/** The two handlers that notify a job's SUCCEEDED or FAILED on the topic, their rules and their role. */
export class JobStateNotifications extends Construct {
  public readonly role: iam.Role;
  public readonly handlers: Readonly<Record<NotifiedJobStatus, BatchEventFunction>>;
  public readonly vpcAccessPolicy?: iam.Policy;

  constructor(scope: Construct, id: string, props: JobStateNotificationsProps) {
    super(scope, id);
    const { stage } = props;
    const { name = stage.name, secretName = `/${props.appName}/${stage.name}/db` } = stage.database;
    this.role = this.createRole(props, secretName);
    const network = handlersVpcAttached(stage) ? props.network : undefined;
    if (network) this.vpcAccessPolicy = this.createVpcAccessPolicy();
    const environment = {
      ...props.environment,
      DB_NAME: name,
      DB_SECRET_NAME: secretName,
      ...(stage.jobQueueUrl ? { JOB_QUEUE_URL: stage.jobQueueUrl } : {}),
    };
    this.handlers = {
      SUCCEEDED: this.createHandler('BatchSuccessHandler', 'SUCCEEDED', props, environment, network),
      FAILED: this.createHandler('BatchErrorHandler', 'FAILED', props, environment, network),
    };
  }

  private createRole(props: JobStateNotificationsProps, secretName: string): iam.Role {
    const role = new iam.Role(this, 'HandlerRole', {
      // An ephemeral stage's roles may outlive it (`RetainRoles`): a generated name never collides.
      roleName: props.stage.ephemeral ? undefined : props.names.handlerRole.name,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Batch job notification handlers: publish to the stage topic',
    });
    props.topic.grantPublish(role);
    secretsmanager.Secret.fromSecretNameV2(this, 'DatabaseSecret', secretName).grantRead(role);
    const queueUrl = props.stage.jobQueueUrl;
    if (queueUrl) {
      const queueArn = this.queueArnFromUrl(queueUrl);
      sqs.Queue.fromQueueAttributes(this, 'OnDemandJobQueue', { queueUrl, queueArn }).grantSendMessages(role);
    }
    return role;
  }

  /** `https://sqs.<region>.amazonaws.com/<account>/<name>` (the configuration checks it) -> its ARN. */
  private queueArnFromUrl(queueUrl: string): string {
    const [, , host = '', account, queueName] = queueUrl.split('/');
    return `arn:${Stack.of(this).partition}:sqs:${host.split('.')[1]}:${account}:${queueName}`;
  }

  /** What Lambda needs to manage a VPC-attached function's network interfaces (no resource scope). */
  private createVpcAccessPolicy(): iam.Policy {
    const policy = new iam.Policy(this, 'HandlerVpcAccessPolicy', {
      roles: [this.role],
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

  private createHandler(
    id: string,
    status: NotifiedJobStatus,
    props: JobStateNotificationsProps,
    environment: Record<string, string>,
    network: StageNetwork | undefined,
  ): BatchEventFunction {
    const scope = new Construct(this, id);
    const functionName = (status === 'SUCCEEDED' ? props.names.successHandler : props.names.errorHandler)
      .name;
    const { handlers, notifications } = props.stage;
    const securityGroup = network && this.attachedSecurityGroup(scope, network, functionName);
    const fn = new BatchEventFunction(scope, 'Resource', {
      entry: ENTRY,
      handler: status === 'SUCCEEDED' ? 'onSucceeded' : 'onFailed',
      functionName,
      role: this.role,
      memorySize: handlers.memorySize,
      ephemeralStorageSize: Size.mebibytes(handlers.ephemeralStorageSize),
      timeout: Duration.seconds(handlers.timeoutSeconds),
      environment,
      vpc: network?.vpc,
      vpcSubnets: network?.handlerSubnets,
      securityGroups: securityGroup && [securityGroup],
      deadLetterQueue: props.deadLetterQueue,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // Lambda checks the role's EC2 permissions when it creates a VPC-attached function.
    if (this.vpcAccessPolicy) fn.node.addDependency(this.vpcAccessPolicy);
    fn.addStateChangeRule(scope, `Batch jobs that reach ${status} invoke ${functionName}`, {
      status: [status],
      jobQueue: [props.jobQueue.jobQueueArn],
      // Only the submitted job is reported, unless perChild: its children cost no invocation.
      ...(notifications.perChild ? {} : CHILD_JOBS_EXCLUDED),
    });
    return fn;
  }

  private attachedSecurityGroup(
    scope: Construct,
    network: StageNetwork,
    functionName: string,
  ): ec2.SecurityGroup {
    const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
      vpc: network.vpc,
      description: `${functionName}-sg: Lambda handler, all egress allowed`,
      allowAllOutbound: true,
    });
    // The group's deletion waits for Lambda to remove the interfaces, with this policy: it goes last.
    if (this.vpcAccessPolicy) securityGroup.node.addDependency(this.vpcAccessPolicy);
    network.allowSnsFrom(securityGroup);
    return securityGroup;
  }
}
