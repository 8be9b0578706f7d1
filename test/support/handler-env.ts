/**
 * Import this before a handler's index module: the handler reads its configuration when it is
 * loaded, as in a Lambda cold start, so the environment must be in place first.
 */
export const TEST_ENV = {
  APP_NAME: 'jobs',
  STAGE: 'test',
  SNS_ARN: 'arn:aws:sns:us-east-1:123456789012:jobs-test-notifications',
  // Tests assert on what the handler does, not on its log lines.
  POWERTOOLS_LOG_LEVEL: 'SILENT',
} as const;

Object.assign(process.env, TEST_ENV);
