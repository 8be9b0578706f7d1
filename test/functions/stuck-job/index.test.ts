// Must stay the first import: the handler module reads its settings when it is loaded.
import { TEST_ENV } from '../../support/handler-env';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../functions/stuck-job/index';
import { loadRunnableSample } from '../../support/fixtures';

const schedulerMock = mockClient(SchedulerClient);
beforeEach(() => schedulerMock.reset());
afterAll(() => schedulerMock.restore());

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
