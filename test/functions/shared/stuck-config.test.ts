import { readStuckConfig } from '../../../functions/shared/stuck-config';

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

describe('readStuckConfig', () => {
  test('reads what the stack sets', () => {
    expect(readStuckConfig(ENV)).toMatchObject({
      stage: 'dev',
      snsRegion: 'ap-northeast-1',
      stuckAfterMinutes: 30,
      scheduleGroup: 'jobs-dev-StuckJobChecks',
      jobsAssignPublicIp: 'ENABLED',
    });
  });

  test('reports every problem at once, each naming the variable', () => {
    const env = {
      ...ENV,
      SNS_ARN: '',
      STUCK_AFTER_MINUTES: '0',
      SCHEDULE_GROUP: 'a/b',
      JOBS_ASSIGN_PUBLIC_IP: 'yes',
    };
    const problems = (() => {
      try {
        readStuckConfig(env);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const name of [
      'SNS_ARN is missing',
      'STUCK_AFTER_MINUTES must look like 30',
      'SCHEDULE_GROUP',
      'JOBS_ASSIGN_PUBLIC_IP',
    ]) {
      expect(problems).toContain(name);
    }
  });

  test.each(['SCHEDULER_ROLE_ARN', 'CHECK_FUNCTION_ARN', 'DEAD_LETTER_QUEUE_ARN'])(
    '%s missing is named',
    (name) => {
      expect(() => readStuckConfig({ ...ENV, [name]: undefined })).toThrow(`${name} is missing or empty`);
    },
  );
});
