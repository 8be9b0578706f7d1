import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { NotificationTopic } from '../../../infra/constructs/notification-topic';
import { testApp } from '../../support/cdk';

describe('NotificationTopic', () => {
  test('fails when a key is given without the topic it encrypts', () => {
    const stack = new Stack(testApp(), 'Stack');
    expect(
      () =>
        new NotificationTopic(stack, 'Topic', {
          topicKeyArn: 'arn:aws:kms:ap-northeast-1:111111111111:key/12345678-1234-1234-1234-123456789012',
          removalPolicy: RemovalPolicy.DESTROY,
        }),
    ).toThrow("NotificationTopic 'Topic': 'topicKeyArn' only applies with 'topicArn'");
  });
});
