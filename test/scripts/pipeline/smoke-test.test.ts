import { BatchClient, DescribeJobsCommand, SubmitJobCommand, type JobDetail } from '@aws-sdk/client-batch';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  classifyMessage,
  createClients,
  readSettings,
  runSmokeTest,
  type SmokeTestSettings,
  type Verdict,
} from '../../../scripts/pipeline/smoke-test';
import { buildNotification } from '../../../functions/notification/job-notification';
import type { MessageStructure } from '../../../functions/notification/notification';
import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import { loadEvent, withDetail } from '../../support/fixtures';

// Only the provider factory is replaced, so that no test reaches STS; the rest of the module is real.
jest.mock('@aws-sdk/credential-providers', () => ({
  ...jest.requireActual<object>('@aws-sdk/credential-providers'),
  fromTemporaryCredentials: jest.fn(
    () => () =>
      Promise.resolve({ accessKeyId: 'ASIATEST', secretAccessKey: 'secret', sessionToken: 'token' }),
  ),
}));

const REGION = 'ap-northeast-1';
const JOB_QUEUE_ARN = 'arn:aws:batch:ap-northeast-1:111111111111:job-queue/jobs-dev';
const QUEUE_URL = 'https://sqs.ap-northeast-1.amazonaws.com/111111111111/jobs-dev-smoke';
const JOB_DEFINITION_ARN = 'arn:aws:batch:ap-northeast-1:111111111111:job-definition/smoke:1';
const ROLE_ARN = 'arn:aws:iam::111111111111:role/jobs-dev-SmokeTestRole';
const JOB_ID = '4c1e9d6a-7d1f-4c1b-9a3e-2f0b8e1d5a77';
const OTHER_JOB_ID = '0b6f2a51-93c4-4e0d-8d0e-5c7a1f2e9b10';
const SUBMITTED_AT = new Date('2026-11-28T12:00:00.000Z');

const ENV = {
  AWS_REGION: REGION,
  JOB_QUEUE_ARN,
  SMOKE_TEST_QUEUE_URL: QUEUE_URL,
  SMOKE_TEST_JOB_DEFINITION_ARN: JOB_DEFINITION_ARN,
};

interface EnvelopeOptions {
  readonly jobId: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly subject?: string;
  readonly sentAt?: Date;
  /** @default 'json': the `sqs` document, and no attributes, as SNS documents for that structure */
  readonly structure?: MessageStructure;
}

/** An SQS message body as an SNS subscription without raw delivery writes it, for a handler's notification. */
function envelope(options: EnvelopeOptions): string {
  const fixture = options.status === 'SUCCEEDED' ? 'succeededContainer' : 'failedExitCode';
  const event = parseBatchJobStateChange(
    withDetail(loadEvent(fixture), { jobId: options.jobId, jobName: 'smoke' }),
  );
  const outcome = options.status === 'SUCCEEDED' ? 'succeeded' : 'failed';
  const structure = options.structure ?? 'json';
  const notification = buildNotification(event, { appName: 'jobs', stage: 'dev', outcome, structure });
  return JSON.stringify({
    Type: 'Notification',
    Subject: options.subject ?? notification.subject,
    Message: structure === 'json' ? notification.messages.sqs : notification.messages.default,
    Timestamp: (options.sentAt ?? new Date(SUBMITTED_AT.getTime() + 60_000)).toISOString(),
    ...(structure === 'string' && {
      MessageAttributes: Object.fromEntries(
        Object.entries(notification.attributes).map(([name, value]) => [
          name,
          { Type: 'String', Value: value },
        ]),
      ),
    }),
  });
}

const SETTINGS: SmokeTestSettings = {
  region: REGION,
  jobQueueArn: JOB_QUEUE_ARN,
  queueUrl: QUEUE_URL,
  jobDefinitionArn: JOB_DEFINITION_ARN,
  timeoutSeconds: 900,
  jobNamePrefix: 'smoke-dev',
};

describe('readSettings', () => {
  const DEFAULTS = { roleArn: undefined, timeoutSeconds: 900, jobNamePrefix: 'smoke' };
  const OPTIONAL = { SMOKE_TEST_ROLE_ARN: ROLE_ARN, SMOKE_TEST_TIMEOUT_SECONDS: '120' };
  test.each([
    [{}, DEFAULTS],
    [{ SMOKE_TEST_TIMEOUT_SECONDS: '' }, DEFAULTS],
    [
      { ...OPTIONAL, SMOKE_TEST_JOB_NAME_PREFIX: 'smoke-dev' },
      { roleArn: ROLE_ARN, timeoutSeconds: 120 },
    ],
  ])('reads the required variables, and the optional ones %p or their defaults', (optional, expected) => {
    expect(readSettings({ ...ENV, ...optional })).toEqual({ ...SETTINGS, ...expected });
  });

  test('fails naming every required variable missing at once', () => {
    expect(() => readSettings({})).toThrow(
      "smoke test: set AWS_REGION, JOB_QUEUE_ARN, SMOKE_TEST_QUEUE_URL, SMOKE_TEST_JOB_DEFINITION_ARN (the pipeline step sets them from the stage's outputs)",
    );
  });

  test.each(['abc', '90.5', '59', '-900'])('fails on the timeout %p', (timeout) => {
    expect(() => readSettings({ ...ENV, SMOKE_TEST_TIMEOUT_SECONDS: timeout })).toThrow(
      'SMOKE_TEST_TIMEOUT_SECONDS must be a whole number of at least 60 seconds',
    );
  });
});

describe('classifyMessage', () => {
  const at = (offsetMs: number) => new Date(SUBMITTED_AT.getTime() + offsetMs);
  /** The job's (or another job's) notification, as the handlers publish it. */
  const about = (jobId: string, status: 'SUCCEEDED' | 'FAILED', more: Partial<EnvelopeOptions> = {}) =>
    envelope({ jobId, status, subject: 'failed', ...more });
  const alarm = (sentAt: Date) =>
    JSON.stringify({
      Type: 'Notification',
      Subject: 'ALARM: "jobs-dev-DeadLetterAlarm"',
      Message: JSON.stringify({ AlarmName: 'jobs-dev-DeadLetterAlarm', NewStateValue: 'ALARM' }),
      Timestamp: sentAt.toISOString(),
    });
  /** The job's own document, but of another kind (e.g. a stuck-job alert). */
  const message = JSON.parse(JSON.parse(about(JOB_ID, 'SUCCEEDED')).Message as string) as object;
  const otherKind = JSON.stringify({
    Message: JSON.stringify({ ...message, kind: 'job-stuck' }),
    Timestamp: at(1).toISOString(),
  });
  const text = (jobId: string) => JSON.stringify({ Subject: 'failed', Message: `Job id: ${jobId}` });
  const SUCCEEDED: Verdict = { kind: 'succeeded' };
  const FAILED: Verdict = { kind: 'failed', subject: 'failed' };
  const STALE: Verdict = { kind: 'stale' };
  const OTHER: Verdict = { kind: 'other' };

  test.each<[string, string, Verdict]>([
    ['the success document of the job', about(JOB_ID, 'SUCCEEDED'), SUCCEEDED],
    ['the failure document of the job, with its subject', about(JOB_ID, 'FAILED'), FAILED],
    // MESSAGE_STRUCTURE=string: one text for every protocol, which SNS delivers with its attributes
    ['a success text', about(JOB_ID, 'SUCCEEDED', { structure: 'string' }), SUCCEEDED],
    ['a failure text', about(JOB_ID, 'FAILED', { structure: 'string' }), FAILED],
    // only an explicit SUCCEEDED passes
    ['a text naming the job without a status', text(JOB_ID), FAILED],
    ['a document of another kind about the job', otherKind, OTHER],
    ["CloudWatch's alarm JSON after the submission", alarm(at(1)), OTHER],
    ["CloudWatch's alarm JSON before the submission", alarm(at(-1)), STALE],
    [
      "another job's notification before the submission",
      about(OTHER_JOB_ID, 'FAILED', { sentAt: at(-1) }),
      STALE,
    ],
    // it may belong to a concurrent run, so it is left alone
    ["another job's notification after the submission", about(OTHER_JOB_ID, 'FAILED'), OTHER],
    ['another job without a timestamp', text(OTHER_JOB_ID), OTHER],
    ['malformed JSON', `not json ${JOB_ID}`, OTHER],
  ])('%s is %o', (_, body, verdict) => {
    expect(classifyMessage(body, JOB_ID, SUBMITTED_AT)).toEqual(verdict);
  });
});

describe('runSmokeTest (SDK mocked)', () => {
  const batchMock = mockClient(BatchClient);
  const sqsMock = mockClient(SQSClient);
  const clients = { batch: new BatchClient({ region: REGION }), sqs: new SQSClient({ region: REGION }) };
  const quiet = (): void => undefined;
  /** A clock that starts at the submission and moves `stepMs` per reading. */
  const ticking = (stepMs = 1_000): (() => number) => {
    let t = SUBMITTED_AT.getTime() - stepMs;
    return () => (t += stepMs);
  };
  const success = { Body: envelope({ jobId: JOB_ID, status: 'SUCCEEDED' }), ReceiptHandle: 'r-ok' };
  /** Every poll receives these messages. */
  const inbox = (...Messages: Message[]) => sqsMock.on(ReceiveMessageCommand).resolves({ Messages });
  const run = (
    overrides: Partial<SmokeTestSettings> = {},
    clock = ticking(),
    log: (line: string) => void = quiet,
  ) => runSmokeTest({ ...SETTINGS, ...overrides }, clients, clock, log);
  const deleted = () => sqsMock.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input);

  beforeEach(() => {
    batchMock.reset();
    sqsMock.reset();
    batchMock.on(SubmitJobCommand).resolves({ jobId: JOB_ID, jobName: 'smoke-dev', jobArn: 'arn' });
    sqsMock.on(DeleteMessageCommand).resolves({});
  });
  afterAll(() => {
    batchMock.restore();
    sqsMock.restore();
  });

  test('deletes its own notification and stale ones of earlier runs, and leaves newer ones of other jobs', async () => {
    // a stale notification, another job's recent one and an unparseable message beside the success
    const sentAt = new Date(SUBMITTED_AT.getTime() - 3_600_000);
    inbox(
      { Body: envelope({ jobId: OTHER_JOB_ID, status: 'SUCCEEDED', sentAt }), ReceiptHandle: 'r-stale' },
      { Body: envelope({ jobId: OTHER_JOB_ID, status: 'FAILED' }), ReceiptHandle: 'r-other' },
      { Body: 'not json', ReceiptHandle: 'r-garbage' },
      success,
    );
    await run();
    expect(deleted()).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'r-stale' },
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'r-ok' },
    ]);
  });

  test('fails naming the job and the subject when the failure notification arrives', async () => {
    const subject = '[jobs][dev] Job failed: smoke';
    inbox({ Body: envelope({ jobId: JOB_ID, status: 'FAILED', subject }), ReceiptHandle: 'r-failed' });
    await expect(run()).rejects.toThrow(`smoke test: job ${JOB_ID} was reported as failed: ${subject}`);
  });

  test('fails on timeout with the job status Batch reports', async () => {
    inbox();
    batchMock.on(DescribeJobsCommand).resolves({
      jobs: [{ jobId: JOB_ID, status: 'RUNNABLE', statusReason: 'no capacity' } as JobDetail],
    });
    await expect(run({ timeoutSeconds: 60 }, ticking(30_000))).rejects.toThrow(
      `smoke test: no notification for job ${JOB_ID} within 60 s (job status: RUNNABLE, no capacity)`,
    );
    expect(batchMock).toHaveReceivedCommandWith(DescribeJobsCommand, { jobs: [JOB_ID] });
  });

  test('fails without polling when Batch returns no job id', async () => {
    batchMock.on(SubmitJobCommand).resolves({ jobName: 'smoke-dev', jobArn: 'arn' });
    await expect(run()).rejects.toThrow(
      `smoke test: Batch accepted job smoke-dev-${SUBMITTED_AT.getTime()} but returned no job id`,
    );
    expect(sqsMock).toHaveReceivedCommandTimes(ReceiveMessageCommand, 0);
  });

  test('fails with the SDK error when the submission is rejected', async () => {
    batchMock.on(SubmitJobCommand).rejects(new Error('not authorized to perform batch:SubmitJob'));
    await expect(run()).rejects.toThrow('not authorized to perform batch:SubmitJob');
  });

  test('submits one probe job, long-polls the stage inbox until its success notification, and logs both', async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({})
      .resolvesOnce({ Messages: [success] });
    const lines: string[] = [];
    await expect(run({}, ticking(), (line) => lines.push(line))).resolves.toBe(JOB_ID);
    const jobName = `smoke-dev-${SUBMITTED_AT.getTime()}`;
    expect(batchMock.commandCalls(SubmitJobCommand).map((call) => call.args[0].input)).toEqual([
      { jobName, jobQueue: JOB_QUEUE_ARN, jobDefinition: JOB_DEFINITION_ARN },
    ]);
    expect(sqsMock).toHaveReceivedCommandTimes(ReceiveMessageCommand, 2);
    expect(sqsMock).toHaveReceivedCommandWith(ReceiveMessageCommand, {
      QueueUrl: QUEUE_URL,
      WaitTimeSeconds: 20,
    });
    expect(lines).toEqual([
      `submitted ${jobName} (${JOB_ID}); waiting up to 900 s for its notification`,
      `the success notification for job ${JOB_ID} arrived`,
    ]);
  });
});

describe('createClients', () => {
  const temporaryCredentials = jest.mocked(fromTemporaryCredentials);
  beforeEach(() => temporaryCredentials.mockClear());

  test("with a role ARN, both clients assume the role for an hour in the stage's region", async () => {
    const clients = createClients({ ...SETTINGS, roleArn: ROLE_ARN });
    expect(temporaryCredentials.mock.calls).toEqual([
      [
        {
          params: { RoleArn: ROLE_ARN, RoleSessionName: 'pipeline-smoke-test', DurationSeconds: 3600 },
          clientConfig: { region: REGION },
        },
      ],
    ]);
    await expect(clients.batch.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIATEST' });
    await expect(clients.sqs.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIATEST' });
    await expect(clients.batch.config.region()).resolves.toBe(REGION);
  });

  test('without a role ARN, uses the default credentials', () => {
    createClients(SETTINGS);
    expect(temporaryCredentials).not.toHaveBeenCalled();
  });
});
