import { createHash } from 'node:crypto';
import * as z from 'zod';
import { InvalidEventError } from './errors';
import type { BatchJobStateChange } from './schema';
import { toSingleLine, truncateChars } from './text';

/*
 * Stuck-job alerts, the pure part. A job that reaches RUNNABLE gets one one-time EventBridge
 * Scheduler schedule, due when the job has waited `stuckAfterMinutes`; the schedule invokes the
 * same function with a check (below), then deletes itself. The check looks the job up once: a job
 * still RUNNABLE or STARTING on the same attempt is stuck, and gets one notification.
 */

/** The statuses of a job that waits to run: placed on no host yet, or its container not started. */
export const WAITING_STATUSES: readonly string[] = ['RUNNABLE', 'STARTING'];

const STUCK_CHECK_KIND = 'batch-job-stuck-check';

/** What a schedule hands the function when it is due. Versioned: schedules outlive deployments. */
export const StuckCheckSchema = z.strictObject({
  kind: z.literal(STUCK_CHECK_KIND),
  version: z.literal(1),
  jobId: z.string().min(1),
  jobName: z.string(),
  jobQueue: z.string(),
  /** 1 for the first attempt; a retry's RUNNABLE event watches its own attempt. */
  attempt: z.number().int().min(1),
  /** When the job became RUNNABLE (the event's time), ISO 8601. */
  runnableAt: z.iso.datetime(),
  eventId: z.string(),
});

export type StuckCheck = z.infer<typeof StuckCheckSchema>;

/** Whether an input is a check (else it must be a Batch Job State Change event). */
export function isStuckCheck(input: unknown): boolean {
  return (
    typeof input === 'object' && input !== null && (input as { kind?: unknown }).kind === STUCK_CHECK_KIND
  );
}

export function parseStuckCheck(input: unknown): StuckCheck {
  const result = StuckCheckSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.map(String).join('.') || '(check)'}: ${issue.message}`);
  throw new InvalidEventError(undefined, [`not a stuck-job check: ${issues.join('; ')}`]);
}

/** The check a RUNNABLE event schedules. */
export function checkFor(event: BatchJobStateChange): StuckCheck {
  const { detail } = event;
  return {
    kind: STUCK_CHECK_KIND,
    version: 1,
    jobId: detail.jobId,
    jobName: truncateChars(toSingleLine(detail.jobName), 128),
    jobQueue: detail.jobQueue,
    attempt: (detail.attempts?.length ?? 0) + 1,
    runnableAt: new Date(event.time).toISOString(),
    eventId: event.id,
  };
}

/** EventBridge Scheduler's limits on a schedule's name and description. */
export const SCHEDULE_NAME_MAX_LENGTH = 64;
const SCHEDULE_DESCRIPTION_MAX_LENGTH = 512;
const SCHEDULE_NAME_CHARACTER = /[^0-9A-Za-z_.-]/g;

/**
 * One name per job and attempt, so a repeated RUNNABLE event (EventBridge delivers at least once)
 * finds the schedule there and creates no second one. Batch job ids are UUIDs, and an array
 * child's `<uuid>:<index>`; anything longer is hashed to stay within the limit.
 */
export function scheduleName(check: Pick<StuckCheck, 'jobId' | 'attempt'>): string {
  const readable = `${check.jobId.replace(SCHEDULE_NAME_CHARACTER, '_')}-a${check.attempt}`;
  if (readable.length <= SCHEDULE_NAME_MAX_LENGTH) return readable;
  const digest = createHash('sha256').update(`${check.jobId}\n${check.attempt}`).digest('hex');
  return `job-${digest.slice(0, 40)}-a${check.attempt}`;
}

/** A schedule is never due sooner than this, so that a late event still gets a check. */
const MIN_LEAD_MILLIS = 60_000;

/**
 * When the check is due: `stuckAfterMinutes` after the job became RUNNABLE, or a minute from now if
 * that has passed (the event came late, after the rule target's retries).
 */
export function dueAt(check: Pick<StuckCheck, 'runnableAt'>, stuckAfterMinutes: number, now: Date): Date {
  const due = Date.parse(check.runnableAt) + stuckAfterMinutes * 60_000;
  return new Date(Math.max(due, now.getTime() + MIN_LEAD_MILLIS));
}

/** `at(yyyy-mm-ddThh:mm:ss)`, the one-time expression, read in the schedule's time zone (UTC). */
export function atExpression(due: Date): string {
  // Rounded up to the second, so the check is never early.
  const seconds = new Date(Math.ceil(due.getTime() / 1000) * 1000);
  return `at(${seconds.toISOString().slice(0, 19)})`;
}

export function scheduleDescription(check: StuckCheck, stuckAfterMinutes: number): string {
  const text =
    `Checks whether Batch job ${check.jobName} (${check.jobId}), attempt ${check.attempt}, RUNNABLE since ` +
    `${check.runnableAt}, still waits after ${stuckAfterMinutes} min; deletes itself when done`;
  return truncateChars(toSingleLine(text), SCHEDULE_DESCRIPTION_MAX_LENGTH);
}

/** The job as DescribeJobs returns it, as far as the check reads it. */
export interface DescribedJob {
  readonly status?: string;
  readonly statusReason?: string;
  readonly attempts?: readonly unknown[];
}

export type CheckVerdict =
  /** DescribeJobs does not know the job (another account or region, or a job long gone). */
  | { readonly verdict: 'unknown' }
  /** The job failed an attempt and waits again: that attempt's own check reports it. */
  | { readonly verdict: 'retried'; readonly status: string }
  /** Running, finished, or back to waiting on a dependency. */
  | { readonly verdict: 'moved-on'; readonly status: string }
  | { readonly verdict: 'stuck'; readonly status: string; readonly waitedMillis: number };

/** What the check decides from the job as it is now. Pure. */
export function judge(check: StuckCheck, job: DescribedJob | undefined, now: Date): CheckVerdict {
  if (!job?.status) return { verdict: 'unknown' };
  const { status } = job;
  if (!WAITING_STATUSES.includes(status)) return { verdict: 'moved-on', status };
  if ((job.attempts?.length ?? 0) + 1 > check.attempt) return { verdict: 'retried', status };
  return {
    verdict: 'stuck',
    status,
    waitedMillis: Math.max(0, now.getTime() - Date.parse(check.runnableAt)),
  };
}
