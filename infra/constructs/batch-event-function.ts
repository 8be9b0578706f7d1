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
  readonly entry: string;
  readonly handler: string;
  readonly functionName: string;
  /** Undelivered events and failed invocations (Lambda's on-failure destination, not `DeadLetterConfig`). */
  readonly deadLetterQueue: sqs.IQueue;
  /** Of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export type BatchEventDetail = NonNullable<events.EventPattern['detail']>;

/**
 * A function invoked by AWS Batch events, with every handler's defaults: a failed invocation is not
 * retried but dead-lettered, as is an undeliverable event. `LogGroup` sits beside it, in its scope,
 * so that the retained group's logical id stays.
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

  /** Adds `Rule` to `scope` (the function's, so its logical id stays) for job state changes with `detail`. */
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
