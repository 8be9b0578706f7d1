import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { type MessageStructure, type Notification, publishedMessage } from './notification';
import type { NotificationSettings } from './settings';
import type { HandlerLogger } from './logger';

/** Resolves with the SNS message id, rejects with the SDK's error. */
export type Publisher = (notification: Notification) => Promise<PublishResult>;

export interface PublishResult {
  readonly messageId: string;
}

/** Standard-mode retries of throttling and 5xx; three attempts stay well inside the timeout. */
export const SNS_MAX_ATTEMPTS = 3;

/** The endpoint is the SDK's own (AWS_ENDPOINT_URL_SNS), which the local tests and bench redirect. */
export function createSnsClient(region: string): SNSClient {
  return new SNSClient({ region, maxAttempts: SNS_MAX_ATTEMPTS, retryMode: 'standard' });
}

/**
 * The attributes go with both structures: SNS delivers them only with a string structure, so the
 * `json` bodies carry the same values (docs/handlers.md).
 */
export function snsPublisher(
  client: SNSClient,
  topicArn: string,
  structure: MessageStructure = 'json',
): Publisher {
  return async (notification) => {
    const output = await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: notification.subject,
        Message: publishedMessage(notification, structure),
        MessageStructure: structure === 'json' ? 'json' : undefined,
        MessageAttributes: Object.fromEntries(
          Object.entries(notification.attributes).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
    return { messageId: output.MessageId ?? '' };
  };
}

export function topicPublisher(
  settings: Pick<NotificationSettings, 'snsRegion' | 'snsTopicArn' | 'messageStructure'>,
): Publisher {
  return snsPublisher(createSnsClient(settings.snsRegion), settings.snsTopicArn, settings.messageStructure);
}

/** A failure is logged and rethrown, so the asynchronous invoke retries or records it. */
export async function publishOrLog(
  publish: Publisher,
  notification: Notification,
  logger: Pick<HandlerLogger, 'error'>,
): Promise<PublishResult> {
  try {
    return await publish(notification);
  } catch (error) {
    logger.error('SNS Publish failed (after the SDK retries, if the error was retryable)', { error });
    throw error;
  }
}
