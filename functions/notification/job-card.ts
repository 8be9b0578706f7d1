import { type ChatCard, chatCode } from './chat-card';
import type { BatchContainerState, BatchJobStateChange } from './event-schema';
import { arnResourceName, formatDuration, isoTime, lastContainers, logUrl } from './job-facts';
import type { JobNotificationOptions } from './notification';
import { jobShapeLines } from './job-text';
import { batchJobUrl } from './links';
import type { AttributeName } from './notification';

const MAX_CARD_LOG_LINKS = 3;

function containerLine(container: BatchContainerState): string {
  const name = container.name ? `Container ${chatCode(container.name, 64)}` : 'Container';
  const exit = typeof container.exitCode === 'number' ? `exit code ${container.exitCode}` : 'no exit code';
  return `${name}: ${exit}${container.reason ? `, ${chatCode(container.reason)}` : ''}`;
}

function description(event: BatchJobStateChange, stage: string): string {
  const { detail } = event;
  const duration = formatDuration(detail.startedAt, detail.stoppedAt);
  const attempts = (detail.attempts ?? []).length;
  const lines = [
    `Status ${chatCode(detail.status, 64)} in stage ${chatCode(stage, 64)}, queue ${chatCode(arnResourceName(detail.jobQueue))}`,
    `Job ${chatCode(detail.jobName)}, id ${chatCode(detail.jobId)}` +
      (detail.jobDefinition ? `, definition ${chatCode(arnResourceName(detail.jobDefinition))}` : ''),
    `Reason: ${chatCode(detail.statusReason ?? '')}`,
    `Attempts: ${attempts}; started ${isoTime(detail.startedAt) ?? 'not reached'}; duration ${duration ?? 'not run'}`,
    ...lastContainers(event).map(containerLine),
    // The text's lines, whose values are already on one bounded line.
    ...jobShapeLines(detail).map((line) =>
      line.replace(/\s+/g, ' ').replace(/</g, '\u2039').replace(/>/g, '\u203A'),
    ),
  ];
  return lines.join('\n');
}

function nextSteps(event: BatchJobStateChange): string[] {
  const console = batchJobUrl(event.region, event.detail.jobId);
  const logs = lastContainers(event)
    .map((container) => [container.name, logUrl(event, container)] as const)
    .filter((entry): entry is readonly [string | null | undefined, string] => entry[1] !== null)
    .slice(0, MAX_CARD_LOG_LINKS)
    .map(([name, url]) => `Logs${name ? ` of ${chatCode(name, 64)}` : ''}: ${url}`);
  return [...(console ? [`Batch console: ${console}`] : []), ...logs];
}

/** The chat card of a job state notification: facts in the description, links as next steps. */
export function jobStateCard(
  event: BatchJobStateChange,
  subject: string,
  attributes: Readonly<Record<AttributeName, string>>,
  options: JobNotificationOptions,
): ChatCard {
  const { detail } = event;
  return {
    title: subject,
    description: description(event, options.stage),
    nextSteps: nextSteps(event),
    keywords: [attributes.status, attributes.stage, attributes.jobQueue],
    threadId: `${options.appName}-${options.stage}-job-${detail.jobId}`,
    summary: subject,
    eventType: 'Batch Job State Change',
    relatedResources: [detail.jobArn, detail.jobQueue, detail.jobDefinition].filter(
      (arn): arn is string => typeof arn === 'string' && arn.startsWith('arn:'),
    ),
    additionalContext: { ...attributes },
  };
}
