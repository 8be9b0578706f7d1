import { oneLine, utf8Bytes } from './bounded-text';
import type { ChatCard } from './chat-card';
import type { MessageStructure } from './settings';

/*
 * What one SNS Publish carries, and how many of SNS's 256 KiB it takes. With MessageStructure `json`
 * each protocol gets its body: the text for `default` (email, SMS, HTTP, Firehose), a chat card for
 * `https`, one versioned JSON document for `sqs` and `lambda`.
 */

export type { MessageStructure } from './settings';
export type AttributeName = 'stage' | 'status' | 'jobName' | 'jobQueue' | 'eventId';
export type NotificationKind = 'job-state' | 'job-stuck';

/** Attribute values are non-empty single-line strings. */
export interface Notification {
  readonly subject: string;
  readonly attributes: Readonly<Record<AttributeName, string>>;
  readonly messages: {
    readonly default: string;
    readonly https: string;
    readonly sqs: string;
    readonly lambda: string;
  };
}

/** Everything one notification says, before it is laid out per protocol. */
export interface NotificationContent {
  readonly kind: NotificationKind;
  /** Already bounded by `subjectLine`. */
  readonly subject: string;
  readonly attributes: Notification['attributes'];
  /** The text summary (before the JSON appendix). */
  readonly summary: string;
  readonly chat: ChatCard;
  /** The document's kind-specific fields (e.g. `job`, `links`); JSON-serialisable and small. */
  readonly fields: Record<string, unknown>;
  /** Appended as JSON to the text, embedded as `event` in the document. */
  readonly event: unknown;
  /** @default EVENT_JSON_HEADER */
  readonly eventHeader?: string;
}

/** SNS counts the message and every attribute's name, type and value against 256 KiB. */
export const SNS_MAX_PUBLISH_BYTES = 262_144;
export const EVENT_JSON_HEADER = '----- Event (JSON) -----';
/** The `schema` and `version` of the `sqs` / `lambda` document. */
export const DOCUMENT_SCHEMA = 'batch-job-platform/notification';
export const DOCUMENT_VERSION = 1;
/** The SNS Publish reference: subjects are "less than 100 characters long". */
export const SUBJECT_MAX_LENGTH = 99;
/** Filter policies match whole values; real ones (names, ids, stage) are far shorter than this. */
export const ATTRIBUTE_MAX_LENGTH = 256;
/** Placeholder for an empty attribute value, which SNS would reject. */
export const EMPTY_ATTRIBUTE_VALUE = 'unknown';

/**
 * `[app][stage] Job failed: name` on one line that SNS accepts: no control characters or line
 * breaks, under 100 characters, and starting with a punctuation mark (the `[` of the template,
 * which cleaning never removes).
 */
export function subjectLine(appName: string, stage: string, what: string): string {
  return oneLine(`[${appName}][${stage}] ${what}`, SUBJECT_MAX_LENGTH);
}

export function attributeValue(value: string): string {
  return oneLine(value, ATTRIBUTE_MAX_LENGTH) || EMPTY_ATTRIBUTE_VALUE;
}

/** The bytes the attributes take from the 256 KiB budget: name, data type `String` and value. */
export function attributesBytes(attributes: Notification['attributes']): number {
  return Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + utf8Bytes(name) + utf8Bytes('String') + utf8Bytes(value),
    0,
  );
}

/** The `Message` parameter of the Publish request, as the publisher sends it. */
export function publishedMessage(notification: Notification, structure: MessageStructure = 'json'): string {
  return structure === 'json' ? JSON.stringify(notification.messages) : notification.messages.default;
}

/** Message, attributes and subject in UTF-8 bytes: what must stay within SNS_MAX_PUBLISH_BYTES. */
export function publishBytes(notification: Notification, structure: MessageStructure = 'json'): number {
  return (
    utf8Bytes(publishedMessage(notification, structure)) +
    attributesBytes(notification.attributes) +
    utf8Bytes(notification.subject)
  );
}
