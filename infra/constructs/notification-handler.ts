import { Duration, Size, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IDependable } from 'constructs';
import { HANDLER_ARCHITECTURE, HANDLER_BUNDLING, HANDLER_RUNTIME } from './handler-bundling';

export interface HandlerNetworkProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Lambda's permission to manage the function's network interfaces (the role's policy). */
  readonly permissions: IDependable;
  /** The name people see on the function's security group, e.g. `jobs-dev-BatchErrorHandler-sg`. */
  readonly securityGroupName: string;
}

/** The Batch job states a handler can be notified of. */
export type NotifiedJobStatus = 'SUCCEEDED' | 'FAILED';

export interface NotificationHandlerProps {
  /** The handler's entry file under `functions/`. */
  readonly entry: string;
  readonly functionName: string;
  readonly role: iam.IRole;
  /** The job state this handler is invoked for. */
  readonly status: NotifiedJobStatus;
  /** The job queues whose jobs are reported. */
  readonly jobQueueArns: readonly string[];
  /**
   * Report every child of an array job and every node of a multi-node parallel job as well.
   * @default false - only the submitted job is reported; its children cost no invocation
   */
  readonly perChild?: boolean;
  readonly environment: Readonly<Record<string, string>>;
  /** Receives events that could not be delivered to, or handled by, the function. */
  readonly deadLetterQueue: sqs.IQueue;
  /** @default 128 */
  readonly memorySize?: number;
  /** @default 512 */
  readonly ephemeralStorageSize?: number;
  /** @default 900 */
  readonly timeoutSeconds?: number;
  /** Attach the function to a VPC. @default - not attached */
  readonly network?: HandlerNetworkProps;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Leaves out the events of array children (`<parentId>:<index>`, which alone carry
 * `arrayProperties.index`) and of multi-node parallel nodes (`<parentId>#<node>`, which alone carry
 * `nodeDetails`; their parent carries `nodeProperties` too, so that cannot tell them apart).
 * EventBridge's `exists` matches leaf fields only, hence the index fields rather than the objects.
 */
const CHILD_JOBS_EXCLUDED = {
  arrayProperties: { index: [{ exists: false }] },
  nodeDetails: { nodeIndex: [{ exists: false }] },
} as const;

/**
 * A Lambda function invoked by the EventBridge "Batch Job State Change" events of one status.
 *
 * Nothing is lost: the rule target retries and then sends the event to the dead-letter queue, and
 * an invocation that fails is not retried (as in the original design: max age 3600 s, 0 retries)
 * but sent to the same queue by the on-failure destination.
 */
export class NotificationHandler extends Construct {
  public readonly function: NodejsFunction;
  public readonly rule: events.Rule;
  public readonly logGroup: logs.LogGroup;
  public readonly securityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NotificationHandlerProps) {
    super(scope, id);
    if (props.jobQueueArns.length === 0) {
      throw new Error(
        `NotificationHandler '${id}': 'jobQueueArns' is empty; list the job queues to report on`,
      );
    }

    // Left without a name, so that a retained log group never blocks deploying the stage again.
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    const network = props.network;
    if (network) {
      this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: network.vpc,
        description: `${network.securityGroupName}: Lambda handler, all egress allowed`,
        allowAllOutbound: true,
      });
      // Deleting a stage deletes the function, then this group, which waits until Lambda has removed
      // the function's network interfaces; Lambda needs the role's EC2 permissions for that, so the
      // policy must outlive the group (otherwise the teardown hangs).
      this.securityGroup.node.addDependency(network.permissions);
    }

    this.function = new NodejsFunction(this, 'Resource', {
      entry: props.entry,
      handler: 'handler',
      functionName: props.functionName,
      runtime: HANDLER_RUNTIME,
      architecture: HANDLER_ARCHITECTURE,
      bundling: HANDLER_BUNDLING,
      role: props.role,
      memorySize: props.memorySize ?? 128,
      ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageSize ?? 512),
      timeout: Duration.seconds(props.timeoutSeconds ?? 900),
      environment: { ...props.environment },
      logGroup: this.logGroup,
      vpc: network?.vpc,
      vpcSubnets: network?.subnets,
      securityGroups: this.securityGroup ? [this.securityGroup] : undefined,
      maxEventAge: Duration.seconds(3600),
      retryAttempts: 0,
      onFailure: new SqsDestination(props.deadLetterQueue),
    });

    // Lambda checks the role's EC2 permissions when it creates a VPC-attached function.
    if (network) this.function.node.addDependency(network.permissions);

    this.rule = new events.Rule(this, 'Rule', {
      description: `Batch jobs that reach ${props.status} invoke ${props.functionName}`,
      eventPattern: {
        source: ['aws.batch'],
        detailType: ['Batch Job State Change'],
        detail: {
          status: [props.status],
          jobQueue: [...props.jobQueueArns],
          ...(props.perChild ? {} : CHILD_JOBS_EXCLUDED),
        },
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
