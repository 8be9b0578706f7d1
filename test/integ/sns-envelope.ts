import type { MessageStructure, Notification } from '../../functions/notification/notification';

/** What one SQS subscriber receives of a publish: subject, message and attributes (CloudWatch's: none). */
export interface Published {
  readonly subject: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * What an SQS subscription receives of a handler's notification: with the per-protocol structure,
 * the `sqs` body and, as SNS documents, no message attributes; with the string structure, the text
 * and the attributes.
 */
export function sqsDelivery(notification: Notification, structure: MessageStructure = 'json'): Published {
  return structure === 'json'
    ? { subject: notification.subject, message: notification.messages.sqs, attributes: {} }
    : {
        subject: notification.subject,
        message: notification.messages.default,
        attributes: notification.attributes,
      };
}

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
