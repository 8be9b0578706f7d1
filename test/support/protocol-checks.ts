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

/* What each subscriber expects of its body, checked the way it reads it; the Publish within 256 KiB. */

const line = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}\p{Zl}\p{Zp}]*$/u);

const each = <K extends string, T extends z.ZodType>(type: T, ...names: K[]) =>
  Object.fromEntries(names.map((name) => [name, type])) as Record<K, T>;

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
      ...each(line(CHAT_LIMITS.metadataChars).optional(), 'threadId', 'summary', 'eventType'),
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
  ...each(nullableString, 'app', 'stage', 'status'),
  outcome: z.enum(['succeeded', 'failed']),
  job: z.strictObject({
    ...each(nullableString, 'name', 'id', 'arn', 'queue', 'queueArn', 'definition', 'definitionArn'),
    ...each(nullableString, 'status', 'statusReason'),
    ...each(isoOrNull, 'createdAt', 'startedAt', 'stoppedAt'),
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
        ...each(z.number().nullable(), 'size', 'index'),
        statusSummary: z.record(z.string(), z.number()).nullable(),
      })
      .nullable(),
    node: z
      .strictObject({
        ...each(z.number().nullable(), 'index', 'numNodes', 'mainNode'),
        isMainNode: z.boolean().nullable(),
      })
      .nullable(),
  }),
  links: z.strictObject({
    batchConsole: z.url().nullable(),
    logs: z.array(z.strictObject({ container: nullableString, url: z.url() })),
  }),
  attributes: z.strictObject(each(z.string(), 'stage', 'status', 'jobName', 'jobQueue', 'eventId')),
  event: z.unknown().optional(),
  eventOmitted: z
    .strictObject({
      reason: z.enum(['size-limit', 'not-json']),
      bytes: z.number().int().positive().optional(),
      limit: z.literal(SNS_MAX_PUBLISH_BYTES).optional(),
    })
    .optional(),
});

/** Parses and validates the `sqs` body; it and `lambda` are the same document. */
export function jobStateDocument(notification: Notification): z.infer<typeof JobStateDocumentSchema> {
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
