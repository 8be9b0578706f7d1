import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { useFakeSnsServer } from '../../../bench/support/fake-sns-server';
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

describe('createSnsClient', () => {
  test(`retries in standard mode, ${SNS_MAX_ATTEMPTS} attempts in all`, async () => {
    const client = createSnsClient('eu-west-1');
    expect(SNS_MAX_ATTEMPTS).toBeGreaterThanOrEqual(3);
    expect(SNS_MAX_ATTEMPTS).toBeLessThanOrEqual(5);
    await expect(client.config.maxAttempts()).resolves.toBe(SNS_MAX_ATTEMPTS);
    expect(client.config.retryMode).toBe('standard');
    await expect(client.config.retryStrategy()).resolves.toHaveProperty('mode', 'standard');
    await expect(client.config.region()).resolves.toBe('eu-west-1');
  });
});

describe('snsPublisher (SDK mocked)', () => {
  const snsMock = mockClient(SNSClient);
  beforeEach(() => snsMock.reset());
  afterAll(() => snsMock.restore());

  test('publishes subject, one body per protocol (MessageStructure json) and string attributes', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const result = await snsPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC)(NOTIFICATION);
    expect(result).toEqual({ messageId: 'm-1' });
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
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await snsPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC, 'string')(NOTIFICATION);
    const input = snsMock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.MessageStructure).toBeUndefined();
    expect(input.Message).toBe(NOTIFICATION.messages.default);
    expect(Object.keys(input.MessageAttributes ?? {})).toEqual([
      'stage',
      'status',
      'jobName',
      'jobQueue',
      'eventId',
    ]);
  });

  test('fails with the SDK error, unchanged', async () => {
    const error = Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' });
    snsMock.on(PublishCommand).rejects(error);
    await expect(snsPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC)(NOTIFICATION)).rejects.toBe(
      error,
    );
  });
});

describe('snsPublisher (real SDK against a local SNS stand-in)', () => {
  const server = useFakeSnsServer();

  function publisher() {
    return snsPublisher(createSnsClient('us-east-1'), TOPIC);
  }

  test('retries throttling, then succeeds', async () => {
    // GIVEN SNS throttles the first request
    server().enqueue('throttling');
    const before = server().requests.length;
    // WHEN
    const result = await publisher()(NOTIFICATION);
    // THEN the SDK sent it again and the second answer counts
    expect(result.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(server().requests.length - before).toBe(2);
  });

  test('retries 5xx, then succeeds', async () => {
    server().enqueue('unavailable', 'internal-error');
    const before = server().requests.length;
    await expect(publisher()(NOTIFICATION)).resolves.toHaveProperty('messageId');
    expect(server().requests.length - before).toBe(3);
  });

  test(`fails with the SNS error after ${SNS_MAX_ATTEMPTS} attempts`, async () => {
    server().enqueue(...Array.from({ length: SNS_MAX_ATTEMPTS + 1 }, () => 'unavailable' as const));
    const before = server().requests.length;
    await expect(publisher()(NOTIFICATION)).rejects.toMatchObject({
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503, attempts: SNS_MAX_ATTEMPTS },
    });
    expect(server().requests.length - before).toBe(SNS_MAX_ATTEMPTS);
    server().enqueue(); // the extra scripted failure is left unused on purpose
  });
});
