// Must stay the first import: the handler module reads its settings when it is loaded.
import { TEST_ENV } from '../../support/handler-env';
import {
  BatchClient,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  type JobDetail,
} from '@aws-sdk/client-batch';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import { handler } from '../../../functions/stuck-job/index';
import { checkFor } from '../../../functions/stuck-job/schedule';
import { captureEmf, jobCountDocument } from '../../support/emf-output';
import { loadRunnableSample } from '../../support/fixtures';

const schedulerMock = mockClient(SchedulerClient);
const batchMock = mockClient(BatchClient);
const snsMock = mockClient(SNSClient);
beforeEach(() => [schedulerMock, batchMock, snsMock].forEach((mock) => mock.reset()));
afterAll(() => [schedulerMock, batchMock, snsMock].forEach((mock) => mock.restore()));

test('the entry point reads its settings at load and schedules a RUNNABLE job with them', async () => {
  schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
  await expect(handler(loadRunnableSample())).resolves.toMatchObject({ action: 'scheduled' });
  expect(schedulerMock).toHaveReceivedCommandWith(CreateScheduleCommand, {
    GroupName: TEST_ENV.SCHEDULE_GROUP,
    Description: expect.stringContaining('still waits after 45 min'),
    Target: expect.objectContaining({
      Arn: TEST_ENV.CHECK_FUNCTION_ARN,
      RoleArn: TEST_ENV.SCHEDULER_ROLE_ARN,
    }),
  });
});

test('a due check of a job that still waits writes the JobsStuck metric to its log (EMF)', async () => {
  // GIVEN a job that still waits on its first attempt
  const check = checkFor(parseBatchJobStateChange(loadRunnableSample()));
  const job = {
    jobId: check.jobId,
    jobName: check.jobName,
    jobQueue: check.jobQueue,
    jobDefinition: 'arn:aws:batch:us-east-1:123456789012:job-definition/etl:4',
    status: 'RUNNABLE',
    attempts: [],
  } as unknown as JobDetail;
  batchMock.on(DescribeJobsCommand).resolves({ jobs: [job] });
  batchMock.on(DescribeJobQueuesCommand).resolves({ jobQueues: [] });
  snsMock.on(PublishCommand).resolves({ MessageId: 'message-1' });
  // WHEN
  const emf = captureEmf();
  try {
    await expect(handler(JSON.parse(JSON.stringify(check)))).resolves.toMatchObject({ action: 'notified' });
  } finally {
    emf.restore();
  }
  // THEN
  expect(emf.documents()).toEqual([jobCountDocument('JobsStuck', 'PexjEHappyPathCanary2JobQueue', 'etl')]);
});
