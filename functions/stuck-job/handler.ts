import type { BatchClient } from '@aws-sdk/client-batch';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Context } from 'aws-lambda';
import { UnexpectedStatusError } from '../notification/errors';
import { parseBatchJobStateChange } from '../notification/event-schema';
import { emfRecorder, type RecordJobMetric } from '../notification/job-metrics';
import { logValue, parseOrLog } from '../notification/logger';
import type { Publisher } from '../notification/sns-publisher';
import { type CheckLogger, type CheckResult, runCheck } from './check';
import { checkFor, isStuckCheck, parseStuckCheck, type ScheduleResult, scheduleCheck } from './schedule';
import type { StuckSettings } from './settings';

export interface StuckJobHandlerProps {
  readonly settings: StuckSettings;
  readonly logger: CheckLogger;
  readonly scheduler: SchedulerClient;
  readonly batch: BatchClient;
  readonly publish: Publisher;
  readonly now?: () => Date;
  /** Counts a stuck job. @default - EMF on stdout, see emfRecorder */
  readonly recordMetric?: RecordJobMetric;
}

export type StuckJobResult = ScheduleResult | CheckResult;
export type StuckJobHandler = (input: unknown, context?: Context) => Promise<StuckJobResult>;

const REJECTED = 'Rejected an input that is neither a RUNNABLE event nor a stuck-job check';

/**
 * A RUNNABLE event schedules one check of the job; the check, when due, notifies if the job still
 * waits. Every failure is logged and rethrown, so the input reaches the dead-letter queue.
 */
export function createStuckJobHandler(props: StuckJobHandlerProps): StuckJobHandler {
  const { settings, logger } = props;
  const now = props.now ?? (() => new Date());
  const clients = { ...props, recordMetric: props.recordMetric ?? emfRecorder() };
  return async (input, context) => {
    logger.resetKeys();
    if (context) logger.addContext(context);
    if (isStuckCheck(input)) {
      const check = parseOrLog(() => parseStuckCheck(input), logger, REJECTED);
      logger.appendKeys({
        jobId: logValue(check.jobId),
        attempt: check.attempt,
        eventId: logValue(check.eventId),
      });
      return runCheck(clients, settings, check, now());
    }
    const event = parseOrLog(() => parseBatchJobStateChange(input), logger, REJECTED);
    const { jobId, status } = event.detail;
    logger.appendKeys({ jobId: logValue(jobId), status: logValue(status), eventId: logValue(event.id) });
    if (status !== 'RUNNABLE') {
      const error = new UnexpectedStatusError(logValue(jobId), logValue(status), 'RUNNABLE');
      logger.error('Rejected a job state change this handler does not watch', { error });
      throw error;
    }
    return scheduleCheck(props.scheduler, settings, checkFor(event), now(), logger);
  };
}
