import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ProbeJobDefinition } from './probe-job-definition';

export interface SmokeTestResourcesProps {
  readonly topic: sns.ITopic;
  readonly jobQueue: batch.IJobQueue;
  /** Known to the pipeline before the role exists. */
  /** @default - a name CloudFormation generates */
  readonly roleName?: string;
  /** The pipeline's. */
  readonly trustedAccount: string;
  readonly assignPublicIp: boolean;
}

/** A job that succeeds, an inbox on the topic, and a role that may submit that job and read that inbox. */
export class SmokeTestResources extends Construct {
  public readonly jobDefinition: batch.EcsJobDefinition;
  public readonly queue: sqs.Queue;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SmokeTestResourcesProps) {
    super(scope, id);
    this.jobDefinition = new ProbeJobDefinition(this, 'Job', {
      exitCode: 0,
      assignPublicIp: props.assignPublicIp,
    }).jobDefinition;

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(1),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'A test inbox read only by the smoke step, kept one day; there is no consumer to fail',
    });
    props.topic.addSubscription(new subscriptions.SqsSubscription(this.queue));

    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: new iam.AccountPrincipal(props.trustedAccount),
      description: 'Pipeline smoke test: submit the probe job and read its notification',
      maxSessionDuration: Duration.hours(1),
    });
    this.jobDefinition.grantSubmitJob(this.role, props.jobQueue);
    this.queue.grantConsumeMessages(this.role);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['batch:DescribeJobs'], resources: ['*'] }),
    );
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'batch:DescribeJobs supports no resource scope; it only reads job status',
    });
  }
}
