import { readStuckSettings } from '../../../functions/stuck-job/settings';
import { TEST_ENV } from '../../support/handler-env';

const ENV = { ...TEST_ENV, JOBS_ASSIGN_PUBLIC_IP: 'ENABLED' };

describe('readStuckSettings', () => {
  test('reads what the stack sets, with the settings every handler reads', () => {
    expect(readStuckSettings(ENV)).toMatchObject({
      stage: 'test',
      snsRegion: 'us-east-1',
      messageStructure: 'json',
      stuckAfterMinutes: 45,
      scheduleGroup: TEST_ENV.SCHEDULE_GROUP,
      schedulerRoleArn: TEST_ENV.SCHEDULER_ROLE_ARN,
      checkFunctionArn: TEST_ENV.CHECK_FUNCTION_ARN,
      deadLetterQueueArn: TEST_ENV.DEAD_LETTER_QUEUE_ARN,
      jobsAssignPublicIp: 'ENABLED',
    });
    expect(readStuckSettings({ ...ENV, JOBS_ASSIGN_PUBLIC_IP: ' ' }).jobsAssignPublicIp).toBeUndefined();
  });

  test('fails with every problem at once, each naming the variable', () => {
    const env = {
      ...ENV,
      SNS_ARN: '',
      STUCK_AFTER_MINUTES: '0',
      SCHEDULE_GROUP: 'a/b',
      JOBS_ASSIGN_PUBLIC_IP: 'yes',
    };
    expect(() => readStuckSettings(env)).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^SNS_ARN is missing/),
          'STUCK_AFTER_MINUTES must look like 30; got "0".',
          expect.stringMatching(/^SCHEDULE_GROUP must look like .*; got "a\/b"\.$/),
          'JOBS_ASSIGN_PUBLIC_IP must be ENABLED or DISABLED, or unset; got "yes".',
        ],
      }) as Error,
    );
  });

  test.each(['SCHEDULER_ROLE_ARN', 'CHECK_FUNCTION_ARN', 'DEAD_LETTER_QUEUE_ARN'])(
    'fails naming %s when it is missing',
    (name) => {
      expect(() => readStuckSettings({ ...ENV, [name]: undefined })).toThrow(`${name} is missing or empty`);
    },
  );
});
