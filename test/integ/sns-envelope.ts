import type { Notification } from '../../functions/shared/message';

/** What a publisher hands SNS: the handlers' notifications, or CloudWatch's (no attributes). */
export type Published = Pick<Notification, 'subject' | 'message'> & {
  readonly attributes: Readonly<Record<string, string>>;
};

/** The body SNS delivers to an SQS subscriber with raw delivery off, for a published notification. */
export function snsEnvelope(notification: Published, topicArn: string): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: '5a8f3c1e-0b6d-5e2f-9a7c-3d4e5f6a7b8c',
    TopicArn: topicArn,
    Subject: notification.subject,
    Message: notification.message,
    Timestamp: '2026-01-01T00:01:42.000Z',
    SignatureVersion: '1',
    Signature: 'A'.repeat(344),
    SigningCertURL: `https://sns.ap-northeast-1.amazonaws.com/SimpleNotificationService-${'0'.repeat(32)}.pem`,
    UnsubscribeURL:
      'https://sns.ap-northeast-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=' +
      `${topicArn}:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`,
    MessageAttributes: Object.fromEntries(
      Object.entries(notification.attributes).map(([name, value]) => [
        name,
        { Type: 'String', Value: value },
      ]),
    ),
  });
}
