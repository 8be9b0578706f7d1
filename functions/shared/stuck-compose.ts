import { attributesBytes, composeMessage, type Notification, SNS_MAX_PUBLISH_BYTES } from './message';
import type { StuckContent } from './stuck-message';
import { utf8Bytes } from './text';

/** Lays the stuck-job content out as one publish. */
export function composeStuckNotification(content: StuckContent, _config: unknown): Notification {
  const budget = SNS_MAX_PUBLISH_BYTES - attributesBytes(content.attributes) - utf8Bytes(content.subject);
  return {
    subject: content.subject,
    attributes: content.attributes,
    message: composeMessage(content.summary, content.event, budget),
  };
}
