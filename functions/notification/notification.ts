import { oneLine, utf8Bytes } from './bounded-text';
import type { ChatCard } from './chat-card';
import type { MessageStructure } from './settings';

/*
 * What one SNS Publish carries, and how many of SNS's 256 KiB it takes: with MessageStructure `json`,
 * the text for `default` (email, SMS, HTTP), a chat card for `https`, a document for `sqs`, `lambda`.
 */

export type { MessageStructure } from './settings';
export type AttributeName = 'stage' | 'status' | 'jobName' | 'jobQueue' | 'eventId';

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
  readonly kind: 'job-state' | 'job-stuck';
  /** Already bounded by `subjectLine`. */
  readonly subject: string;
  readonly attributes: Notification['attributes'];
  /** The text before the event JSON. */
  readonly summary: string;
  readonly chat: ChatCard;
  /** The document's own fields (e.g. `job`, `links`); JSON-serialisable and small. */
  readonly fields: Record<string, unknown>;
  readonly event: unknown;
  /** @default EVENT_JSON_HEADER */
  readonly eventHeader?: string;
}

/** SNS counts the message and every attribute's name, type and value against 256 KiB. */
export const SNS_MAX_PUBLISH_BYTES = 262_144;
export const EVENT_JSON_HEADER = '----- Event (JSON) -----';
export const DOCUMENT_SCHEMA = 'batch-job-platform/notification';
export const DOCUMENT_VERSION = 1;
/** The SNS Publish reference: subjects are "less than 100 characters long". */
export const SUBJECT_MAX_LENGTH = 99;
/** Filter policies match whole values; real ones (names, ids, stage) are far shorter than this. */
export const ATTRIBUTE_MAX_LENGTH = 256;
/** On one line under 100 characters, starting with the `[` SNS wants (cleaning never removes it). */
export function subjectLine(appName: string, stage: string, what: string): string {
  return oneLine(`[${appName}][${stage}] ${what}`, SUBJECT_MAX_LENGTH);
}

export function attributeValue(value: string): string {
  // SNS rejects an empty value.
  return oneLine(value, ATTRIBUTE_MAX_LENGTH) || 'unknown';
}

/** Name, data type `String` and value of each, in bytes. */
export function attributesBytes(attributes: Notification['attributes']): number {
  return Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + utf8Bytes(name) + utf8Bytes('String') + utf8Bytes(value),
    0,
  );
}

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

/** What a job-state notification is built for: its stage, outcome and layout. */
export type JobOutcome = 'succeeded' | 'failed';

export interface JobNotificationOptions {
  readonly appName: string;
  readonly stage: string;
  readonly outcome: JobOutcome;
  /** @default 'json' */
  readonly structure?: MessageStructure;
  /** @default - no link to the stage's dashboard */
  readonly dashboardName?: string;
}
