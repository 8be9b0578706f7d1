import type { BatchAttempt, BatchContainerState, BatchJobStateChange } from './event-schema';
import { DEFAULT_BATCH_LOG_GROUP, logStreamUrl } from './links';

/** A console link longer than this names a log stream no real job has; it is left out, not cut. */
export const MAX_URL_LENGTH = 2048;

/** `arn:...:job-queue/name` -> `name`; anything else as it is. */
export function arnResourceName(arn: string): string {
  const slash = arn.indexOf('/');
  return arn.startsWith('arn:') && slash >= 0 ? arn.slice(slash + 1) : arn;
}

/** ISO 8601 UTC, or null for a time absent or out of range. */
export function isoTime(epochMillis: number | null | undefined): string | null {
  if (typeof epochMillis !== 'number') return null;
  const date = new Date(epochMillis);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function formatTime(epochMillis: number | null | undefined): string {
  if (epochMillis === null || epochMillis === undefined) return '(not reached)';
  return isoTime(epochMillis) ?? `(invalid time ${epochMillis})`;
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

export function logUrl(event: BatchJobStateChange, container: BatchContainerState): string | null {
  if (!container.logStreamName) return null;
  const url = logStreamUrl(event.region, logGroupOf(event, container.name), container.logStreamName);
  return url !== undefined && url.length <= MAX_URL_LENGTH ? url : null;
}

export function containersOf(attempt: BatchAttempt): BatchContainerState[] {
  const named = (attempt.taskProperties ?? []).flatMap((task) => task.containers ?? []);
  return attempt.container ? [attempt.container, ...named] : named;
}

/** When there are no attempts (e.g. the image never pulled), the job-level containers hold the state. */
export function lastStateContainers(event: BatchJobStateChange): BatchContainerState[] {
  const { detail } = event;
  return [
    ...(detail.container ? [detail.container] : []),
    ...(detail.ecsProperties?.taskProperties ?? []).flatMap((task) => task.containers ?? []),
  ].filter((c) => typeof c.exitCode === 'number' || c.reason || c.logStreamName);
}

/** The containers that hold the job's last state (at most five): its last attempt's, else its own. */
export function lastContainers(event: BatchJobStateChange): BatchContainerState[] {
  const attempts = event.detail.attempts ?? [];
  const last = attempts[attempts.length - 1];
  return (last ? containersOf(last) : lastStateContainers(event)).slice(0, 5);
}
