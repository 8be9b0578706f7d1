import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { type MessageStructure, type Notification, publishedMessage } from './notification';
import type { NotificationSettings } from './settings';
import type { HandlerLogger } from './logger';

/** Sends one notification; resolves with the SNS message id, rejects with the SDK's error. */
export type Publisher = (notification: Notification) => Promise<PublishResult>;

export interface PublishResult {
  readonly messageId: string;
}

/**
 * Throttling and 5xx are retried by the SDK's standard mode (exponential backoff with jitter);
 * three attempts keep the worst case well inside the function timeout, after which the error is
 * rethrown and the asynchronous invoke records the failure.
 */
export const SNS_MAX_ATTEMPTS = 3;

/**
 * One client per execution environment, created at cold start. The endpoint comes from the SDK's
 * own configuration (AWS_ENDPOINT_URL_SNS), which is how the local tests and bench redirect it.
 */
export function createSnsClient(region: string): SNSClient {
  return new SNSClient({ region, maxAttempts: SNS_MAX_ATTEMPTS, retryMode: 'standard' });
}

/**
 * `json` (the default) sends the per-protocol bodies with `MessageStructure: 'json'`; `string` sends
 * the text alone, without MessageStructure. The attributes go with both: SNS documents that it
 * delivers them only for a string structure, so the bodies carry the same values (docs/handlers.md).
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

/** The publisher to the topic the settings name, on a client of its own region. */
export function topicPublisher(
  settings: Pick<NotificationSettings, 'snsRegion' | 'snsTopicArn' | 'messageStructure'>,
): Publisher {
  return snsPublisher(createSnsClient(settings.snsRegion), settings.snsTopicArn, settings.messageStructure);
}

/** Publishes; a failure is logged and rethrown, so the asynchronous invoke retries or records it. */
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
