import { type ChatCard, chatCode } from './chat-card';
import { jobShapeLines } from './job-shape';
import { batchJobUrl, logStreamUrl } from './links';
import type { AttributeName } from './protocols';
import type { BatchContainerState, BatchJobStateChange } from './schema';
import { arnResourceName, containersOf, formatDuration, lastStateContainers, logGroupOf } from './summary';
import { toSingleLine, truncateChars } from './text';

/*
 * What a job state notification says to programs (the document's `job` and `links`) and to people in
 * chat (the card). Pure. Every string from the event is on one line and bounded, as in the text;
 * the exact values are in the document's `event`.
 */

/**
 * Batch caps reasons at 255 characters, names at 128, and its ARNs are shorter than this; the
 * bound keeps both documents small enough to leave the text most of the 256 KiB.
 */
const MAX_VALUE_LENGTH = 256;
/** Child statuses counted in the document; Batch has seven. */
const MAX_STATUS_COUNTS = 10;
/** A console link longer than this names a log stream no real job has; it is left out, not cut. */
const MAX_URL_LENGTH = 2048;
/** The document lists the containers and log links of the last attempt, at most this many. */
const MAX_CONTAINERS = 5;
/** The card links the Batch console and at most this many log streams. */
const MAX_CARD_LOG_LINKS = 3;

const value = (text: string | null | undefined): string | null => {
  const kept = truncateChars(toSingleLine(text ?? ''), MAX_VALUE_LENGTH);
  return kept === '' ? null : kept;
};

/** ISO 8601 UTC, or null for a time that is absent or not valid epoch milliseconds. */
function isoTime(epochMillis: number | null | undefined): string | null {
  if (typeof epochMillis !== 'number') return null;
  const date = new Date(epochMillis);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function durationSeconds(start?: number | null, stop?: number | null): number | null {
  if (typeof start !== 'number' || typeof stop !== 'number') return null;
  const seconds = (stop - start) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

function logUrl(event: BatchJobStateChange, container: BatchContainerState): string | null {
  if (!container.logStreamName) return null;
  const url = logStreamUrl(event.region, logGroupOf(event, container.name), container.logStreamName);
  return url !== undefined && url.length <= MAX_URL_LENGTH ? url : null;
}

/** The containers that hold the job's last state: those of its last attempt, else the job's own. */
function lastContainers(event: BatchJobStateChange): BatchContainerState[] {
  const attempts = event.detail.attempts ?? [];
  const last = attempts[attempts.length - 1];
  return (last ? containersOf(last) : lastStateContainers(event)).slice(0, MAX_CONTAINERS);
}

function statusCounts(
  summary: Readonly<Record<string, number>> | null | undefined,
): Record<string, number> | null {
  if (!summary) return null;
  const entries = Object.entries(summary)
    .slice(0, MAX_STATUS_COUNTS)
    .map(([status, count]) => [truncateChars(toSingleLine(status), 64), count] as const)
    .filter(([status, count]) => status !== '' && Number.isFinite(count));
  return Object.fromEntries(entries);
}

function jobFields(event: BatchJobStateChange): Record<string, unknown> {
  const { detail } = event;
  const attempts = detail.attempts ?? [];
  const last = attempts[attempts.length - 1];
  const { arrayProperties: array, nodeDetails: node, nodeProperties: nodes } = detail;
  return {
    name: value(detail.jobName),
    id: value(detail.jobId),
    arn: value(detail.jobArn),
    queue: value(arnResourceName(detail.jobQueue)),
    queueArn: value(detail.jobQueue),
    definition: detail.jobDefinition ? value(arnResourceName(detail.jobDefinition)) : null,
    definitionArn: value(detail.jobDefinition),
    status: value(detail.status),
    statusReason: value(detail.statusReason),
    createdAt: isoTime(detail.createdAt),
    startedAt: isoTime(detail.startedAt),
    stoppedAt: isoTime(detail.stoppedAt),
    durationSeconds: durationSeconds(detail.startedAt, detail.stoppedAt),
    attempts: attempts.length,
    lastAttempt: last
      ? {
          statusReason: value(last.statusReason),
          startedAt: isoTime(last.startedAt),
          stoppedAt: isoTime(last.stoppedAt),
        }
      : null,
    containers: lastContainers(event).map((container) => ({
      name: value(container.name),
      exitCode: typeof container.exitCode === 'number' ? container.exitCode : null,
      reason: value(container.reason),
    })),
    array: array
      ? {
          size: array.size ?? null,
          index: array.index ?? null,
          statusSummary: statusCounts(array.statusSummary),
        }
      : null,
    node:
      node || nodes
        ? {
            index: node?.nodeIndex ?? null,
            isMainNode: node?.isMainNode ?? null,
            numNodes: nodes?.numNodes ?? null,
            mainNode: nodes?.mainNode ?? null,
          }
        : null,
  };
}

function linkFields(event: BatchJobStateChange): Record<string, unknown> {
  const console = batchJobUrl(event.region, event.detail.jobId);
  return {
    batchConsole: console !== undefined && console.length <= MAX_URL_LENGTH ? console : null,
    logs: lastContainers(event)
      .map((container) => ({ container: value(container.name), url: logUrl(event, container) }))
      .filter((link) => link.url !== null),
  };
}

export interface JobContentOptions {
  readonly appName: string;
  readonly stage: string;
  readonly outcome: 'succeeded' | 'failed';
}

/** The document's kind-specific fields of a job state notification. */
export function jobStateFields(
  event: BatchJobStateChange,
  options: JobContentOptions,
): Record<string, unknown> {
  return {
    app: value(options.appName),
    stage: value(options.stage),
    status: value(event.detail.status),
    outcome: options.outcome,
    job: jobFields(event),
    links: linkFields(event),
  };
}

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
    // The array and node lines are the text's, with values already on one bounded line.
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
  options: JobContentOptions,
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
