import {
  BatchClient,
  DescribeComputeEnvironmentsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
} from '@aws-sdk/client-batch';
import { ConflictException, CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { InvalidEventError, UnexpectedStatusError } from '../../../functions/notification/errors';
import {
  type Notification,
  publishBytes,
  SNS_MAX_PUBLISH_BYTES,
} from '../../../functions/notification/notification';
import type { Publisher } from '../../../functions/notification/sns-publisher';
import type { CheckLogger } from '../../../functions/stuck-job/check';
import { createStuckJobHandler } from '../../../functions/stuck-job/handler';
import { readStuckSettings } from '../../../functions/stuck-job/settings';
import { loadEvent, loadRunnableSample, withDetail } from '../../support/fixtures';
import { chatCard } from '../../support/protocol-checks';

const CONFIG = readStuckSettings({
  APP_NAME: 'jobs',
  STAGE: 'dev',
  SNS_ARN: 'arn:aws:sns:us-east-1:123456789012:jobs-dev-notifications',
  STUCK_AFTER_MINUTES: '30',
  SCHEDULE_GROUP: 'jobs-dev-StuckJobChecks',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  CHECK_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:jobs-dev-BatchStuckHandler',
  DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:us-east-1:123456789012:dlq',
  JOBS_ASSIGN_PUBLIC_IP: 'ENABLED',
});
const JOB_ID = '4c7599ae-0a82-49aa-ba5a-4727fcce14a8';
const QUEUE_ARN = 'arn:aws:batch:us-east-1:123456789012:job-queue/PexjEHappyPathCanary2JobQueue';
const CE_ARN = 'arn:aws:batch:us-east-1:123456789012:compute-environment/jobs-dev-ce';
/** 30 minutes after the sample became RUNNABLE (2022-01-11T23:36:40Z): when its check is due. */
const DUE = new Date('2022-01-12T00:06:40Z');

const schedulerMock = mockClient(SchedulerClient);
const batchMock = mockClient(BatchClient);

function setup(now: Date = new Date('2022-01-11T23:36:45Z'), publisher?: Publisher) {
  const published: Notification[] = [];
  const log: jest.Mocked<CheckLogger> = {
    info: jest.fn(),
    warn: jest.fn(),
    error: jest.fn(),
    appendKeys: jest.fn(),
    resetKeys: jest.fn(),
    addContext: jest.fn(),
  };
  const publish: Publisher = (notification) => {
    published.push(notification);
    return Promise.resolve({ messageId: `m-${published.length}` });
  };
  const handler = createStuckJobHandler({
    settings: CONFIG,
    logger: log,
    scheduler: new SchedulerClient({ region: 'us-east-1' }),
    batch: new BatchClient({ region: 'us-east-1' }),
    publish: publisher ?? publish,
    now: () => now,
  });
  return { handler, published, log };
}

/** Scheduler as far as the handler uses it: a name is taken once; the schedules wait to be run. */
function fakeScheduler(): Map<string, CreateScheduleCommand['input']> {
  const schedules = new Map<string, CreateScheduleCommand['input']>();
  schedulerMock.on(CreateScheduleCommand).callsFake((input: CreateScheduleCommand['input']) => {
    if (schedules.has(input.Name!)) {
      throw new ConflictException({
        Message: `Schedule ${input.Name} already exists.`,
        message: `Schedule ${input.Name} already exists.`,
        $metadata: {},
      });
    }
    schedules.set(input.Name!, input);
    return {
      ScheduleArn: `arn:aws:scheduler:us-east-1:123456789012:schedule/${input.GroupName}/${input.Name}`,
    };
  });
  return schedules;
}

function jobNow(status: string, extra: Record<string, unknown> = {}) {
  batchMock.on(DescribeJobsCommand).resolves({
    jobs: [
      {
        jobId: JOB_ID,
        jobName: 'event-test',
        jobQueue: QUEUE_ARN,
        jobDefinition: 'jd',
        status: status as 'RUNNABLE',
        startedAt: undefined,
        attempts: [],
        ...extra,
      },
    ],
  });
  batchMock.on(DescribeJobQueuesCommand).resolves({
    jobQueues: [
      {
        jobQueueName: 'jobs-dev-Batch',
        jobQueueArn: QUEUE_ARN,
        state: 'ENABLED',
        status: 'VALID',
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: CE_ARN }],
      },
    ],
  });
  batchMock.on(DescribeComputeEnvironmentsCommand).resolves({
    computeEnvironments: [
      {
        computeEnvironmentName: 'jobs-dev-ce',
        computeEnvironmentArn: CE_ARN,
        ecsClusterArn: 'c',
        state: 'ENABLED',
        status: 'INVALID',
        statusReason: 'CLIENT_ERROR - The security group sg-1 does not exist',
        computeResources: { type: 'FARGATE', maxvCpus: 32, subnets: [] },
      },
    ],
  });
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
    const { handler } = setup();
    await expect(handler(loadRunnableSample())).resolves.toEqual({
      action: 'scheduled',
      scheduleName: `${JOB_ID}-a1`,
      dueAt: DUE.toISOString(),
    });
    expect(schedulerMock).toHaveReceivedCommandTimes(CreateScheduleCommand, 1);
    const schedule = schedules.get(`${JOB_ID}-a1`)!;
    expect(schedule).toMatchObject({
      GroupName: CONFIG.scheduleGroup,
      ScheduleExpression: 'at(2022-01-12T00:06:40)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: CONFIG.checkFunctionArn,
        RoleArn: CONFIG.schedulerRoleArn,
        DeadLetterConfig: { Arn: CONFIG.deadLetterQueueArn },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600 },
      },
    });
    expect(JSON.parse(schedule.Target!.Input!)).toMatchObject({
      kind: 'batch-job-stuck-check',
      jobId: JOB_ID,
      attempt: 1,
    });
  });

  test('a repeated event (EventBridge delivers at least once) finds the schedule and creates no second one', async () => {
    const schedules = fakeScheduler();
    const { handler } = setup();
    await handler(loadRunnableSample());
    await expect(handler(loadRunnableSample())).resolves.toEqual({
      action: 'already-scheduled',
      scheduleName: `${JOB_ID}-a1`,
    });
    expect(schedules.size).toBe(1);
  });

  test('any other Scheduler error is rethrown, so the event goes to the dead-letter queue', async () => {
    schedulerMock.on(CreateScheduleCommand).rejects(new Error('AccessDeniedException'));
    const { handler, log } = setup();
    await expect(handler(loadRunnableSample())).rejects.toThrow('AccessDeniedException');
    expect(log.error).toHaveBeenCalledWith('Could not schedule the stuck-job check', expect.anything());
  });

  test('another status is a wiring fault, rejected', async () => {
    const { handler } = setup();
    await expect(handler(loadEvent('succeededContainer'))).rejects.toBeInstanceOf(UnexpectedStatusError);
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
  async function scheduledCheck(): Promise<unknown> {
    const schedules = fakeScheduler();
    await setup().handler(loadRunnableSample());
    return JSON.parse([...schedules.values()][0]!.Target!.Input!) as unknown;
  }

  test('still stuck: one "Job stuck" notification with the job, the queue, the wait and the compute environment', async () => {
    const check = await scheduledCheck();
    jobNow('RUNNABLE', { statusReason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - too many vCPUs' });
    const { handler, published } = setup(DUE);
    await expect(handler(check)).resolves.toEqual({ action: 'notified', messageId: 'm-1' });
    expect(published).toHaveLength(1);
    const [notification] = published;
    expect(notification!.subject).toBe('[jobs][dev] Job stuck: event-test');
    expect(notification!.attributes).toEqual({
      stage: 'dev',
      status: 'RUNNABLE',
      jobName: 'event-test',
      jobQueue: 'PexjEHappyPathCanary2JobQueue',
      eventId: 'c8f9c4b5-76e5-d76a-f980-7011e206042b',
    });
    const text = notification!.messages.default;
    expect(text).toContain(`Job id:          ${JOB_ID}`);
    expect(text).toContain('Waited:          30m 0s (the stage alerts after 30 min)');
    expect(text).toContain(
      'Compute environment: jobs-dev-ce (FARGATE): ENABLED, INVALID, reason: CLIENT_ERROR',
    );
    expect(text).toContain('- [likely] The job queue or a compute environment is DISABLED or INVALID.');
    expect(text).toContain('- [likely] The job asks for more than the compute environment can give.');
    expect(batchMock).toHaveReceivedCommandWith(DescribeJobsCommand, { jobs: [JOB_ID] });
    // Each protocol's body is what its subscriber expects: a chat card, and a job-stuck document.
    expect(publishBytes(notification!)).toBeLessThanOrEqual(SNS_MAX_PUBLISH_BYTES);
    expect(chatCard(notification!).content.title).toBe('[jobs][dev] Job stuck: event-test');
    expect(notification!.messages.lambda).toBe(notification!.messages.sqs);
    expect(JSON.parse(notification!.messages.sqs)).toMatchObject({
      schema: 'batch-job-platform/notification',
      version: 1,
      kind: 'job-stuck',
      attributes: notification!.attributes,
      job: { id: JOB_ID, status: 'RUNNABLE', attempt: 1, waitedSeconds: 1800 },
      causes: expect.arrayContaining([expect.objectContaining({ likely: true })]),
      event: {
        check: expect.objectContaining({ jobId: JOB_ID }),
        job: expect.objectContaining({ jobId: JOB_ID }),
      },
    });
  });

  test('exactly one notification per stuck job: the event twice, the check once', async () => {
    const schedules = fakeScheduler();
    const watch = setup();
    await watch.handler(loadRunnableSample());
    await watch.handler(loadRunnableSample());
    jobNow('RUNNABLE');
    const check = setup(DUE);
    // Scheduler runs each schedule once, then deletes it.
    for (const schedule of schedules.values()) await check.handler(JSON.parse(schedule.Target!.Input!));
    expect(check.published).toHaveLength(1);
  });

  test.each(['SUCCEEDED', 'FAILED', 'RUNNING'])('%s meanwhile: no notification', async (status) => {
    const check = await scheduledCheck();
    jobNow(status);
    const { handler, published } = setup(DUE);
    await expect(handler(check)).resolves.toEqual({ action: 'not-stuck', verdict: 'moved-on' });
    expect(published).toHaveLength(0);
  });

  test("waiting again on the next attempt: no notification from the first attempt's check", async () => {
    const check = await scheduledCheck();
    jobNow('RUNNABLE', { attempts: [{ statusReason: 'Essential container in task exited' }] });
    const { handler, published } = setup(DUE);
    await expect(handler(check)).resolves.toEqual({ action: 'not-stuck', verdict: 'retried' });
    expect(published).toHaveLength(0);
  });

  test('a job DescribeJobs does not know: no notification, and a warning', async () => {
    const check = await scheduledCheck();
    batchMock.on(DescribeJobsCommand).resolves({ jobs: [] });
    const { handler, published, log } = setup(DUE);
    await expect(handler(check)).resolves.toEqual({ action: 'not-stuck', verdict: 'unknown' });
    expect(published).toHaveLength(0);
    expect(log.warn).toHaveBeenCalled();
  });

  test('the queue cannot be described: the alert still goes, and says so', async () => {
    const check = await scheduledCheck();
    jobNow('STARTING');
    batchMock.on(DescribeJobQueuesCommand).rejects(new Error('not authorized'));
    const { handler, published } = setup(DUE);
    await handler(check);
    const text = published[0]!.messages.default;
    expect(text).toContain('Could not read the queue or its compute environments: Error: not authorized');
    expect(text).toContain('- [likely] The image cannot be pulled.');
  });

  test('DescribeJobs fails: rethrown, so the check goes to the dead-letter queue', async () => {
    const check = await scheduledCheck();
    batchMock.on(DescribeJobsCommand).rejects(new Error('throttled'));
    const { handler, published } = setup(DUE);
    await expect(handler(check)).rejects.toThrow('throttled');
    expect(published).toHaveLength(0);
  });

  test('SNS fails: rethrown and logged', async () => {
    const check = await scheduledCheck();
    jobNow('RUNNABLE');
    const { handler, log } = setup(DUE, () => Promise.reject(new Error('KMS.AccessDenied')));
    await expect(handler(check)).rejects.toThrow('KMS.AccessDenied');
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('SNS Publish failed'), expect.anything());
  });
});
