import type { BatchJobDetail } from './schema';
import { toSingleLine, truncateChars } from './text';

/*
 * The summary lines of array and multi-node parallel jobs. Pure. By default only the submitted job
 * (the parent) is notified, so its notification carries what its children did, as far as the event
 * tells: an array parent counts its children per status (`arrayProperties.statusSummary`) but
 * names none of them, and a multi-node parent reports its main node's result alone.
 */

/** Statuses shown first, in this order; any other status with children follows by name. */
const STATUS_ORDER = ['SUCCEEDED', 'FAILED', 'RUNNING', 'STARTING', 'RUNNABLE', 'PENDING', 'SUBMITTED'];
/** Batch statuses are short words; anything longer is not Batch's and is cut. */
const MAX_STATUS_LENGTH = 64;

/** Batch job ids are UUIDs; like every event value, one is kept to one line of bounded length. */
const MAX_JOB_ID_LENGTH = 1024;

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
    const jobId = truncateChars(toSingleLine(detail.jobId), MAX_JOB_ID_LENGTH);
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
  const parts = names.map(
    (name) => `${summary[name]} ${truncateChars(toSingleLine(name), MAX_STATUS_LENGTH) || '(blank)'}`,
  );
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

/** The lines for a node or parent of a multi-node parallel job, or a child or parent of an array job. */
export function jobShapeLines(detail: BatchJobDetail): string[] {
  return [...nodeLines(detail), ...arrayLines(detail)];
}
