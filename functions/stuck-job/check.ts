import {
  type BatchClient,
  DescribeComputeEnvironmentsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  type JobDetail,
} from '@aws-sdk/client-batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { composeNotification } from '../notification/compose-notification';
import type { RecordJobMetric } from '../notification/job-metrics';
import { withDashboardLink } from '../notification/links';
import type { HandlerLogger } from '../notification/logger';
import { JOB_METRIC } from '../notification/metric-names';
import { type Publisher, publishOrLog } from '../notification/sns-publisher';
import { type StuckFacts, stuckContent, type WaitingPlace } from './alert';
import type { StuckCheck } from './schedule';
import type { StuckSettings } from './settings';

/** Placed on no host yet, or its container not started. */
const WAITING_STATUSES: readonly string[] = ['RUNNABLE', 'STARTING'];

export type CheckVerdict =
  /** DescribeJobs does not know the job (another account or region, or a job long gone). */
  | { readonly verdict: 'unknown' }
  /** The job failed an attempt and waits again: that attempt's own check reports it. */
  | { readonly verdict: 'retried'; readonly status: string }
  /** Running, finished, or back to waiting on a dependency. */
  | { readonly verdict: 'moved-on'; readonly status: string }
  | { readonly verdict: 'stuck'; readonly status: string; readonly waitedMillis: number };

function judge(check: StuckCheck, job: JobDetail | undefined, now: Date): CheckVerdict {
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

export type CheckLogger = HandlerLogger & Pick<Logger, 'warn'>;

/** What a check uses: the handler hands it these of its own. */
export interface CheckClients {
  readonly batch: BatchClient;
  readonly publish: Publisher;
  readonly logger: CheckLogger;
  readonly recordMetric: RecordJobMetric;
}

export type CheckResult =
  | { readonly action: 'notified'; readonly messageId: string }
  | { readonly action: 'not-stuck'; readonly verdict: Exclude<CheckVerdict['verdict'], 'stuck'> };

/** Notifies once if the job still waits on the same attempt; a failed DescribeJobs or Publish is rethrown. */
export async function runCheck(
  clients: CheckClients,
  settings: StuckSettings,
  check: StuckCheck,
  now: Date,
): Promise<CheckResult> {
  const { batch, logger } = clients;
  const { jobs = [] } = await batch.send(new DescribeJobsCommand({ jobs: [check.jobId] }));
  const job = jobs.find((j) => j.jobId === check.jobId);
  const verdict = judge(check, job, now);
  if (verdict.verdict !== 'stuck') {
    const log = verdict.verdict === 'unknown' ? logger.warn.bind(logger) : logger.info.bind(logger);
    log('No stuck-job notification: the job does not wait any more, or is not known', { verdict });
    return { action: 'not-stuck', verdict: verdict.verdict };
  }
  clients.recordMetric(JOB_METRIC.stuck, {
    jobQueue: job?.jobQueue ?? check.jobQueue,
    jobDefinition: job?.jobDefinition,
  });
  const facts: StuckFacts = {
    check,
    status: verdict.status,
    statusReason: job?.statusReason,
    waitedMillis: verdict.waitedMillis,
    assignPublicIp: assignPublicIpOf(job),
    place: await waitingPlace(batch, job?.jobQueue ?? check.jobQueue, logger),
    job,
    region: regionOf(check.jobQueue) ?? settings.snsRegion,
  };
  const content = withDashboardLink(stuckContent(facts, settings), facts.region, settings.dashboardName);
  const notification = composeNotification({ kind: 'job-stuck', ...content }, settings.messageStructure);
  const { messageId } = await publishOrLog(clients.publish, notification, logger);
  logger.info('Published the stuck-job notification', { messageId });
  return { action: 'notified', messageId };
}

/** A failure is reported in the alert, not raised. */
async function waitingPlace(
  batch: BatchClient,
  jobQueue: string,
  logger: CheckLogger,
): Promise<WaitingPlace> {
  try {
    const { jobQueues = [] } = await batch.send(new DescribeJobQueuesCommand({ jobQueues: [jobQueue] }));
    const queue = jobQueues[0];
    const order = [...(queue?.computeEnvironmentOrder ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    const arns = order.flatMap((entry) => (entry.computeEnvironment ? [entry.computeEnvironment] : []));
    const { computeEnvironments = [] } =
      arns.length > 0
        ? await batch.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: arns }))
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
    logger.warn('Could not describe the job queue or its compute environments; the alert says so', { error });
    return {
      computeEnvironments: [],
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}

function assignPublicIpOf(job: JobDetail | undefined): string | undefined {
  return (
    job?.container?.networkConfiguration?.assignPublicIp ??
    job?.ecsProperties?.taskProperties?.[0]?.networkConfiguration?.assignPublicIp
  );
}

function regionOf(arn: string): string | undefined {
  return (arn.startsWith('arn:') ? arn.split(':')[3] : undefined) || undefined;
}
