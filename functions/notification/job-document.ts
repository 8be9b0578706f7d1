import { oneLine } from './bounded-text';
import type { BatchJobStateChange } from './event-schema';
import { arnResourceName, isoTime, lastContainers, logUrl, MAX_URL_LENGTH } from './job-facts';
import type { JobNotificationOptions } from './notification';
import { batchJobUrl } from './links';

/* The `job` and `links` of the `sqs` / `lambda` document; the exact values are in its `event`. */

/** Above Batch's caps (reasons 255, names 128), small enough to leave the text most of the 256 KiB. */
const value = (text: string | null | undefined): string | null => oneLine(text ?? '', 256) || null;

/** Child statuses counted in the document; Batch has seven. */
const MAX_STATUS_COUNTS = 10;

function durationSeconds(start?: number | null, stop?: number | null): number | null {
  if (typeof start !== 'number' || typeof stop !== 'number') return null;
  const seconds = (stop - start) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

function statusCounts(
  summary: Readonly<Record<string, number>> | null | undefined,
): Record<string, number> | null {
  if (!summary) return null;
  const entries = Object.entries(summary)
    .slice(0, MAX_STATUS_COUNTS)
    .map(([status, count]) => [oneLine(status, 64), count] as const)
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

export function jobStateFields(
  event: BatchJobStateChange,
  options: JobNotificationOptions,
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
