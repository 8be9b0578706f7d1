import { jobStateCard, jobStateFields } from './job-content';
import {
  type AttributeName,
  composeNotification,
  type MessageStructure,
  type Notification,
} from './protocols';
import type { BatchJobStateChange } from './schema';
import { arnResourceName, describeJob } from './summary';
import { toSingleLine, truncateChars } from './text';

/*
 * The job state notification: subject, attributes and content, laid out per protocol by
 * `composeNotification` (protocols.ts). Everything a publisher or another notification kind needs is
 * exported from here.
 */
export * from './protocols';

export type JobOutcome = 'succeeded' | 'failed';

export interface MessageOptions {
  readonly appName: string;
  readonly stage: string;
  readonly outcome: JobOutcome;
  /** @default 'json' */
  readonly structure?: MessageStructure;
}

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
export function buildSubject(
  options: Pick<MessageOptions, 'appName' | 'stage' | 'outcome'>,
  jobName: string,
): string {
  const line = toSingleLine(`[${options.appName}][${options.stage}] Job ${options.outcome}: ${jobName}`);
  return truncateChars(line, SUBJECT_MAX_LENGTH);
}

function attributeValue(value: string): string {
  const line = toSingleLine(value);
  return line === '' ? EMPTY_ATTRIBUTE_VALUE : truncateChars(line, ATTRIBUTE_MAX_LENGTH);
}

export function buildAttributes(
  event: BatchJobStateChange,
  stage: string,
): Readonly<Record<AttributeName, string>> {
  return {
    stage: attributeValue(stage),
    status: attributeValue(event.detail.status),
    jobName: attributeValue(event.detail.jobName),
    jobQueue: attributeValue(arnResourceName(event.detail.jobQueue)),
    eventId: attributeValue(event.id),
  };
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
  const headline = `Job ${options.outcome}: ${event.detail.jobName}`;
  return composeNotification(
    {
      kind: 'job-state',
      subject,
      attributes,
      summary: describeJob(event, truncateChars(toSingleLine(headline), 1024)),
      chat: jobStateCard(event, subject, attributes, options),
      fields: jobStateFields(event, options),
      event: received,
    },
    { structure: options.structure },
  );
}
