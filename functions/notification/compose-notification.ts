import { chatCardDocument } from './chat-card';
import { truncateUtf8, utf8Bytes } from './bounded-text';
import {
  attributesBytes,
  DOCUMENT_SCHEMA,
  DOCUMENT_VERSION,
  EVENT_JSON_HEADER,
  type MessageStructure,
  type Notification,
  type NotificationContent,
  SNS_MAX_PUBLISH_BYTES,
} from './notification';

/** Keeps the summary from crowding out the event JSON, whatever the attempt count. */
const SUMMARY_MAX_BYTES = 64 * 1024;
/** Room for the truncation notice, whose numbers are not known until the cut is made. */
const NOTICE_RESERVE_BYTES = 256;
/** See `fitEscaped`: a raw cut, a scaled one, a sure one, a guard. */
const MAX_TEXT_PASSES = 4;

function eventJson(event: unknown): string {
  try {
    return JSON.stringify(event, null, 2) ?? '(no event)';
  } catch (error) {
    return `(the event cannot be written as JSON: ${(error as Error).message})`;
  }
}

/** Summary, then the event as indented JSON, cut (saying so) to fit a budget of at least 1 KiB. */
export function composeMessage(
  summary: string,
  event: unknown,
  budgetBytes: number,
  header = EVENT_JSON_HEADER,
): string {
  const summaryCap = Math.min(SUMMARY_MAX_BYTES, budgetBytes - utf8Bytes(header) - 2 * NOTICE_RESERVE_BYTES);
  const boundedSummary =
    utf8Bytes(summary) <= summaryCap
      ? summary
      : `${truncateUtf8(summary, summaryCap - NOTICE_RESERVE_BYTES)}\n[Summary truncated.]`;
  const head = `${boundedSummary}\n\n${header}\n`;
  const json = eventJson(event);
  if (utf8Bytes(head) + utf8Bytes(json) <= budgetBytes) return head + json;
  const shown = truncateUtf8(json, budgetBytes - utf8Bytes(head) - NOTICE_RESERVE_BYTES);
  return (
    `${head}${shown}\n\n[Event JSON truncated: ${utf8Bytes(shown)} of ${utf8Bytes(json)} bytes shown, ` +
    `to keep the notification within the SNS 256 KB limit.]`
  );
}

function escapedBytes(text: string): number {
  return utf8Bytes(JSON.stringify(text)) - 2;
}

/**
 * The text whose JSON-escaped form fits `budgetBytes`: cut on raw bytes, then on raw bytes scaled by
 * the escaping ratio observed; should that overshoot by N, N raw bytes fewer always fits (each raw
 * byte removed removes at least one escaped byte; the notice's reserve covers its own escapes).
 */
function fitEscaped(content: NotificationContent, budgetBytes: number): string {
  const compose = (raw: number): string =>
    composeMessage(content.summary, content.event, raw, content.eventHeader);
  let text = compose(budgetBytes);
  for (let pass = 2; pass <= MAX_TEXT_PASSES; pass += 1) {
    const escaped = escapedBytes(text);
    const over = escaped - budgetBytes;
    if (over <= 0) break;
    const raw = utf8Bytes(text);
    text = compose(pass === 2 ? Math.floor((raw * budgetBytes) / escaped) : raw - over);
  }
  return text;
}

function document(content: NotificationContent, event: Record<string, unknown>): string {
  return JSON.stringify({
    schema: DOCUMENT_SCHEMA,
    version: DOCUMENT_VERSION,
    kind: content.kind,
    subject: content.subject,
    ...content.fields,
    attributes: content.attributes,
    ...event,
  });
}

function eventBytes(event: unknown): number | undefined {
  try {
    const json = JSON.stringify(event);
    return json === undefined ? undefined : utf8Bytes(json);
  } catch {
    return undefined;
  }
}

/**
 * One body per protocol, the whole Publish (escaped Message, attributes, subject) within 256 KiB: if
 * all fits whole it is sent whole; otherwise the documents drop `event` (saying so in
 * `eventOmitted`, never cutting JSON) and the text's event JSON is cut to what is left.
 */
export function composeNotification(
  content: NotificationContent,
  structure: MessageStructure = 'json',
): Notification {
  const { subject, attributes } = content;
  const fixedBytes = attributesBytes(attributes) + utf8Bytes(subject);
  if (structure === 'string') {
    const text = composeMessage(
      content.summary,
      content.event,
      SNS_MAX_PUBLISH_BYTES - fixedBytes,
      content.eventHeader,
    );
    return { subject, attributes, messages: { default: text, https: text, sqs: text, lambda: text } };
  }
  const https = JSON.stringify(chatCardDocument(content.chat, attributes.eventId));
  const layout = (text: string, doc: string): Notification['messages'] => ({
    default: text,
    https,
    sqs: doc,
    lambda: doc,
  });
  const room = (doc: string): number =>
    SNS_MAX_PUBLISH_BYTES - fixedBytes - utf8Bytes(JSON.stringify(layout('', doc)));
  try {
    const whole = document(content, { event: content.event });
    const text = composeMessage(content.summary, content.event, Number.MAX_SAFE_INTEGER, content.eventHeader);
    if (escapedBytes(text) <= room(whole)) return { subject, attributes, messages: layout(text, whole) };
  } catch {
    // An event that cannot be written as JSON is omitted below.
  }
  const bytes = eventBytes(content.event);
  const omitted = document(content, {
    eventOmitted:
      bytes === undefined
        ? { reason: 'not-json' }
        : { reason: 'size-limit', bytes, limit: SNS_MAX_PUBLISH_BYTES },
  });
  return { subject, attributes, messages: layout(fitEscaped(content, room(omitted)), omitted) };
}
