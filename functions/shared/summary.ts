import { jobShapeLines } from './job-shape';
import { batchJobUrl, DEFAULT_BATCH_LOG_GROUP, logStreamUrl } from './links';
import type { BatchAttempt, BatchContainerState, BatchJobStateChange } from './schema';
import { toSingleLine, truncateChars } from './text';

/*
 * The human-readable part of the notification. Pure. Every value from the event goes through
 * `field`, so it stays on its own line (no injected lines) and has a bounded length.
 */

/** Batch caps reasons at 255 characters; a longer value is not Batch's and gains nothing by length. */
const MAX_FIELD_LENGTH = 1024;

function field(value: string | null | undefined, fallback = '(none)'): string {
  const line = toSingleLine(value ?? '');
  return line === '' ? fallback : truncateChars(line, MAX_FIELD_LENGTH);
}

/** `arn:...:job-queue/name` -> `name`; anything that is not such an ARN is shown as it is. */
export function arnResourceName(arn: string): string {
  const slash = arn.indexOf('/');
  return arn.startsWith('arn:') && slash >= 0 ? arn.slice(slash + 1) : arn;
}

/** ISO 8601 in UTC, or a readable note for a value that is not a valid epoch-milliseconds time. */
export function formatTime(epochMillis: number | null | undefined): string {
  if (epochMillis === null || epochMillis === undefined) return '(not reached)';
  const date = new Date(epochMillis);
  return Number.isNaN(date.getTime()) ? `(invalid time ${epochMillis})` : date.toISOString();
}

/** `1h 2m 3s`, `2m 5s`, `12.3s`; undefined unless both ends are known and in order. */
export function formatDuration(startMillis?: number | null, stopMillis?: number | null): string | undefined {
  if (typeof startMillis !== 'number' || typeof stopMillis !== 'number') return undefined;
  const millis = stopMillis - startMillis;
  if (!Number.isFinite(millis) || millis < 0) return undefined;
  if (millis < 60_000) return `${(millis / 1000).toFixed(1)}s`;
  const seconds = Math.round(millis / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  return h > 0 ? `${h}h ${m}m ${s}s` : `${m}m ${s}s`;
}

/**
 * The log group of a container: the job definition's awslogs group when its logConfiguration
 * names one (matched by container name for multi-container jobs), else Batch's default.
 */
export function logGroupOf(event: BatchJobStateChange, containerName?: string | null): string {
  const { detail } = event;
  const named = (detail.ecsProperties?.taskProperties ?? [])
    .flatMap((task) => task.containers ?? [])
    .find((container) => containerName && container.name === containerName);
  const configuration = (named ?? detail.container)?.logConfiguration;
  const group = configuration?.logDriver === 'awslogs' ? configuration.options?.['awslogs-group'] : undefined;
  return group && group.trim() !== '' ? group : DEFAULT_BATCH_LOG_GROUP;
}

function containerLines(event: BatchJobStateChange, label: string, state: BatchContainerState): string[] {
  const exit = typeof state.exitCode === 'number' ? `exit code ${state.exitCode}` : 'no exit code';
  const reason = state.reason ? `, reason: ${field(state.reason)}` : '';
  return [`${label}: ${exit}${reason}`, `  Logs: ${logsOf(event, state)}`];
}

/** A console link, or the group and stream names when no link can be built. */
function logsOf(event: BatchJobStateChange, state: BatchContainerState): string {
  const stream = state.logStreamName;
  if (!stream) return 'none (no log stream: the container did not run)';
  const group = logGroupOf(event, state.name);
  return logStreamUrl(event.region, group, stream) ?? `${field(group)} ${field(stream)}`;
}

/** The containers of one attempt: the classic `container`, then those of its tasks. */
export function containersOf(attempt: BatchAttempt): BatchContainerState[] {
  const named = (attempt.taskProperties ?? []).flatMap((task) => task.containers ?? []);
  return attempt.container ? [attempt.container, ...named] : named;
}

function attemptLines(event: BatchJobStateChange, attempt: BatchAttempt, index: number): string[] {
  const lines = [`Attempt ${index + 1}:`];
  if (attempt.statusReason) lines.push(`  Status reason: ${field(attempt.statusReason)}`);
  lines.push(`  Started: ${formatTime(attempt.startedAt)}, stopped: ${formatTime(attempt.stoppedAt)}`);
  for (const container of containersOf(attempt)) {
    const label = container.name ? `Container ${field(container.name)}` : 'Container';
    lines.push(...containerLines(event, label, container).map((line) => `  ${line}`));
  }
  return lines;
}

/** When there are no attempts (e.g. the image never pulled), the job-level containers hold the state. */
export function lastStateContainers(event: BatchJobStateChange): BatchContainerState[] {
  const { detail } = event;
  return [
    ...(detail.container ? [detail.container] : []),
    ...(detail.ecsProperties?.taskProperties ?? []).flatMap((task) => task.containers ?? []),
  ].filter((c) => typeof c.exitCode === 'number' || c.reason || c.logStreamName);
}

function lastStateLines(event: BatchJobStateChange): string[] {
  return lastStateContainers(event).flatMap((container) =>
    containerLines(event, container.name ? `Container ${field(container.name)}` : 'Container', container),
  );
}

function withBlankLineBefore(block: string[]): string[] {
  return block.length > 0 ? ['', ...block] : [];
}

/** The summary: job facts, one block per attempt, then the Batch console link. */
export function describeJob(event: BatchJobStateChange, headline: string): string {
  const { detail } = event;
  const attempts = detail.attempts ?? [];
  const duration = formatDuration(detail.startedAt, detail.stoppedAt);
  const lines = [
    headline,
    '',
    `Job name:        ${field(detail.jobName)}`,
    `Job id:          ${field(detail.jobId)}`,
    `Job queue:       ${field(arnResourceName(detail.jobQueue))}`,
    `Job definition:  ${field(detail.jobDefinition ? arnResourceName(detail.jobDefinition) : undefined)}`,
    `Status:          ${field(detail.status)}`,
    `Status reason:   ${field(detail.statusReason)}`,
    `Created:         ${formatTime(detail.createdAt)}`,
    `Started:         ${formatTime(detail.startedAt)}`,
    `Stopped:         ${formatTime(detail.stoppedAt)}`,
    `Duration:        ${duration ?? '(not run)'}`,
    `Attempts:        ${attempts.length}`,
    ...jobShapeLines(detail),
    ...withBlankLineBefore(
      attempts.length > 0
        ? attempts.flatMap((attempt, index) => attemptLines(event, attempt, index))
        : lastStateLines(event),
    ),
    '',
    `Batch console:   ${batchJobUrl(event.region, detail.jobId) ?? '(no link: unrecognised region)'}`,
  ];
  return lines.join('\n');
}
