import { Duration, Size, type RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { HANDLER_ARCHITECTURE, HANDLER_BUNDLING, HANDLER_RUNTIME } from './handler-bundling';

export interface BatchEventFunctionProps extends Omit<
  NodejsFunctionProps,
  | 'runtime'
  | 'architecture'
  | 'bundling'
  | 'logGroup'
  | 'logRetention'
  | 'maxEventAge'
  | 'retryAttempts'
  | 'onFailure'
  | 'deadLetterQueue'
> {
  /** The entry file under `functions/`. */
  readonly entry: string;
  /** The export of `entry` Lambda calls. */
  readonly handler: string;
  readonly functionName: string;
  /**
   * Receives what was not handled: events the rule could not deliver and invocations that failed
   * (Lambda's on-failure destination, not its `DeadLetterConfig`).
   */
  readonly deadLetterQueue: sqs.IQueue;
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal of the function's log group. */
  readonly removalPolicy: RemovalPolicy;
}

/** The detail of the EventBridge events that invoke a function. */
export type BatchEventDetail = NonNullable<events.EventPattern['detail']>;

/**
 * A Lambda function invoked by AWS Batch events, with every handler's shared defaults: Node.js on
 * ARM64 bundled as `handler-bundling.ts` says, 128 MB and 512 MB of storage, a log group of the
 * stack, and nothing lost (as in the original design, an invocation that fails is not retried, max
 * age 3600 s, but sent to the dead-letter queue, as is an event the rule cannot deliver).
 *
 * The log group `LogGroup` is created beside the function, in its scope, where it was before this
 * construct existed: its logical id, and with it the retained group, stays.
 */
export class BatchEventFunction extends NodejsFunction {
  private readonly failureQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: BatchEventFunctionProps) {
    const { deadLetterQueue, logRetention, removalPolicy, ...functionProps } = props;
    // Left without a name, so that a retained log group never blocks deploying the stage again.
    const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention: logRetention, removalPolicy });
    super(scope, id, {
      ...functionProps,
      runtime: HANDLER_RUNTIME,
      architecture: HANDLER_ARCHITECTURE,
      bundling: HANDLER_BUNDLING,
      memorySize: props.memorySize ?? 128,
      ephemeralStorageSize: props.ephemeralStorageSize ?? Size.mebibytes(512),
      logGroup,
      maxEventAge: Duration.seconds(3600),
      retryAttempts: 0,
      onFailure: new SqsDestination(deadLetterQueue),
    });
    this.failureQueue = deadLetterQueue;
    logGroup.grantWrite(this);
  }

  /**
   * Adds the rule `Rule` to `scope` (the function's own, so its logical id stays) that invokes the
   * function for the Batch job state changes with this `detail`; it retries for an hour, then sends
   * the event to the dead-letter queue.
   */
  public addStateChangeRule(scope: Construct, description: string, detail: BatchEventDetail): events.Rule {
    return new events.Rule(scope, 'Rule', {
      description,
      eventPattern: { source: ['aws.batch'], detailType: ['Batch Job State Change'], detail },
      targets: [
        new targets.LambdaFunction(this, {
          deadLetterQueue: this.failureQueue,
          maxEventAge: Duration.hours(1),
          retryAttempts: 8,
        }),
      ],
    });
  }
}
