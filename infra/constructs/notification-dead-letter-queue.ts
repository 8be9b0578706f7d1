import { Duration, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface NotificationDeadLetterQueueProps {
  readonly topic: sns.ITopic;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The events a notification failed for; an alarm says so on the topic. `DeadLetterAlarm` sits beside
 * the queue, in its scope, so that its logical id stays.
 */
export class NotificationDeadLetterQueue extends sqs.Queue {
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: NotificationDeadLetterQueueProps) {
    super(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the handlers and their rules; its depth raises an alarm',
    });
    this.alarm = new cloudwatch.Alarm(scope, 'DeadLetterAlarm', {
      alarmDescription: 'Batch job notifications failed and wait in the dead-letter queue',
      metric: this.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new SnsAction(props.topic));
  }
}
