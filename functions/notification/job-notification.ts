import { oneLine } from './bounded-text';
import { composeNotification } from './compose-notification';
import type { BatchJobStateChange } from './event-schema';
import { jobStateCard } from './job-card';
import { jobStateFields } from './job-document';
import { arnResourceName } from './job-facts';
import { describeJob } from './job-text';
import { withDashboardLink } from './links';
import {
  type AttributeName,
  attributeValue,
  type JobNotificationOptions,
  type Notification,
  subjectLine,
} from './notification';

export function buildSubject(options: JobNotificationOptions, jobName: string): string {
  return subjectLine(options.appName, options.stage, `Job ${options.outcome}: ${jobName}`);
}

/** For subscription filter policies. */
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

/** `received` is the event as it arrived: the parsed copy reorders keys. */
export function buildNotification(
  event: BatchJobStateChange,
  options: JobNotificationOptions,
  received: unknown = event,
): Notification {
  const subject = buildSubject(options, event.detail.jobName);
  const attributes = buildAttributes(event, options.stage);
  const content = {
    subject,
    attributes,
    summary: describeJob(event, oneLine(`Job ${options.outcome}: ${event.detail.jobName}`, 1024)),
    chat: jobStateCard(event, subject, attributes, options),
    fields: jobStateFields(event, options),
    event: received,
  };
  return composeNotification(
    { kind: 'job-state', ...withDashboardLink(content, event.region, options.dashboardName) },
    options.structure,
  );
}
