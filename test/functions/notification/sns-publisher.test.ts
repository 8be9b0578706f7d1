import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { type FakeSnsServer, startFakeSnsServer } from '../../../bench/support/fake-sns-server';
import type { Notification } from '../../../functions/notification/notification';
import {
  createSnsClient,
  SNS_MAX_ATTEMPTS,
  snsPublisher,
} from '../../../functions/notification/sns-publisher';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:jobs-test-notifications';
const NOTIFICATION: Notification = {
  subject: '[jobs][test] Job failed: etl',
  messages: {
    default: 'Job failed: etl\n…',
    https: '{"version":"1.0","source":"custom","content":{"title":"t","description":"d"}}',
    sqs: '{"schema":"batch-job-platform/notification","version":1}',
    lambda: '{"schema":"batch-job-platform/notification","version":1}',
  },
  attributes: { stage: 'test', status: 'FAILED', jobName: 'etl', jobQueue: 'q', eventId: 'e-1' },
};

describe('snsPublisher (SDK mocked)', () => {
  const snsMock = mockClient(SNSClient);
  const publish = (structure?: 'string') =>
    snsPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC, structure)(NOTIFICATION);
  beforeEach(() => {
    snsMock.reset().on(PublishCommand).resolves({ MessageId: 'm-1' });
  });
  afterAll(() => snsMock.restore());

  test('publishes subject, one body per protocol (MessageStructure json) and string attributes', async () => {
    await expect(publish()).resolves.toEqual({ messageId: 'm-1' });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: NOTIFICATION.subject,
      Message: JSON.stringify(NOTIFICATION.messages),
      MessageStructure: 'json',
      MessageAttributes: {
        stage: { DataType: 'String', StringValue: 'test' },
        status: { DataType: 'String', StringValue: 'FAILED' },
        jobName: { DataType: 'String', StringValue: 'etl' },
        jobQueue: { DataType: 'String', StringValue: 'q' },
        eventId: { DataType: 'String', StringValue: 'e-1' },
      },
    });
  });

  test('in string structure sends the text alone, without MessageStructure, with the attributes', async () => {
    await publish('string');
    const input = snsMock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.MessageStructure).toBeUndefined();
    expect(input.Message).toBe(NOTIFICATION.messages.default);
    expect(Object.keys(input.MessageAttributes ?? {})).toEqual(Object.keys(NOTIFICATION.attributes));
  });

  test('fails with the SDK error, unchanged', async () => {
    const error = Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' });
    snsMock.on(PublishCommand).rejects(error);
    await expect(publish()).rejects.toBe(error);
  });
});

describe('snsPublisher on createSnsClient (real SDK against a local SNS stand-in)', () => {
  let fake: FakeSnsServer;
  const saved = { ...process.env };
  beforeAll(async () => {
    fake = await startFakeSnsServer();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SNS: fake.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await fake.close();
  });
  const publisher = () => snsPublisher(createSnsClient('us-east-1'), TOPIC);

  test('retries throttling and 5xx, then succeeds', async () => {
    fake.enqueue('throttling', 'internal-error');
    const before = fake.requests.length;
    await expect(publisher()(NOTIFICATION)).resolves.toEqual({
      messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
    });
    expect(fake.requests.length - before).toBe(3);
  });

  test(`fails with the SNS error after ${SNS_MAX_ATTEMPTS} attempts`, async () => {
    fake.enqueue(...Array.from({ length: SNS_MAX_ATTEMPTS + 1 }, () => 'unavailable' as const));
    const before = fake.requests.length;
    await expect(publisher()(NOTIFICATION)).rejects.toMatchObject({
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503, attempts: SNS_MAX_ATTEMPTS },
    });
    expect(fake.requests.length - before).toBe(SNS_MAX_ATTEMPTS);
    fake.enqueue(); // the extra scripted failure is left unused on purpose
  });
});
