import { ConfigError } from '../../../functions/notification/errors';
import { readSettings } from '../../../functions/notification/settings';

const VALID = {
  APP_NAME: 'jobs',
  STAGE: 'dev',
  SNS_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:jobs-dev-notifications',
};

describe('readSettings', () => {
  test('reads the required variables and takes the SNS region from the topic ARN', () => {
    expect(readSettings({ ...VALID, AWS_REGION: 'us-east-1' })).toEqual({
      appName: 'jobs',
      stage: 'dev',
      snsTopicArn: VALID.SNS_ARN,
      snsRegion: 'ap-northeast-1',
      dbName: undefined,
      dbSecretName: undefined,
      jobQueueUrl: undefined,
      messageStructure: 'json',
      dashboardName: undefined,
    });
  });

  test("reads DASHBOARD_NAME, the stage's dashboard, and fails for what CloudWatch would not name one", () => {
    expect(readSettings({ ...VALID, DASHBOARD_NAME: 'jobs-dev' }).dashboardName).toBe('jobs-dev');
    expect(() => readSettings({ ...VALID, DASHBOARD_NAME: 'jobs dev' })).toThrow(
      /DASHBOARD_NAME must be a CloudWatch dashboard name \(up to 255 letters, digits, - or _\), or unset; got "jobs dev"/,
    );
  });

  test.each([
    ['json', 'json'],
    ['string', 'string'],
    [' string ', 'string'],
    ['', 'json'],
  ])('reads MESSAGE_STRUCTURE %p as %p', (value, expected) => {
    expect(readSettings({ ...VALID, MESSAGE_STRUCTURE: value }).messageStructure).toBe(expected);
  });

  test('fails when MESSAGE_STRUCTURE is neither json nor string, showing the bad value and the choices', () => {
    expect(() => readSettings({ ...VALID, MESSAGE_STRUCTURE: 'JSON' })).toThrow(
      /MESSAGE_STRUCTURE must be json \(one message per protocol, the default\) or string .*got "JSON"/,
    );
  });

  test('reads the optional variables of the seed when present', () => {
    const env = { DB_NAME: 'jobs', DB_SECRET_NAME: '/jobs/dev/db', JOB_QUEUE_URL: 'https://sqs/jobs-dev' };
    expect(readSettings({ ...VALID, ...env })).toMatchObject({
      dbName: 'jobs',
      dbSecretName: '/jobs/dev/db',
      jobQueueUrl: 'https://sqs/jobs-dev',
    });
  });

  test.each(['cn-north-1', 'us-gov-west-1'])('accepts a topic ARN of the partition of %s', (region) => {
    const partition = region.startsWith('cn-') ? 'aws-cn' : 'aws-us-gov';
    const SNS_ARN = `arn:${partition}:sns:${region}:123456789012:t`;
    expect(readSettings({ ...VALID, SNS_ARN }).snsRegion).toBe(region);
  });

  test.each([
    ['not an ARN', 'my-topic'],
    ['another service', 'arn:aws:sqs:us-east-1:123456789012:queue'],
    ['a short account id', 'arn:aws:sns:us-east-1:1234:topic'],
    ['a FIFO topic', 'arn:aws:sns:us-east-1:123456789012:topic.fifo'],
    ['a subscription ARN', 'arn:aws:sns:us-east-1:123456789012:topic:8a21d249-4329-4871-acc6-7be709c6ea7f'],
  ])('fails when SNS_ARN is malformed (%s), showing the bad value', (_case, arn) => {
    expect(() => readSettings({ ...VALID, SNS_ARN: arn })).toThrow(
      new RegExp(`SNS_ARN must be a standard SNS topic ARN.*got "${arn.replace(/[.]/g, '\\.')}"`),
    );
  });

  test('fails with one ConfigError listing every problem once', () => {
    expect(() => readSettings({ STAGE: ' ' })).toThrow(ConfigError);
    expect(() => readSettings({ STAGE: ' ' })).toThrow(
      /^Invalid handler configuration: APP_NAME is missing.* STAGE is missing.* SNS_ARN is missing[^]*\.$/,
    );
    expect(() => readSettings({ ...VALID, SNS_ARN: '' })).toThrow(
      expect.objectContaining({
        problems: ["SNS_ARN is missing or empty; set it in the function's environment."],
      }) as Error,
    );
  });
});
