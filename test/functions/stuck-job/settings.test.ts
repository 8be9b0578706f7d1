import { readStuckSettings } from '../../../functions/stuck-job/settings';

const ENV = {
  APP_NAME: 'jobs',
  STAGE: 'dev',
  SNS_ARN: 'arn:aws:sns:ap-northeast-1:111111111111:jobs-dev-topic',
  STUCK_AFTER_MINUTES: '30',
  SCHEDULE_GROUP: 'jobs-dev-StuckJobChecks',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::111111111111:role/scheduler',
  CHECK_FUNCTION_ARN: 'arn:aws:lambda:ap-northeast-1:111111111111:function:jobs-dev-BatchStuckHandler',
  DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:ap-northeast-1:111111111111:dlq',
  JOBS_ASSIGN_PUBLIC_IP: 'ENABLED',
};

describe('readStuckSettings', () => {
  test('reads what the stack sets, with the settings every handler reads', () => {
    expect(readStuckSettings(ENV)).toMatchObject({
      stage: 'dev',
      snsRegion: 'ap-northeast-1',
      messageStructure: 'json',
      stuckAfterMinutes: 30,
      scheduleGroup: 'jobs-dev-StuckJobChecks',
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
