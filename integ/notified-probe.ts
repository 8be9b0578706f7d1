import * as path from 'node:path';
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  HANDLER_ARCHITECTURE,
  HANDLER_BUNDLING,
  HANDLER_RUNTIME,
} from '../infra/constructs/handler-bundling';
import { PROBE_IMAGE, ProbeJobDefinition } from '../infra/constructs/probe-job-definition';

/** The integration scenario's probe jobs and the inboxes their notifications arrive in. */

export interface InboxProps {
  readonly topic: sns.ITopic;
}

/**
 * A queue subscribed to the topic, every message of it, and the function the assertions read it
 * through (see `inbox-reader/read-inbox.ts`). Raw delivery stays off: the SNS envelope carries the
 * Subject, which is part of the contract under test, and the `sqs` body as its Message.
 */
export class Inbox extends Construct {
  public readonly queue: sqs.Queue;
  public readonly reader: NodejsFunction;

  constructor(scope: Construct, id: string, props: InboxProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(1),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    props.topic.addSubscription(new subscriptions.SqsSubscription(this.queue));
    this.reader = new NodejsFunction(this, 'Reader', {
      entry: path.join(__dirname, 'inbox-reader', 'index.ts'),
      handler: 'handler',
      runtime: HANDLER_RUNTIME,
      architecture: HANDLER_ARCHITECTURE,
      bundling: HANDLER_BUNDLING,
      timeout: Duration.seconds(30),
      environment: { INBOX_URL: this.queue.queueUrl },
      logGroup: new logs.LogGroup(this, 'ReaderLogGroup', {
        retention: logs.RetentionDays.ONE_WEEK,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    this.queue.grant(this.reader, 'sqs:ReceiveMessage');
  }
}

export interface NotifiedProbeProps {
  readonly jobName: string;
  /** The exit code of a job that runs; or the vCPUs and memory of one that can never be placed. */
  readonly job: { readonly exitCode: number } | { readonly vcpus: number; readonly memoryMiB: number };
  readonly topic: sns.ITopic;
  readonly assignPublicIp: boolean;
}

/** A job that exits with a chosen code (or never starts), and an inbox its notification arrives in. */
export class NotifiedProbe extends Construct {
  public readonly jobName: string;
  public readonly jobDefinition: batch.EcsJobDefinition;
  public readonly inbox: Inbox;

  constructor(scope: Construct, id: string, props: NotifiedProbeProps) {
    super(scope, id);
    this.jobName = props.jobName;
    const { job, assignPublicIp } = props;
    this.jobDefinition =
      'exitCode' in job
        ? new ProbeJobDefinition(this, 'Job', { exitCode: job.exitCode, assignPublicIp }).jobDefinition
        : new batch.EcsJobDefinition(this, 'Job', {
            container: new batch.EcsFargateContainerDefinition(this, 'Container', {
              image: ecs.ContainerImage.fromRegistry(PROBE_IMAGE),
              cpu: job.vcpus,
              memory: Size.mebibytes(job.memoryMiB),
              assignPublicIp,
            }),
          });
    this.inbox = new Inbox(this, 'Inbox', { topic: props.topic });
  }
}
