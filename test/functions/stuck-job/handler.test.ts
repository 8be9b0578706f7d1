import {
  BatchClient,
  type ComputeEnvironmentDetail,
  DescribeComputeEnvironmentsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  type JobDetail,
  type JobQueueDetail,
} from '@aws-sdk/client-batch';
import { ConflictException, CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import { InvalidEventError, UnexpectedStatusError } from '../../../functions/notification/errors';
import {
  type Notification,
  publishBytes,
  SNS_MAX_PUBLISH_BYTES,
} from '../../../functions/notification/notification';
import type { Publisher } from '../../../functions/notification/sns-publisher';
import { createStuckJobHandler } from '../../../functions/stuck-job/handler';
import { checkFor } from '../../../functions/stuck-job/schedule';
import { readStuckSettings } from '../../../functions/stuck-job/settings';
import { loadEvent, loadRunnableSample, withDetail } from '../../support/fixtures';
import { spyLogger, TEST_ENV } from '../../support/handler-env';
import { chatCard } from '../../support/protocol-checks';

const SETTINGS = readStuckSettings({
  ...TEST_ENV,
  STAGE: 'dev',
  STUCK_AFTER_MINUTES: '30',
  JOBS_ASSIGN_PUBLIC_IP: 'ENABLED',
  DASHBOARD_NAME: 'jobs-dev',
});
const JOB_ID = '4c7599ae-0a82-49aa-ba5a-4727fcce14a8';
const QUEUE_ARN = 'arn:aws:batch:us-east-1:123456789012:job-queue/PexjEHappyPathCanary2JobQueue';
const CE_ARN = 'arn:aws:batch:us-east-1:123456789012:compute-environment/jobs-dev-ce';
/** 30 minutes after the sample became RUNNABLE (2022-01-11T23:36:40Z): when its check is due. */
const DUE = new Date('2022-01-12T00:06:40Z');
/** The check the sample's schedule hands the function, as JSON gives it back. */
const CHECK = JSON.parse(JSON.stringify(checkFor(parseBatchJobStateChange(loadRunnableSample())))) as unknown;

const schedulerMock = mockClient(SchedulerClient);
const batchMock = mockClient(BatchClient);

function setup(now = new Date('2022-01-11T23:36:45Z'), publisher?: Publisher) {
  const published: Notification[] = [];
  const log = spyLogger();
  const recordMetric = jest.fn();
  const handler = createStuckJobHandler({
    settings: SETTINGS,
    logger: log,
    scheduler: new SchedulerClient({ region: 'us-east-1' }),
    batch: new BatchClient({ region: 'us-east-1' }),
    publish:
      publisher ?? ((notification) => Promise.resolve({ messageId: `m-${published.push(notification)}` })),
    now: () => now,
    recordMetric,
  });
  return { handler, published, log, recordMetric };
}

/** Scheduler as far as the handler uses it: a name is taken once; the schedules wait to be run. */
function fakeScheduler(): Map<string, CreateScheduleCommand['input']> {
  const schedules = new Map<string, CreateScheduleCommand['input']>();
  schedulerMock.on(CreateScheduleCommand).callsFake((input: CreateScheduleCommand['input']) => {
    const message = `Schedule ${input.Name} already exists.`;
    if (schedules.has(input.Name!)) throw new ConflictException({ Message: message, message, $metadata: {} });
    schedules.set(input.Name!, input);
    return {
      ScheduleArn: `arn:aws:scheduler:us-east-1:123456789012:schedule/${input.GroupName}/${input.Name}`,
    };
  });
  return schedules;
}

/** Batch describes the job in `status`, on a queue whose one compute environment is INVALID. */
function jobNow(status: string, extra: Record<string, unknown> = {}) {
  const job = {
    jobId: JOB_ID,
    jobName: 'event-test',
    jobQueue: QUEUE_ARN,
    jobDefinition: 'jd',
    startedAt: undefined,
    status,
  };
  batchMock.on(DescribeJobsCommand).resolves({ jobs: [{ ...job, attempts: [], ...extra } as JobDetail] });
  const queue = { jobQueueName: 'jobs-dev-Batch', state: 'ENABLED', status: 'VALID' } as const;
  const computeEnvironmentOrder = [{ order: 1, computeEnvironment: CE_ARN }];
  batchMock
    .on(DescribeJobQueuesCommand)
    .resolves({ jobQueues: [{ ...queue, computeEnvironmentOrder } as JobQueueDetail] });
  const ce = {
    computeEnvironmentName: 'jobs-dev-ce',
    state: 'ENABLED',
    status: 'INVALID',
    statusReason: 'CLIENT_ERROR - The security group sg-1 does not exist',
    computeResources: { type: 'FARGATE', maxvCpus: 32 },
  };
  batchMock
    .on(DescribeComputeEnvironmentsCommand)
    .resolves({ computeEnvironments: [ce as ComputeEnvironmentDetail] });
}

beforeEach(() => {
  schedulerMock.reset();
  batchMock.reset();
});
afterAll(() => {
  schedulerMock.restore();
  batchMock.restore();
});

describe('a RUNNABLE event', () => {
  test('creates one one-time schedule, due 30 minutes after the job became RUNNABLE, that deletes itself', async () => {
    const schedules = fakeScheduler();
    await expect(setup().handler(loadRunnableSample())).resolves.toEqual({
      action: 'scheduled',
      scheduleName: `${JOB_ID}-a1`,
      dueAt: DUE.toISOString(),
    });
    expect(schedulerMock).toHaveReceivedCommandTimes(CreateScheduleCommand, 1);
    const schedule = schedules.get(`${JOB_ID}-a1`)!;
    expect(schedule).toMatchObject({
      GroupName: SETTINGS.scheduleGroup,
      ScheduleExpression: 'at(2022-01-12T00:06:40)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: SETTINGS.checkFunctionArn,
        RoleArn: SETTINGS.schedulerRoleArn,
        DeadLetterConfig: { Arn: SETTINGS.deadLetterQueueArn },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600 },
      },
    });
    expect(JSON.parse(schedule.Target!.Input!)).toMatchObject({
      kind: 'batch-job-stuck-check',
      jobId: JOB_ID,
      attempt: 1,
    });
  });

  test('any other Scheduler error is rethrown, so the event goes to the dead-letter queue', async () => {
    schedulerMock.on(CreateScheduleCommand).rejects(new Error('AccessDeniedException'));
    const { handler, log } = setup();
    await expect(handler(loadRunnableSample())).rejects.toThrow('AccessDeniedException');
    expect(log.error).toHaveBeenCalledWith('Could not schedule the stuck-job check', expect.anything());
  });

  test('another status is a wiring fault, rejected', async () => {
    await expect(setup().handler(loadEvent('succeededContainer'))).rejects.toBeInstanceOf(
      UnexpectedStatusError,
    );
  });

  test.each([
    [null],
    [{}],
    [{ kind: 'batch-job-stuck-check' }],
    [withDetail(loadRunnableSample(), { jobId: '' })],
  ])('neither an event nor a check (%j) is rejected, and logged', async (input) => {
    const { handler, log } = setup();
    await expect(handler(input)).rejects.toBeInstanceOf(InvalidEventError);
    expect(log.error).toHaveBeenCalled();
    expect(schedulerMock).toHaveReceivedCommandTimes(CreateScheduleCommand, 0);
  });
});

describe('the check, when due', () => {
  test('still stuck: one "Job stuck" notification with the job, the queue, the wait and the compute environment', async () => {
    jobNow('RUNNABLE', { statusReason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - too many vCPUs' });
    const { handler, published, recordMetric } = setup(DUE);
    await expect(handler(CHECK)).resolves.toEqual({ action: 'notified', messageId: 'm-1' });
    expect(published).toHaveLength(1);
    expect(recordMetric.mock.calls).toEqual([['JobsStuck', { jobQueue: QUEUE_ARN, jobDefinition: 'jd' }]]);
    const notification = published[0]!;
    expect(notification.attributes).toEqual({
      stage: 'dev',
      status: 'RUNNABLE',
      jobName: 'event-test',
      jobQueue: 'PexjEHappyPathCanary2JobQueue',
      eventId: 'c8f9c4b5-76e5-d76a-f980-7011e206042b',
    });
    const text = notification.messages.default;
    expect(text).toContain('Waited:          30m 0s (the stage alerts after 30 min)');
    expect(text).toContain(
      'Compute environment: jobs-dev-ce (FARGATE): ENABLED, INVALID, reason: CLIENT_ERROR',
    );
    expect(text).toContain('- [likely] The job queue or a compute environment is DISABLED or INVALID.');
    expect(text).toContain('- [likely] The job asks for more than the compute environment can give.');
    expect(text).toContain(
      'Stage dashboard: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=jobs-dev',
    );
    expect(batchMock).toHaveReceivedCommandWith(DescribeJobsCommand, { jobs: [JOB_ID] });
    // Each protocol's body is what its subscriber expects: a chat card, and a job-stuck document.
    expect(publishBytes(notification)).toBeLessThanOrEqual(SNS_MAX_PUBLISH_BYTES);
    expect(chatCard(notification).content.title).toBe('[jobs][dev] Job stuck: event-test');
    expect(notification.messages.lambda).toBe(notification.messages.sqs);
    expect(JSON.parse(notification.messages.sqs)).toMatchObject({
      schema: 'batch-job-platform/notification',
      version: 1,
      kind: 'job-stuck',
      attributes: notification.attributes,
      job: { id: JOB_ID, status: 'RUNNABLE', attempt: 1, waitedSeconds: 1800 },
      causes: expect.arrayContaining([expect.objectContaining({ likely: true })]),
      event: {
        check: expect.objectContaining({ jobId: JOB_ID }),
        job: expect.objectContaining({ jobId: JOB_ID }),
      },
    });
  });

  test('exactly one notification per stuck job: a repeated event (EventBridge delivers at least once) finds the schedule', async () => {
    const schedules = fakeScheduler();
    const watch = setup();
    await watch.handler(loadRunnableSample());
    await expect(watch.handler(loadRunnableSample())).resolves.toEqual({
      action: 'already-scheduled',
      scheduleName: `${JOB_ID}-a1`,
    });
    expect(schedules.size).toBe(1);
    jobNow('RUNNABLE');
    const check = setup(DUE);
    // Scheduler runs each schedule once, then deletes it.
    for (const schedule of schedules.values()) await check.handler(JSON.parse(schedule.Target!.Input!));
    expect(check.published).toHaveLength(1);
  });

  test.each([
    ['SUCCEEDED meanwhile', () => jobNow('SUCCEEDED'), 'moved-on'],
    ['RUNNING meanwhile', () => jobNow('RUNNING'), 'moved-on'],
    ['waiting again on the next attempt', () => jobNow('RUNNABLE', { attempts: [{}] }), 'retried'],
    [
      'a job DescribeJobs does not know',
      () => batchMock.on(DescribeJobsCommand).resolves({ jobs: [] }),
      'unknown',
    ],
  ])('%s: no notification', async (_case, given, verdict) => {
    given();
    const { handler, published, log, recordMetric } = setup(DUE);
    await expect(handler(CHECK)).resolves.toEqual({ action: 'not-stuck', verdict });
    expect(published).toHaveLength(0);
    expect(recordMetric).not.toHaveBeenCalled();
    expect((verdict === 'unknown' ? log.warn : log.info).mock.calls).toHaveLength(1);
  });

  test('the queue cannot be described: the alert still goes, and says so', async () => {
    jobNow('STARTING');
    batchMock.on(DescribeJobQueuesCommand).rejects(new Error('not authorized'));
    const { handler, published } = setup(DUE);
    await handler(CHECK);
    const text = published[0]!.messages.default;
    expect(text).toContain('Could not read the queue or its compute environments: Error: not authorized');
    expect(text).toContain('- [likely] The image cannot be pulled.');
  });

  test('DescribeJobs fails: rethrown, so the check goes to the dead-letter queue', async () => {
    batchMock.on(DescribeJobsCommand).rejects(new Error('throttled'));
    const { handler, published } = setup(DUE);
    await expect(handler(CHECK)).rejects.toThrow('throttled');
    expect(published).toHaveLength(0);
  });

  test('SNS fails: rethrown and logged', async () => {
    jobNow('RUNNABLE');
    const { handler, log } = setup(DUE, () => Promise.reject(new Error('KMS.AccessDenied')));
    await expect(handler(CHECK)).rejects.toThrow('KMS.AccessDenied');
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('SNS Publish failed'), expect.anything());
  });
});
