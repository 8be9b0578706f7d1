import {
  type BatchClient,
  DescribeComputeEnvironmentsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  type JobDetail,
} from '@aws-sdk/client-batch';
import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { UnexpectedStatusError } from './errors';
import { parseOrLog } from './handler';
import type { HandlerLogger } from './logger';
import { composeNotification } from './message';
import { type StuckConfig } from './stuck-config';
import { type StuckFacts, stuckContent, type WaitingPlace } from './stuck-message';
import {
  atExpression,
  checkFor,
  type CheckVerdict,
  dueAt,
  isStuckCheck,
  judge,
  parseStuckCheck,
  scheduleDescription,
  scheduleName,
  type StuckCheck,
} from './stuck-watch';
import { parseBatchJobStateChange } from './schema';
import type { Publisher } from './sns';
import { toSingleLine, truncateChars } from './text';

export type StuckLogger = HandlerLogger & Pick<Logger, 'warn'>;

export interface StuckJobHandlerProps {
  readonly config: StuckConfig;
  readonly logger: StuckLogger;
  readonly scheduler: SchedulerClient;
  readonly batch: BatchClient;
  readonly publish: Publisher;
  /** The clock; tests pass a fixed one. */
  readonly now?: () => Date;
}

export type StuckJobResult =
  | { readonly action: 'scheduled'; readonly scheduleName: string; readonly dueAt: string }
  | { readonly action: 'already-scheduled'; readonly scheduleName: string }
  | { readonly action: 'notified'; readonly messageId: string }
  | { readonly action: 'not-stuck'; readonly verdict: Exclude<CheckVerdict['verdict'], 'stuck'> };

export type StuckJobHandler = (input: unknown, context?: Context) => Promise<StuckJobResult>;

/** A retry within this window gives the Lambda service a moment, then the dead-letter queue takes over. */
const SCHEDULE_RETRY = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 };

const REJECTED = 'Rejected an input that is neither a RUNNABLE event nor a stuck-job check';

const logValue = (value: string): string => truncateChars(toSingleLine(value), 256);

/**
 * One function, two inputs: a RUNNABLE "Batch Job State Change" event schedules one check of that
 * job; the check, when due, notifies if the job still waits. Every failure is logged and rethrown,
 * so the asynchronous invoke sends the input to the dead-letter queue; nothing is swallowed.
 */
export function createStuckJobHandler(props: StuckJobHandlerProps): StuckJobHandler {
  const { config, logger } = props;
  const now = props.now ?? (() => new Date());

  async function schedule(check: StuckCheck): Promise<StuckJobResult> {
    const name = scheduleName(check);
    const due = dueAt(check, config.stuckAfterMinutes, now());
    try {
      await props.scheduler.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: config.scheduleGroup,
          Description: scheduleDescription(check, config.stuckAfterMinutes),
          ScheduleExpression: atExpression(due),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          State: 'ENABLED',
          Target: {
            Arn: config.checkFunctionArn,
            RoleArn: config.schedulerRoleArn,
            Input: JSON.stringify(check),
            RetryPolicy: SCHEDULE_RETRY,
            DeadLetterConfig: { Arn: config.deadLetterQueueArn },
          },
        }),
      );
    } catch (error) {
      // The name is the job's and the attempt's: the check is already scheduled (a repeated event).
      if (error instanceof ConflictException) {
        logger.info('The stuck-job check of this job and attempt is already scheduled', {
          scheduleName: name,
        });
        return { action: 'already-scheduled', scheduleName: name };
      }
      logger.error('Could not schedule the stuck-job check', { error, scheduleName: name });
      throw error;
    }
    logger.info('Scheduled the stuck-job check', { scheduleName: name, dueAt: due.toISOString() });
    return { action: 'scheduled', scheduleName: name, dueAt: due.toISOString() };
  }

  /** The queue and its compute environments now; a failure is reported in the alert, not raised. */
  async function waitingPlace(jobQueue: string): Promise<WaitingPlace> {
    try {
      const { jobQueues = [] } = await props.batch.send(
        new DescribeJobQueuesCommand({ jobQueues: [jobQueue] }),
      );
      const queue = jobQueues[0];
      const order = [...(queue?.computeEnvironmentOrder ?? [])].sort(
        (a, b) => (a.order ?? 0) - (b.order ?? 0),
      );
      const arns = order.flatMap((entry) => (entry.computeEnvironment ? [entry.computeEnvironment] : []));
      const { computeEnvironments = [] } =
        arns.length > 0
          ? await props.batch.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: arns }))
          : {};
      return {
        queue: queue && {
          name: queue.jobQueueName ?? jobQueue,
          state: queue.state,
          status: queue.status,
          statusReason: queue.statusReason,
        },
        computeEnvironments: computeEnvironments.map((ce) => ({
          name: ce.computeEnvironmentName ?? ce.computeEnvironmentArn ?? '?',
          state: ce.state,
          status: ce.status,
          statusReason: ce.statusReason,
          maxvCpus: ce.computeResources?.maxvCpus,
          type: ce.computeResources?.type ?? ce.type,
        })),
      };
    } catch (error) {
      logger.warn('Could not describe the job queue or its compute environments; the alert says so', {
        error,
      });
      return {
        computeEnvironments: [],
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    }
  }

  async function checkJob(check: StuckCheck): Promise<StuckJobResult> {
    const { jobs = [] } = await props.batch.send(new DescribeJobsCommand({ jobs: [check.jobId] }));
    const job = jobs.find((j) => j.jobId === check.jobId);
    const at = now();
    const verdict = judge(check, job, at);
    if (verdict.verdict !== 'stuck') {
      const log = verdict.verdict === 'unknown' ? logger.warn.bind(logger) : logger.info.bind(logger);
      log('No stuck-job notification: the job does not wait any more, or is not known', { verdict });
      return { action: 'not-stuck', verdict: verdict.verdict };
    }
    const facts: StuckFacts = {
      check,
      status: verdict.status,
      statusReason: job?.statusReason,
      waitedMillis: verdict.waitedMillis,
      assignPublicIp: assignPublicIpOf(job),
      place: await waitingPlace(job?.jobQueue ?? check.jobQueue),
      job,
      region: regionOf(check.jobQueue) ?? config.snsRegion,
    };
    const notification = composeNotification(
      { kind: 'job-stuck', ...stuckContent(facts, config) },
      { structure: config.messageStructure },
    );
    try {
      const result = await props.publish(notification);
      logger.info('Published the stuck-job notification', { messageId: result.messageId });
      return { action: 'notified', messageId: result.messageId };
    } catch (error) {
      logger.error('SNS Publish failed (after the SDK retries, if the error was retryable)', { error });
      throw error;
    }
  }

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
      return checkJob(check);
    }
    const event = parseOrLog(() => parseBatchJobStateChange(input), logger, REJECTED);
    const { jobId, status } = event.detail;
    logger.appendKeys({ jobId: logValue(jobId), status: logValue(status), eventId: logValue(event.id) });
    if (status !== 'RUNNABLE') {
      const error = new UnexpectedStatusError(logValue(jobId), logValue(status), 'RUNNABLE');
      logger.error('Rejected a job state change this handler does not watch', { error });
      throw error;
    }
    return schedule(checkFor(event));
  };
}

/** Fargate jobs name it in their network configuration (container or ECS properties). */
function assignPublicIpOf(job: JobDetail | undefined): string | undefined {
  return (
    job?.container?.networkConfiguration?.assignPublicIp ??
    job?.ecsProperties?.taskProperties?.[0]?.networkConfiguration?.assignPublicIp
  );
}

/** `arn:<partition>:batch:<region>:...` -> the region. */
function regionOf(arn: string): string | undefined {
  const region = arn.startsWith('arn:') ? arn.split(':')[3] : undefined;
  return region && region !== '' ? region : undefined;
}
