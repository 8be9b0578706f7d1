import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { buildNotification, EVENT_JSON_HEADER } from '../../../functions/shared/message';
import { parseBatchJobStateChange } from '../../../functions/shared/schema';
import { MESSAGE_MAX_CHARS, inboxReader, toInboxNotification } from '../../../integ/inbox-reader/read-inbox';
import { loadEvent } from '../../support/fixtures';
import { snsEnvelope } from '../sns-envelope';

const INBOX = 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/jobs-integ-inbox';
const TOPIC = 'arn:aws:sns:ap-northeast-1:123456789012:jobs-integ-notifications';
const NOTIFICATION = buildNotification(parseBatchJobStateChange(loadEvent('failedExitCode')), {
  appName: 'jobs',
  stage: 'integ',
  outcome: 'failed',
});

describe('toInboxNotification', () => {
  test('keeps the envelope fields the assertions check, and the message up to the event JSON', () => {
    const notification = toInboxNotification(snsEnvelope(NOTIFICATION, TOPIC));
    expect(notification).toEqual({
      Type: 'Notification',
      TopicArn: TOPIC,
      Subject: NOTIFICATION.subject,
      Message: NOTIFICATION.message.slice(0, NOTIFICATION.message.indexOf(EVENT_JSON_HEADER)),
      MessageAttributes: {
        stage: { Type: 'String', Value: 'integ' },
        status: { Type: 'String', Value: 'FAILED' },
        jobName: { Type: 'String', Value: 'nightly-report' },
        jobQueue: { Type: 'String', Value: NOTIFICATION.attributes.jobQueue },
        eventId: { Type: 'String', Value: NOTIFICATION.attributes.eventId },
      },
    });
    expect(notification.Message).toMatch(/^Job id:\s+9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d$/m);
    expect(notification.Message).toMatch(/exit code 1/);
  });

  test(`cuts a message without event JSON at ${MESSAGE_MAX_CHARS} characters`, () => {
    const long = { ...NOTIFICATION, message: 'x'.repeat(MESSAGE_MAX_CHARS + 1) };
    expect(toInboxNotification(snsEnvelope(long, TOPIC)).Message).toHaveLength(MESSAGE_MAX_CHARS);
  });

  test('fails on a body that is not JSON, naming the message and the likely cause', () => {
    expect(() => toInboxNotification('Job failed: etl', 'm-1')).toThrow(
      'message m-1 is not JSON; the inbox must be subscribed with raw delivery off',
    );
  });

  test('fails on JSON that is not an SNS notification, naming the message', () => {
    expect(() => toInboxNotification('{"Type":"Notification"}', 'm-2')).toThrow(
      /^message m-2 is not an SNS notification: /,
    );
  });
});

describe('inboxReader (SDK mocked)', () => {
  const sqsMock = mockClient(SQSClient);
  beforeEach(() => sqsMock.reset());
  afterAll(() => sqsMock.restore());

  test('looks at one message of the inbox without hiding it', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({
      Messages: [{ MessageId: 'm-1', Body: snsEnvelope(NOTIFICATION, TOPIC) }],
    });
    const read = inboxReader(new SQSClient({ region: 'ap-northeast-1' }), INBOX);
    await expect(read()).resolves.toEqual([toInboxNotification(snsEnvelope(NOTIFICATION, TOPIC))]);
    expect(sqsMock).toHaveReceivedCommandWith(ReceiveMessageCommand, {
      QueueUrl: INBOX,
      MaxNumberOfMessages: 1,
      VisibilityTimeout: 0,
    });
  });

  test('answers an empty list while the inbox is empty', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({});
    await expect(inboxReader(new SQSClient({ region: 'ap-northeast-1' }), INBOX)()).resolves.toEqual([]);
  });

  test('fails at cold start when INBOX_URL is missing, naming the variable', () => {
    expect(() => inboxReader(new SQSClient({ region: 'ap-northeast-1' }), undefined)).toThrow(
      "INBOX_URL is missing; set it to the URL of the inbox in the function's environment",
    );
  });
});
