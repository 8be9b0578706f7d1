/**
 * Import this before an entry module: it reads its settings when it is loaded, as at a Lambda cold
 * start, so the environment must be in place first.
 */
export const TEST_ENV = {
  APP_NAME: 'jobs',
  STAGE: 'test',
  SNS_ARN: 'arn:aws:sns:us-east-1:123456789012:jobs-test-notifications',
  // The stuck-job handler's own settings; the job state handler ignores them.
  STUCK_AFTER_MINUTES: '45',
  SCHEDULE_GROUP: 'jobs-test-StuckJobChecks',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  CHECK_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:jobs-test-BatchStuckHandler',
  DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:us-east-1:123456789012:dlq',
  // Tests assert on what the handler does, not on its log lines.
  POWERTOOLS_LOG_LEVEL: 'SILENT',
} as const;

Object.assign(process.env, TEST_ENV);

/** A logger whose every method is a spy. */
export function spyLogger() {
  return {
    info: jest.fn(),
    warn: jest.fn(),
    error: jest.fn(),
    appendKeys: jest.fn(),
    resetKeys: jest.fn(),
    addContext: jest.fn(),
  };
}
