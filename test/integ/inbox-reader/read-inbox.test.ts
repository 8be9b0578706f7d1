import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { buildNotification } from '../../../functions/notification/job-notification';
import { EVENT_JSON_HEADER } from '../../../functions/notification/notification';
import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import {
  MESSAGE_MAX_CHARS,
  inboxReader,
  selectNotifications,
  toInboxNotification,
} from '../../../integ/inbox-reader/read-inbox';
import { loadEvent } from '../../support/fixtures';
import { snsEnvelope, sqsDelivery } from '../sns-envelope';

const INBOX = 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/jobs-integ-inbox';
const TOPIC = 'arn:aws:sns:ap-northeast-1:123456789012:jobs-integ-notifications';
const JOB_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const OPTIONS = { appName: 'jobs', stage: 'integ', outcome: 'failed' } as const;
const NOTIFICATION = buildNotification(parseBatchJobStateChange(loadEvent('failedExitCode')), OPTIONS);
const OTHER = buildNotification(parseBatchJobStateChange(loadEvent('failedMultiContainer')), OPTIONS);
const BODY = snsEnvelope(sqsDelivery(NOTIFICATION), TOPIC);
const ALARM = snsEnvelope(
  {
    subject: 'ALARM: "a"',
    message: JSON.stringify({ AlarmName: 'a', NewStateValue: 'ALARM' }),
    attributes: {},
  },
  TOPIC,
);

describe('toInboxNotification', () => {
  test('keeps the envelope fields the assertions check, and the document without event and links', () => {
    const notification = toInboxNotification(BODY);
    const {
      event: _event,
      links: _links,
      ...document
    } = JSON.parse(NOTIFICATION.messages.sqs) as Record<string, unknown>;
    expect(notification).toEqual({
      Type: 'Notification',
      TopicArn: TOPIC,
      Subject: NOTIFICATION.subject,
      Document: document,
    });
    expect(notification.Document).toMatchObject({
      status: 'FAILED',
      job: { id: JOB_ID, containers: [{ exitCode: 1 }] },
      attributes: NOTIFICATION.attributes,
    });
  });

  test('keeps the text up to the event JSON when the handlers publish one text (string structure)', () => {
    const notification = toInboxNotification(snsEnvelope(sqsDelivery(NOTIFICATION, 'string'), TOPIC));
    const text = NOTIFICATION.messages.default;
    expect(notification.Message).toBe(text.slice(0, text.indexOf(EVENT_JSON_HEADER)));
    expect(notification.Document).toBeUndefined();
  });

  test(`cuts a message that is no document at ${MESSAGE_MAX_CHARS} characters`, () => {
    const long = { subject: 's', message: 'x'.repeat(MESSAGE_MAX_CHARS + 1), attributes: {} };
    expect(toInboxNotification(snsEnvelope(long, TOPIC)).Message).toHaveLength(MESSAGE_MAX_CHARS);
  });

  test('answers within the 4 KB CloudFormation takes from a custom resource', () => {
    expect(Buffer.byteLength(JSON.stringify([toInboxNotification(BODY)]))).toBeLessThan(4096);
  });

  test.each([
    [
      'not JSON, naming the likely cause',
      'Job failed: etl',
      'message m is not JSON; the inbox must be subscribed with raw delivery off',
    ],
    [
      'JSON that is not an SNS notification',
      '{"Type":"Notification"}',
      'message m is not an SNS notification: ',
    ],
  ])('fails on a body that is %s, naming the message', (_, body, message) => {
    expect(() => toInboxNotification(body, 'm')).toThrow(message);
  });
});

describe('selectNotifications', () => {
  const bodies = [ALARM, snsEnvelope(sqsDelivery(OTHER), TOPIC), BODY].map((body) => ({ body }));

  test('picks the notification of the job asked about among the others and the alarm', () => {
    expect(selectNotifications(bodies, { jobId: JOB_ID })).toEqual([toInboxNotification(BODY)]);
  });

  test('picks the text of that job when the handlers publish one text', () => {
    const text = snsEnvelope(sqsDelivery(NOTIFICATION, 'string'), TOPIC);
    expect(selectNotifications([{ body: ALARM }, { body: text }], { jobId: JOB_ID })).toEqual([
      toInboxNotification(text),
    ]);
  });

  test('picks the alarm asked about by name', () => {
    expect(selectNotifications(bodies, { alarmName: 'a' })).toEqual([toInboxNotification(ALARM)]);
    expect(selectNotifications(bodies, { alarmName: 'b' })).toEqual([]);
  });

  test('answers nothing for a job with no notification yet', () => {
    expect(selectNotifications(bodies, { jobId: '00000000-0000-4000-8000-000000000000' })).toEqual([]);
  });
});

describe('inboxReader (SDK mocked)', () => {
  const sqsMock = mockClient(SQSClient);
  beforeEach(() => sqsMock.reset());
  afterAll(() => sqsMock.restore());
  const read = inboxReader(new SQSClient({ region: 'ap-northeast-1' }), INBOX);

  test('looks at up to 10 messages of the inbox without hiding them, and answers the one asked about', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({
      Messages: [
        { MessageId: 'm-0', Body: ALARM },
        { MessageId: 'm-1', Body: BODY },
      ],
    });
    await expect(read({ jobId: JOB_ID })).resolves.toEqual([toInboxNotification(BODY)]);
    expect(sqsMock).toHaveReceivedCommandWith(ReceiveMessageCommand, {
      QueueUrl: INBOX,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
    });
  });

  test('answers an empty list while the inbox is empty', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({});
    await expect(read({ alarmName: 'a' })).resolves.toEqual([]);
  });

  test('fails when not asked about a job id or an alarm name', async () => {
    await expect(read({})).rejects.toThrow(
      'invoke the inbox reader with {"jobId": "..."} or {"alarmName": "..."}',
    );
    expect(sqsMock).toHaveReceivedCommandTimes(ReceiveMessageCommand, 0);
  });

  test('fails at cold start when INBOX_URL is missing, naming the variable', () => {
    expect(() => inboxReader(new SQSClient({ region: 'ap-northeast-1' }), undefined)).toThrow(
      "INBOX_URL is missing; set it to the URL of the inbox in the function's environment",
    );
  });
});
