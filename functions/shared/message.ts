import type { BatchJobStateChange } from './schema';
import { arnResourceName, describeJob } from './summary';
import { toSingleLine, truncateChars, truncateUtf8, utf8Bytes } from './text';

/** What one SNS Publish carries. Attribute values are non-empty single-line strings. */
export interface Notification {
  readonly subject: string;
  readonly message: string;
  readonly attributes: Readonly<Record<AttributeName, string>>;
}

export type AttributeName = 'stage' | 'status' | 'jobName' | 'jobQueue' | 'eventId';
export type JobOutcome = 'succeeded' | 'failed';

export interface MessageOptions {
  readonly appName: string;
  readonly stage: string;
  readonly outcome: JobOutcome;
}

/** SNS counts the message and every attribute's name, type and value against 256 KiB. */
export const SNS_MAX_PUBLISH_BYTES = 262_144;
/** The SNS Publish reference: subjects are "less than 100 characters long". */
export const SUBJECT_MAX_LENGTH = 99;
/** Filter policies match whole values; real ones (names, ids, stage) are far shorter than this. */
export const ATTRIBUTE_MAX_LENGTH = 256;
/** Placeholder for an empty attribute value, which SNS would reject. */
export const EMPTY_ATTRIBUTE_VALUE = 'unknown';
export const EVENT_JSON_HEADER = '----- Event (JSON) -----';
/** Keeps the summary from crowding out the event JSON, whatever the attempt count. */
const SUMMARY_MAX_BYTES = 64 * 1024;
/** Room kept for the truncation notice, whose numbers are not known until the cut is made. */
const NOTICE_RESERVE_BYTES = 256;
const ATTRIBUTE_DATA_TYPE = 'String';

/**
 * `[app][stage] Job failed: name` on one line that SNS accepts: no control characters or line
 * breaks, under 100 characters, and starting with a punctuation mark (the `[` of the template,
 * which cleaning never removes).
 */
export function buildSubject(options: MessageOptions, jobName: string): string {
  const line = toSingleLine(`[${options.appName}][${options.stage}] Job ${options.outcome}: ${jobName}`);
  return truncateChars(line, SUBJECT_MAX_LENGTH);
}

function attributeValue(value: string): string {
  const line = toSingleLine(value);
  return line === '' ? EMPTY_ATTRIBUTE_VALUE : truncateChars(line, ATTRIBUTE_MAX_LENGTH);
}

export function buildAttributes(event: BatchJobStateChange, stage: string): Notification['attributes'] {
  return {
    stage: attributeValue(stage),
    status: attributeValue(event.detail.status),
    jobName: attributeValue(event.detail.jobName),
    jobQueue: attributeValue(arnResourceName(event.detail.jobQueue)),
    eventId: attributeValue(event.id),
  };
}

/** The bytes the attributes take from the 256 KiB budget. */
export function attributesBytes(attributes: Notification['attributes']): number {
  return Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + utf8Bytes(name) + utf8Bytes(ATTRIBUTE_DATA_TYPE) + utf8Bytes(value),
    0,
  );
}

/** Indented like the seed's message. Events arrive as JSON, so failing to write one is a caller's bug. */
function eventJson(event: unknown): string {
  try {
    return JSON.stringify(event, null, 2) ?? '(no event)';
  } catch (error) {
    return `(the event cannot be written as JSON: ${(error as Error).message})`;
  }
}

/**
 * Summary, then the whole event as indented JSON. When that exceeds `budgetBytes`, the JSON is cut
 * on a character boundary and the message says so.
 */
export function composeMessage(summary: string, event: unknown, budgetBytes: number): string {
  const boundedSummary =
    utf8Bytes(summary) <= SUMMARY_MAX_BYTES
      ? summary
      : `${truncateUtf8(summary, SUMMARY_MAX_BYTES - NOTICE_RESERVE_BYTES)}\n[Summary truncated.]`;
  const head = `${boundedSummary}\n\n${EVENT_JSON_HEADER}\n`;
  const json = eventJson(event);
  if (utf8Bytes(head) + utf8Bytes(json) <= budgetBytes) return head + json;
  const shown = truncateUtf8(json, budgetBytes - utf8Bytes(head) - NOTICE_RESERVE_BYTES);
  return (
    `${head}${shown}\n\n[Event JSON truncated: ${utf8Bytes(shown)} of ${utf8Bytes(json)} bytes shown, ` +
    `to keep the notification within the SNS 256 KB limit.]`
  );
}

/**
 * The notification for one job state change. Pure: same input, same notification. `received` is
 * the event as it arrived, written out in AWS's own key order (the parsed copy reorders keys).
 */
export function buildNotification(
  event: BatchJobStateChange,
  options: MessageOptions,
  received: unknown = event,
): Notification {
  const subject = buildSubject(options, event.detail.jobName);
  const attributes = buildAttributes(event, options.stage);
  // The subject is not in SNS's documented sum; counting it anyway costs under 400 bytes of JSON.
  const budget = SNS_MAX_PUBLISH_BYTES - attributesBytes(attributes) - utf8Bytes(subject);
  const headline = `Job ${options.outcome}: ${event.detail.jobName}`;
  const message = composeMessage(
    describeJob(event, truncateChars(toSingleLine(headline), 1024)),
    received,
    budget,
  );
  return { subject, message, attributes };
}
