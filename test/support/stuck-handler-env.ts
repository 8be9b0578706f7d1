import { TEST_ENV } from './handler-env';

/** Import first, before the stuck-job handler's index module, which reads these at load. */
export const STUCK_TEST_ENV = {
  ...TEST_ENV,
  STUCK_AFTER_MINUTES: '45',
  SCHEDULE_GROUP: 'jobs-test-StuckJobChecks',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  CHECK_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:jobs-test-BatchStuckHandler',
  DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:us-east-1:123456789012:dlq',
} as const;

Object.assign(process.env, STUCK_TEST_ENV);
