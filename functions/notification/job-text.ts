import { oneLine } from './bounded-text';
import type { BatchAttempt, BatchContainerState, BatchJobDetail, BatchJobStateChange } from './event-schema';
import {
  arnResourceName,
  containersOf,
  formatDuration,
  formatTime,
  lastStateContainers,
  logGroupOf,
} from './job-facts';
import { batchJobUrl, logStreamUrl } from './links';

/* The text that e-mail and SMS readers see. Pure. */

/** Every event value goes through here, so none can inject a line (Batch caps reasons at 255). */
export function field(value: string | null | undefined, fallback = '(none)'): string {
  return oneLine(value ?? '', 1024) || fallback;
}

function containerLines(event: BatchJobStateChange, state: BatchContainerState): string[] {
  const name = state.name ? `Container ${field(state.name)}` : 'Container';
  const exit = typeof state.exitCode === 'number' ? `exit code ${state.exitCode}` : 'no exit code';
  const reason = state.reason ? `, reason: ${field(state.reason)}` : '';
  return [`${name}: ${exit}${reason}`, `  Logs: ${logsOf(event, state)}`];
}

function logsOf(event: BatchJobStateChange, state: BatchContainerState): string {
  const stream = state.logStreamName;
  if (!stream) return 'none (no log stream: the container did not run)';
  const group = logGroupOf(event, state.name);
  return logStreamUrl(event.region, group, stream) ?? `${field(group)} ${field(stream)}`;
}

function attemptLines(event: BatchJobStateChange, attempt: BatchAttempt, index: number): string[] {
  const lines = [`Attempt ${index + 1}:`];
  if (attempt.statusReason) lines.push(`  Status reason: ${field(attempt.statusReason)}`);
  lines.push(`  Started: ${formatTime(attempt.startedAt)}, stopped: ${formatTime(attempt.stoppedAt)}`);
  for (const container of containersOf(attempt)) {
    lines.push(...containerLines(event, container).map((line) => `  ${line}`));
  }
  return lines;
}

/** The summary: job facts, one block per attempt, then the Batch console link. */
export function describeJob(event: BatchJobStateChange, headline: string): string {
  const { detail } = event;
  const attempts = detail.attempts ?? [];
  const duration = formatDuration(detail.startedAt, detail.stoppedAt);
  const states =
    attempts.length > 0
      ? attempts.flatMap((attempt, index) => attemptLines(event, attempt, index))
      : lastStateContainers(event).flatMap((container) => containerLines(event, container));
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
    ...(states.length > 0 ? ['', ...states] : []),
    '',
    `Batch console:   ${batchJobUrl(event.region, detail.jobId) ?? '(no link: unrecognised region)'}`,
  ];
  return lines.join('\n');
}

/*
 * By default only the parent is notified, so it says what its children did as far as its event
 * tells: an array parent counts them per status; a multi-node parent has its main node's result.
 */

/** Statuses shown first, in this order; any other status with children follows by name. */
const STATUS_ORDER = ['SUCCEEDED', 'FAILED', 'RUNNING', 'STARTING', 'RUNNABLE', 'PENDING', 'SUBMITTED'];
const label = (name: string): string => `${name}:`.padEnd(17);

function nodeLines(detail: BatchJobDetail): string[] {
  const { nodeDetails, nodeProperties } = detail;
  const lines: string[] = [];
  if (nodeDetails) {
    const main = nodeDetails.isMainNode ? ' (main node)' : '';
    lines.push(`${label('Node')}index ${nodeDetails.nodeIndex ?? '?'} of a multi-node parallel job${main}`);
  }
  if (nodeProperties) {
    lines.push(
      `${label('Nodes')}${nodeProperties.numNodes ?? '?'}, main node ${nodeProperties.mainNode ?? '?'}`,
    );
  }
  // The parent (no nodeDetails) of a failed job: which nodes failed is not in its event.
  if (nodeProperties && !nodeDetails && detail.status === 'FAILED') {
    const last = typeof nodeProperties.numNodes === 'number' ? nodeProperties.numNodes - 1 : undefined;
    const jobId = field(detail.jobId);
    const ids = last !== undefined && last >= 0 ? `: ${jobId}#0 to #${last}` : '';
    lines.push(
      `${label('Failed nodes')}not listed in the event (the job has its main node's result); see the nodes${ids}`,
    );
  }
  return lines;
}

/** `8 SUCCEEDED, 2 FAILED`: the statuses that have children, in a fixed order. */
export function formatStatusSummary(summary: Readonly<Record<string, number>>): string | undefined {
  const names = Object.keys(summary).filter((name) => (summary[name] ?? 0) !== 0);
  const rank = (name: string): number => {
    const index = STATUS_ORDER.indexOf(name);
    return index >= 0 ? index : STATUS_ORDER.length;
  };
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const parts = names.map((name) => `${summary[name]} ${oneLine(name, 64) || '(blank)'}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function arrayLines(detail: BatchJobDetail): string[] {
  const { arrayProperties } = detail;
  if (!arrayProperties) return [];
  const lines: string[] = [];
  const { size, index, statusSummary } = arrayProperties;
  if (typeof size === 'number') lines.push(`${label('Array job')}size ${size}`);
  if (typeof index === 'number') lines.push(`${label('Array index')}${index}`);
  // A child carries `index`; the parent, `size` and the counts of its children.
  if (typeof index === 'number' || typeof size !== 'number') return lines;
  const counted = statusSummary ? Object.values(statusSummary).reduce((sum, n) => sum + n, 0) : 0;
  const counts = statusSummary ? formatStatusSummary(statusSummary) : undefined;
  const uncounted = counts && counted < size ? ` (${size - counted} of ${size} not counted)` : '';
  lines.push(`${label('Children')}${counts ? counts + uncounted : '(no status counts in the event)'}`);
  const failed = statusSummary?.FAILED ?? 0;
  if (failed > 0 || detail.status === 'FAILED') {
    lines.push(
      `${label('Failed children')}indexes not listed in the event; ` +
        `see the children with status FAILED in the Batch console`,
    );
  }
  return lines;
}

export function jobShapeLines(detail: BatchJobDetail): string[] {
  return [...nodeLines(detail), ...arrayLines(detail)];
}
