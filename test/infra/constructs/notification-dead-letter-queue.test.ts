import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { NotificationDeadLetterQueue } from '../../../infra/constructs/notification-dead-letter-queue';
import { testApp } from '../../support/cdk';
import { logicalIdOf } from '../../support/templates';

describe('NotificationDeadLetterQueue', () => {
  const stack = new Stack(testApp(), 'Stack');
  const topic = new sns.Topic(stack, 'Topic');
  new NotificationDeadLetterQueue(stack, 'DeadLetterQueue', { topic, removalPolicy: RemovalPolicy.RETAIN });
  const template = Template.fromStack(stack);
  const queue = logicalIdOf(template, 'AWS::SQS::Queue');

  test('is encrypted, TLS-only, keeps messages 14 days, and follows the removal policy', () => {
    template.hasResource('AWS::SQS::Queue', {
      Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test("its depth alarms on the topic from the first message, the alarm keeping its id as the stack's own", () => {
    expect(logicalIdOf(template, 'AWS::CloudWatch::Alarm')).toMatch(/^DeadLetterAlarm/);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }],
    });
  });
});
