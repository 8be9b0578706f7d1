import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { EVENT_JSON_HEADER } from '../../functions/shared/message';

/*
 * Test-only, for the JobBase integration scenario: the notification waiting in a probe's inbox, in
 * the shape the assertions check. integ-tests' own SQS ReceiveMessage call would hand the whole
 * message to CloudFormation, which accepts at most 4 KB from a custom resource, and a notification
 * with its event JSON is larger. So the reader returns the SNS envelope without its signature
 * fields, and the message cut before the event JSON: the summary, which names the job id, the
 * status and the exit codes.
 */

/** Bounds a message that has no event JSON to cut off (one that is not a job notification). */
export const MESSAGE_MAX_CHARS = 2000;

const SnsNotification = z.object({
  Type: z.string(),
  TopicArn: z.string(),
  Subject: z.string().optional(),
  Message: z.string(),
  MessageAttributes: z.record(z.string(), z.object({ Type: z.string(), Value: z.string() })).optional(),
});

/** The SNS envelope as the assertions see it: only the fields above, the message shortened. */
export type InboxNotification = z.infer<typeof SnsNotification>;

export type InboxReader = () => Promise<InboxNotification[]>;

/** An SQS message body (an SNS envelope, raw delivery off) as the assertions see it. */
export function toInboxNotification(body: string, messageId = '(unknown)'): InboxNotification {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error(`message ${messageId} is not JSON; the inbox must be subscribed with raw delivery off`);
  }
  const parsed = SnsNotification.safeParse(json);
  if (!parsed.success) {
    throw new Error(`message ${messageId} is not an SNS notification: ${parsed.error.issues[0]?.message}`);
  }
  const { Message } = parsed.data;
  const cut = Message.indexOf(EVENT_JSON_HEADER);
  return { ...parsed.data, Message: (cut < 0 ? Message : Message.slice(0, cut)).slice(0, MESSAGE_MAX_CHARS) };
}

/**
 * Reads one message without hiding it (it stays for the next look, and for whoever debugs a failed
 * run); one, so that the answer stays within the 4 KB. The inbox URL comes from the environment.
 */
export function inboxReader(client: SQSClient, inboxUrl: string | undefined): InboxReader {
  if (!inboxUrl)
    throw new Error("INBOX_URL is missing; set it to the URL of the inbox in the function's environment");
  return async () => {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: inboxUrl,
        MaxNumberOfMessages: 1,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 5,
      }),
    );
    return Messages.map((message) => toInboxNotification(message.Body ?? '', message.MessageId));
  };
}
