import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { DOCUMENT_SCHEMA, EVENT_JSON_HEADER } from '../../functions/notification/notification';

/*
 * Test-only, for the JobBase integration scenario: the notification in a probe's inbox about the job
 * (or alarm) an assertion asks for. The inboxes have no filter policy (SNS sends message attributes
 * only for a string message structure), so the reader picks the message itself. CloudFormation takes
 * at most 4 KB from a custom resource, so the answer drops the envelope's signature fields and the
 * document's `event` and `links` (or the text from the event JSON on).
 */

/** Bounds a message that is neither a document nor a job notification's text (the alarm's JSON). */
export const MESSAGE_MAX_CHARS = 2000;

const InboxRequest = z.union([
  z.strictObject({ jobId: z.string().min(1) }),
  z.strictObject({ alarmName: z.string().min(1) }),
]);
export type InboxRequest = z.infer<typeof InboxRequest>;

const SnsNotification = z.object({
  Type: z.string(),
  TopicArn: z.string(),
  Subject: z.string().optional(),
  Message: z.string(),
});

/** The SNS envelope as the assertions see it. */
export interface InboxNotification {
  readonly Type: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  /** The text (string structure) or the alarm's JSON, shortened; absent when there is a document. */
  readonly Message?: string;
  /** The handlers' `sqs` document without `event` and `links`. */
  readonly Document?: Record<string, unknown>;
}

export type InboxReader = (request: unknown) => Promise<InboxNotification[]>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function documentOf(message: string): Record<string, unknown> | undefined {
  const json = parseJson(message);
  return isRecord(json) && json.schema === DOCUMENT_SCHEMA ? json : undefined;
}

function answers(message: string, request: InboxRequest): boolean {
  if ('alarmName' in request) {
    const json = parseJson(message);
    return isRecord(json) && json.AlarmName === request.alarmName;
  }
  const document = documentOf(message);
  if (document) return isRecord(document.job) && document.job.id === request.jobId;
  const text = message.slice(0, Math.max(0, message.indexOf(EVENT_JSON_HEADER)));
  return text
    .split('\n')
    .some((line) => /^Job id:\s+/.test(line) && line.replace(/^Job id:\s+/, '') === request.jobId);
}

/** An SQS message body (an SNS envelope, raw delivery off) as the assertions see it. */
export function toInboxNotification(body: string, messageId = '(unknown)'): InboxNotification {
  const json = parseJson(body);
  if (json === undefined) {
    throw new Error(`message ${messageId} is not JSON; the inbox must be subscribed with raw delivery off`);
  }
  const parsed = SnsNotification.safeParse(json);
  if (!parsed.success) {
    throw new Error(`message ${messageId} is not an SNS notification: ${parsed.error.issues[0]?.message}`);
  }
  const { Message, ...envelope } = parsed.data;
  const document = documentOf(Message);
  if (document) {
    const { event: _event, eventOmitted: _omitted, links: _links, ...rest } = document;
    return { ...envelope, Document: rest };
  }
  const cut = Message.indexOf(EVENT_JSON_HEADER);
  return { ...envelope, Message: (cut < 0 ? Message : Message.slice(0, cut)).slice(0, MESSAGE_MAX_CHARS) };
}

/** The first notification that answers the request (one keeps the answer within 4 KB); a body that is not an SNS envelope fails. */
export function selectNotifications(
  bodies: readonly { readonly body: string; readonly messageId?: string }[],
  request: InboxRequest,
): InboxNotification[] {
  return bodies
    .filter(({ body }) => {
      const envelope = parseJson(body);
      return (
        !isRecord(envelope) || typeof envelope.Message !== 'string' || answers(envelope.Message, request)
      );
    })
    .slice(0, 1)
    .map(({ body, messageId }) => toInboxNotification(body, messageId));
}

/** Reads up to 10 messages without hiding them: they stay for the next look, and for whoever debugs a failed run. */
export function inboxReader(client: SQSClient, inboxUrl: string | undefined): InboxReader {
  if (!inboxUrl)
    throw new Error("INBOX_URL is missing; set it to the URL of the inbox in the function's environment");
  return async (event) => {
    const request = InboxRequest.safeParse(event);
    if (!request.success)
      throw new Error('invoke the inbox reader with {"jobId": "..."} or {"alarmName": "..."}');
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: inboxUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 5,
      }),
    );
    return selectNotifications(
      Messages.map((message) => ({ body: message.Body ?? '', messageId: message.MessageId })),
      request.data,
    );
  };
}
