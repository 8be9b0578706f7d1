import { createHash } from 'node:crypto';
import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import * as z from 'zod';
import { oneLine } from '../notification/bounded-text';
import { InvalidEventError } from '../notification/errors';
import { type BatchJobStateChange, issueLines } from '../notification/event-schema';
import type { HandlerLogger } from '../notification/logger';
import type { StuckSettings } from './settings';

/* One one-time schedule per RUNNABLE job and attempt; it invokes this function with a check. */

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
  /** The event's time, ISO 8601. */
  runnableAt: z.iso.datetime(),
  eventId: z.string(),
});

export type StuckCheck = z.infer<typeof StuckCheckSchema>;

export function isStuckCheck(input: unknown): boolean {
  return (input as { kind?: unknown } | null | undefined)?.kind === STUCK_CHECK_KIND;
}

export function parseStuckCheck(input: unknown): StuckCheck {
  const result = StuckCheckSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidEventError(undefined, [
    `not a stuck-job check: ${issueLines(result.error, '(check)').join('; ')}`,
  ]);
}

export function checkFor(event: BatchJobStateChange): StuckCheck {
  const { detail } = event;
  return {
    kind: STUCK_CHECK_KIND,
    version: 1,
    jobId: detail.jobId,
    jobName: oneLine(detail.jobName, 128),
    jobQueue: detail.jobQueue,
    attempt: (detail.attempts?.length ?? 0) + 1,
    runnableAt: new Date(event.time).toISOString(),
    eventId: event.id,
  };
}

/** EventBridge Scheduler's limits. */
export const SCHEDULE_NAME_MAX_LENGTH = 64;
const SCHEDULE_DESCRIPTION_MAX_LENGTH = 512;
const SCHEDULE_NAME_CHARACTER = /[^0-9A-Za-z_.-]/g;

/**
 * One name per job and attempt, so a repeated RUNNABLE event (EventBridge delivers at least once)
 * creates no second schedule; an id longer than a UUID and index is hashed.
 */
export function scheduleName(check: Pick<StuckCheck, 'jobId' | 'attempt'>): string {
  const readable = `${check.jobId.replace(SCHEDULE_NAME_CHARACTER, '_')}-a${check.attempt}`;
  if (readable.length <= SCHEDULE_NAME_MAX_LENGTH) return readable;
  const digest = createHash('sha256').update(`${check.jobId}\n${check.attempt}`).digest('hex');
  return `job-${digest.slice(0, 40)}-a${check.attempt}`;
}

/** A minute from now at the soonest, so that a late event still gets a check. */
export function dueAt(check: Pick<StuckCheck, 'runnableAt'>, stuckAfterMinutes: number, now: Date): Date {
  const due = Date.parse(check.runnableAt) + stuckAfterMinutes * 60_000;
  return new Date(Math.max(due, now.getTime() + 60_000));
}

/** In the schedule's time zone (UTC), rounded up to the second so the check is never early. */
export function atExpression(due: Date): string {
  const seconds = new Date(Math.ceil(due.getTime() / 1000) * 1000);
  return `at(${seconds.toISOString().slice(0, 19)})`;
}

export function scheduleDescription(check: StuckCheck, stuckAfterMinutes: number): string {
  const text =
    `Checks whether Batch job ${check.jobName} (${check.jobId}), attempt ${check.attempt}, RUNNABLE since ` +
    `${check.runnableAt}, still waits after ${stuckAfterMinutes} min; deletes itself when done`;
  return oneLine(text, SCHEDULE_DESCRIPTION_MAX_LENGTH);
}

/** Gives the Lambda service a moment, then the dead-letter queue takes over. */
const SCHEDULE_RETRY = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 };

export type ScheduleResult =
  | { readonly action: 'scheduled'; readonly scheduleName: string; readonly dueAt: string }
  | { readonly action: 'already-scheduled'; readonly scheduleName: string };

/** A schedule of that name means a repeated event, and is kept. */
export async function scheduleCheck(
  scheduler: SchedulerClient,
  settings: StuckSettings,
  check: StuckCheck,
  now: Date,
  logger: HandlerLogger,
): Promise<ScheduleResult> {
  const name = scheduleName(check);
  const due = dueAt(check, settings.stuckAfterMinutes, now);
  try {
    await scheduler.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: settings.scheduleGroup,
        Description: scheduleDescription(check, settings.stuckAfterMinutes),
        ScheduleExpression: atExpression(due),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Target: {
          Arn: settings.checkFunctionArn,
          RoleArn: settings.schedulerRoleArn,
          Input: JSON.stringify(check),
          RetryPolicy: SCHEDULE_RETRY,
          DeadLetterConfig: { Arn: settings.deadLetterQueueArn },
        },
      }),
    );
  } catch (error) {
    if (error instanceof ConflictException) {
      logger.info('The stuck-job check of this job and attempt is already scheduled', { scheduleName: name });
      return { action: 'already-scheduled', scheduleName: name };
    }
    logger.error('Could not schedule the stuck-job check', { error, scheduleName: name });
    throw error;
  }
  logger.info('Scheduled the stuck-job check', { scheduleName: name, dueAt: due.toISOString() });
  return { action: 'scheduled', scheduleName: name, dueAt: due.toISOString() };
}
