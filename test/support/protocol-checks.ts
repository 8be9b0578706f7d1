import * as z from 'zod';
import { toWellFormed } from '../../functions/notification/bounded-text';
import { CHAT_LIMITS } from '../../functions/notification/chat-card';
import {
  DOCUMENT_SCHEMA,
  DOCUMENT_VERSION,
  type MessageStructure,
  type Notification,
  publishBytes,
  SNS_MAX_PUBLISH_BYTES,
} from '../../functions/notification/notification';

/*
 * What each subscriber expects of its body, checked the way it would read it: the chat card against
 * the custom-notification schema of Amazon Q Developer in chat applications (with our bounds), the
 * document as JSON with its documented fields, and the whole Publish within 256 KiB.
 */

const line = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}\p{Zl}\p{Zp}]*$/u);

export const ChatCardSchema = z.strictObject({
  version: z.literal('1.0'),
  source: z.literal('custom'),
  id: line(CHAT_LIMITS.metadataChars).optional(),
  content: z.strictObject({
    textType: z.literal('client-markdown'),
    title: line(CHAT_LIMITS.titleChars).min(1),
    description: z.string().min(1).max(CHAT_LIMITS.descriptionChars),
    nextSteps: z.array(line(CHAT_LIMITS.nextStepChars).min(1)).min(1).max(CHAT_LIMITS.nextSteps).optional(),
    keywords: z.array(line(CHAT_LIMITS.keywordChars).min(1)).min(1).max(CHAT_LIMITS.keywords).optional(),
  }),
  metadata: z
    .strictObject({
      threadId: line(CHAT_LIMITS.metadataChars).optional(),
      summary: line(CHAT_LIMITS.metadataChars).optional(),
      eventType: line(CHAT_LIMITS.metadataChars).optional(),
      relatedResources: z.array(line(CHAT_LIMITS.resourceChars)).max(CHAT_LIMITS.relatedResources).optional(),
      additionalContext: z
        .record(line(CHAT_LIMITS.contextKeyChars), line(CHAT_LIMITS.contextValueChars))
        .refine((entries) => Object.keys(entries).length <= CHAT_LIMITS.contextEntries)
        .optional(),
    })
    .optional(),
});

const nullableString = z.string().nullable();
const isoOrNull = z.iso.datetime().nullable();

export const JobStateDocumentSchema = z.strictObject({
  schema: z.literal(DOCUMENT_SCHEMA),
  version: z.literal(DOCUMENT_VERSION),
  kind: z.literal('job-state'),
  subject: z.string(),
  app: nullableString,
  stage: nullableString,
  status: nullableString,
  outcome: z.enum(['succeeded', 'failed']),
  job: z.strictObject({
    name: nullableString,
    id: nullableString,
    arn: nullableString,
    queue: nullableString,
    queueArn: nullableString,
    definition: nullableString,
    definitionArn: nullableString,
    status: nullableString,
    statusReason: nullableString,
    createdAt: isoOrNull,
    startedAt: isoOrNull,
    stoppedAt: isoOrNull,
    durationSeconds: z.number().nonnegative().nullable(),
    attempts: z.number().int().nonnegative(),
    lastAttempt: z
      .strictObject({ statusReason: nullableString, startedAt: isoOrNull, stoppedAt: isoOrNull })
      .nullable(),
    containers: z
      .array(
        z.strictObject({ name: nullableString, exitCode: z.number().nullable(), reason: nullableString }),
      )
      .max(10),
    array: z
      .strictObject({
        size: z.number().nullable(),
        index: z.number().nullable(),
        statusSummary: z.record(z.string(), z.number()).nullable(),
      })
      .nullable(),
    node: z
      .strictObject({
        index: z.number().nullable(),
        isMainNode: z.boolean().nullable(),
        numNodes: z.number().nullable(),
        mainNode: z.number().nullable(),
      })
      .nullable(),
  }),
  links: z.strictObject({
    batchConsole: z.url().nullable(),
    logs: z.array(z.strictObject({ container: nullableString, url: z.url() })),
  }),
  attributes: z.strictObject({
    stage: z.string(),
    status: z.string(),
    jobName: z.string(),
    jobQueue: z.string(),
    eventId: z.string(),
  }),
  event: z.unknown().optional(),
  eventOmitted: z
    .strictObject({
      reason: z.enum(['size-limit', 'not-json']),
      bytes: z.number().int().positive().optional(),
      limit: z.literal(SNS_MAX_PUBLISH_BYTES).optional(),
    })
    .optional(),
});

export type JobStateDocument = z.infer<typeof JobStateDocumentSchema>;

/** Parses and validates the `sqs` body; it and `lambda` are the same document. */
export function jobStateDocument(notification: Notification): JobStateDocument {
  expect(notification.messages.lambda).toBe(notification.messages.sqs);
  const document = JobStateDocumentSchema.parse(JSON.parse(notification.messages.sqs));
  expect('event' in document !== 'eventOmitted' in document).toBe(true);
  expect(document.attributes).toEqual(notification.attributes);
  return document;
}

export function chatCard(notification: Notification): z.infer<typeof ChatCardSchema> {
  return ChatCardSchema.parse(JSON.parse(notification.messages.https));
}

/** Everything SNS and each subscriber expect of a published notification. */
export function expectAcceptableToSns(
  notification: Notification,
  structure: MessageStructure = 'json',
): void {
  const { subject, messages, attributes } = notification;
  expect(subject.length).toBeLessThanOrEqual(100);
  expect(subject).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}]/u);
  expect(subject).toMatch(/^[\p{L}\p{N}\p{P}]/u);
  expect(publishBytes(notification, structure)).toBeLessThanOrEqual(SNS_MAX_PUBLISH_BYTES);
  for (const body of Object.values(messages)) expect(toWellFormed(body)).toBe(body);
  for (const value of Object.values(attributes)) expect(value).toMatch(/^[^\p{Cc}\p{Zl}\p{Zp}]+$/u);
  if (structure === 'string') return;
  chatCard(notification);
  jobStateDocument(notification);
  expect(notification.messages.https).not.toContain('"detail"');
}
