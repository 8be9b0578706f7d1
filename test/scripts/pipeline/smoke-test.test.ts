import { BatchClient, DescribeJobsCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  classifyMessage,
  createClients,
  readSettings,
  runSmokeTest,
  type SmokeTestSettings,
} from '../../../scripts/pipeline/smoke-test';
import { buildNotification, type MessageStructure } from '../../../functions/shared/message';
import { parseBatchJobStateChange } from '../../../functions/shared/schema';
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
    MessageId: 'b1f7e0a2-0000-4000-8000-000000000001',
    TopicArn: 'arn:aws:sns:ap-northeast-1:111111111111:jobs-dev-notifications',
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

function settings(overrides: Partial<SmokeTestSettings> = {}): SmokeTestSettings {
  return {
    region: REGION,
    jobQueueArn: JOB_QUEUE_ARN,
    queueUrl: QUEUE_URL,
    jobDefinitionArn: JOB_DEFINITION_ARN,
    timeoutSeconds: 900,
    jobNamePrefix: 'smoke-dev',
    ...overrides,
  };
}

describe('readSettings', () => {
  test('reads the required variables and defaults the rest', () => {
    // GIVEN the variables the pipeline step sets from the stage's outputs
    // WHEN the settings are read
    const result = readSettings(ENV);
    // THEN
    expect(result).toEqual({
      region: REGION,
      jobQueueArn: JOB_QUEUE_ARN,
      queueUrl: QUEUE_URL,
      jobDefinitionArn: JOB_DEFINITION_ARN,
      roleArn: undefined,
      timeoutSeconds: 900,
      jobNamePrefix: 'smoke',
    });
  });

  test('reads the role, timeout and job name prefix when set', () => {
    // GIVEN the optional variables too
    const env = {
      ...ENV,
      SMOKE_TEST_ROLE_ARN: ROLE_ARN,
      SMOKE_TEST_TIMEOUT_SECONDS: '120',
      SMOKE_TEST_JOB_NAME_PREFIX: 'smoke-dev',
    };
    // WHEN the settings are read
    const result = readSettings(env);
    // THEN
    expect(result).toMatchObject({ roleArn: ROLE_ARN, timeoutSeconds: 120, jobNamePrefix: 'smoke-dev' });
  });

  test('an empty timeout takes the default, like the other optional variables', () => {
    expect(readSettings({ ...ENV, SMOKE_TEST_TIMEOUT_SECONDS: '' }).timeoutSeconds).toBe(900);
  });

  test('fails naming every missing variable at once', () => {
    // GIVEN an empty environment
    // WHEN / THEN
    expect(() => readSettings({})).toThrow(
      'smoke test: set AWS_REGION, JOB_QUEUE_ARN, SMOKE_TEST_QUEUE_URL, SMOKE_TEST_JOB_DEFINITION_ARN',
    );
  });

  test('fails naming only the variables that are missing or empty', () => {
    // GIVEN the queue URL empty and the job definition missing
    const { SMOKE_TEST_JOB_DEFINITION_ARN: _missing, ...env } = { ...ENV, SMOKE_TEST_QUEUE_URL: '' };
    // WHEN / THEN
    expect(() => readSettings(env)).toThrow(
      /^smoke test: set SMOKE_TEST_QUEUE_URL, SMOKE_TEST_JOB_DEFINITION_ARN \(the pipeline step/,
    );
  });

  test.each(['abc', '90.5', '59', '-900'])('fails on the timeout %p', (timeout) => {
    // GIVEN a timeout that is not a whole number of at least 60 seconds
    const env = { ...ENV, SMOKE_TEST_TIMEOUT_SECONDS: timeout };
    // WHEN / THEN
    expect(() => readSettings(env)).toThrow(
      'SMOKE_TEST_TIMEOUT_SECONDS must be a whole number of at least 60 seconds',
    );
  });
});

describe('classifyMessage', () => {
  test('the success notification for the job is succeeded, read from the sqs document', () => {
    // GIVEN an SNS envelope whose Message is the document of the job, status SUCCEEDED, no attributes
    const body = envelope({ jobId: JOB_ID, status: 'SUCCEEDED' });
    // WHEN / THEN
    expect(classifyMessage(body, JOB_ID, SUBMITTED_AT)).toEqual({ kind: 'succeeded' });
  });

  test('the failure notification for the job is failed, with its subject', () => {
    // GIVEN the document of the job, status FAILED
    const body = envelope({ jobId: JOB_ID, status: 'FAILED', subject: '[jobs][dev] Job failed: smoke' });
    // WHEN / THEN
    expect(classifyMessage(body, JOB_ID, SUBMITTED_AT)).toEqual({
      kind: 'failed',
      subject: '[jobs][dev] Job failed: smoke',
    });
  });

  test.each(['SUCCEEDED', 'FAILED'] as const)(
    'a text notification (MESSAGE_STRUCTURE=string) with status %s is read from its attributes',
    (status) => {
      // GIVEN the one text for every protocol, which SNS delivers with its attributes
      const body = envelope({ jobId: JOB_ID, status, structure: 'string' });
      // WHEN / THEN
      expect(classifyMessage(body, JOB_ID, SUBMITTED_AT).kind).toBe(
        status === 'SUCCEEDED' ? 'succeeded' : 'failed',
      );
    },
  );

  test('a text notification for the job without a status attribute is failed', () => {
    // GIVEN an envelope naming the job but carrying no attributes
    const body = JSON.stringify({ Subject: 'something', Message: `Job id: ${JOB_ID}` });
    // WHEN / THEN: only an explicit SUCCEEDED passes
    expect(classifyMessage(body, JOB_ID, SUBMITTED_AT)).toEqual({ kind: 'failed', subject: 'something' });
  });

  test('a document of another kind about the job is other, not a verdict', () => {
    // GIVEN a document that is not a job state notification (e.g. a stuck-job alert)
    const document = {
      ...(JSON.parse(
        JSON.parse(envelope({ jobId: JOB_ID, status: 'SUCCEEDED' })).Message as string,
      ) as object),
      kind: 'job-stuck',
    };
    const body = JSON.stringify({
      Message: JSON.stringify(document),
      Timestamp: new Date(SUBMITTED_AT.getTime() + 1).toISOString(),
    });
    // WHEN / THEN
    expect(classifyMessage(body, JOB_ID, SUBMITTED_AT)).toEqual({ kind: 'other' });
  });

  test("CloudWatch's alarm JSON is other after the submission and stale before it", () => {
    // GIVEN the dead-letter alarm's notification on the same topic
    const alarm = (sentAt: Date) =>
      JSON.stringify({
        Type: 'Notification',
        Subject: 'ALARM: "jobs-dev-DeadLetterAlarm"',
        Message: JSON.stringify({ AlarmName: 'jobs-dev-DeadLetterAlarm', NewStateValue: 'ALARM' }),
        Timestamp: sentAt.toISOString(),
      });
    // WHEN / THEN
    expect(classifyMessage(alarm(new Date(SUBMITTED_AT.getTime() + 1)), JOB_ID, SUBMITTED_AT)).toEqual({
      kind: 'other',
    });
    expect(classifyMessage(alarm(new Date(SUBMITTED_AT.getTime() - 1)), JOB_ID, SUBMITTED_AT)).toEqual({
      kind: 'stale',
    });
  });

  test('a notification for another job sent before the submission is stale', () => {
    // GIVEN another job's notification, sent a minute before this job was submitted
    const body = envelope({
      jobId: OTHER_JOB_ID,
      status: 'SUCCEEDED',
      sentAt: new Date(SUBMITTED_AT.getTime() - 60_000),
    });
    // WHEN / THEN
    expect(classifyMessage(body, JOB_ID, SUBMITTED_AT)).toEqual({ kind: 'stale' });
  });

  test('a notification for another job sent after the submission is other', () => {
    // GIVEN another job's notification, sent a minute after this job was submitted
    const body = envelope({
      jobId: OTHER_JOB_ID,
      status: 'FAILED',
      sentAt: new Date(SUBMITTED_AT.getTime() + 60_000),
    });
    // WHEN / THEN: it may belong to a concurrent run, so it is left alone
    expect(classifyMessage(body, JOB_ID, SUBMITTED_AT)).toEqual({ kind: 'other' });
  });

  test('a message for another job without a timestamp is other', () => {
    // GIVEN an envelope without Timestamp
    const body = JSON.stringify({ Message: `Job id: ${OTHER_JOB_ID}` });
    // WHEN / THEN
    expect(classifyMessage(body, JOB_ID, SUBMITTED_AT)).toEqual({ kind: 'other' });
  });

  test('malformed JSON is other', () => {
    // GIVEN a body that is not JSON
    // WHEN / THEN
    expect(classifyMessage(`not json ${JOB_ID}`, JOB_ID, SUBMITTED_AT)).toEqual({ kind: 'other' });
  });
});

describe('runSmokeTest (SDK mocked)', () => {
  const batchMock = mockClient(BatchClient);
  const sqsMock = mockClient(SQSClient);
  const clients = { batch: new BatchClient({ region: REGION }), sqs: new SQSClient({ region: REGION }) };
  const quiet = (): void => undefined;
  /** A clock that starts at the submission and moves one second per reading. */
  const ticking = (stepMs = 1_000): (() => number) => {
    let t = SUBMITTED_AT.getTime() - stepMs;
    return () => (t += stepMs);
  };

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

  test('submits the probe job to the stage queue, named after the prefix and the time', async () => {
    // GIVEN the success notification on the first poll
    sqsMock.on(ReceiveMessageCommand).resolves({
      Messages: [{ Body: envelope({ jobId: JOB_ID, status: 'SUCCEEDED' }), ReceiptHandle: 'r-ok' }],
    });
    // WHEN the smoke test runs
    await runSmokeTest(settings(), clients, ticking(), quiet);
    // THEN exactly one job was submitted, with the stage's queue and probe definition
    expect(batchMock).toHaveReceivedCommandTimes(SubmitJobCommand, 1);
    expect(batchMock).toHaveReceivedCommandWith(SubmitJobCommand, {
      jobName: `smoke-dev-${SUBMITTED_AT.getTime()}`,
      jobQueue: JOB_QUEUE_ARN,
      jobDefinition: JOB_DEFINITION_ARN,
    });
  });

  test('resolves with the job id once the success notification arrives, after an empty poll', async () => {
    // GIVEN an empty first poll, then the success notification
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({})
      .resolvesOnce({
        Messages: [{ Body: envelope({ jobId: JOB_ID, status: 'SUCCEEDED' }), ReceiptHandle: 'r-ok' }],
      });
    // WHEN the smoke test runs
    const result = runSmokeTest(settings(), clients, ticking(), quiet);
    // THEN it resolves with the job id after two long polls of the stage's inbox
    await expect(result).resolves.toBe(JOB_ID);
    expect(sqsMock).toHaveReceivedCommandTimes(ReceiveMessageCommand, 2);
    expect(sqsMock).toHaveReceivedCommandWith(ReceiveMessageCommand, {
      QueueUrl: QUEUE_URL,
      WaitTimeSeconds: 20,
    });
  });

  test('deletes the matched success notification', async () => {
    // GIVEN the success notification
    sqsMock.on(ReceiveMessageCommand).resolves({
      Messages: [{ Body: envelope({ jobId: JOB_ID, status: 'SUCCEEDED' }), ReceiptHandle: 'r-ok' }],
    });
    // WHEN the smoke test runs
    await runSmokeTest(settings(), clients, ticking(), quiet);
    // THEN that message, and only it, is deleted
    expect(sqsMock).toHaveReceivedCommandTimes(DeleteMessageCommand, 1);
    expect(sqsMock).toHaveReceivedCommandWith(DeleteMessageCommand, {
      QueueUrl: QUEUE_URL,
      ReceiptHandle: 'r-ok',
    });
  });

  test('fails naming the job and the subject when the failure notification arrives', async () => {
    // GIVEN the failure notification for the job
    sqsMock.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          Body: envelope({ jobId: JOB_ID, status: 'FAILED', subject: '[jobs][dev] Job failed: smoke' }),
          ReceiptHandle: 'r-failed',
        },
      ],
    });
    // WHEN the smoke test runs
    const result = runSmokeTest(settings(), clients, ticking(), quiet);
    // THEN
    await expect(result).rejects.toThrow(
      `smoke test: job ${JOB_ID} was reported as failed: [jobs][dev] Job failed: smoke`,
    );
  });

  test('fails on timeout with the job status Batch reports', async () => {
    // GIVEN an inbox that stays empty, a clock 30 s per reading, and a job stuck in RUNNABLE
    sqsMock.on(ReceiveMessageCommand).resolves({});
    batchMock.on(DescribeJobsCommand).resolves({
      jobs: [
        {
          jobId: JOB_ID,
          jobName: 'smoke-dev',
          jobQueue: JOB_QUEUE_ARN,
          jobDefinition: JOB_DEFINITION_ARN,
          status: 'RUNNABLE',
          statusReason: 'no capacity',
          startedAt: undefined,
        },
      ],
    });
    // WHEN the smoke test runs with a 60 s timeout
    const result = runSmokeTest(settings({ timeoutSeconds: 60 }), clients, ticking(30_000), quiet);
    // THEN it gives up, naming the job and its status
    await expect(result).rejects.toThrow(
      `smoke test: no notification for job ${JOB_ID} within 60 s (job status: RUNNABLE, no capacity)`,
    );
    expect(batchMock).toHaveReceivedCommandWith(DescribeJobsCommand, { jobs: [JOB_ID] });
  });

  test('deletes stale notifications of earlier runs', async () => {
    // GIVEN a stale notification beside the success notification
    sqsMock.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          Body: envelope({
            jobId: OTHER_JOB_ID,
            status: 'SUCCEEDED',
            sentAt: new Date(SUBMITTED_AT.getTime() - 3_600_000),
          }),
          ReceiptHandle: 'r-stale',
        },
        { Body: envelope({ jobId: JOB_ID, status: 'SUCCEEDED' }), ReceiptHandle: 'r-ok' },
      ],
    });
    // WHEN the smoke test runs
    await runSmokeTest(settings(), clients, ticking(), quiet);
    // THEN the stale message is deleted
    expect(sqsMock).toHaveReceivedCommandWith(DeleteMessageCommand, {
      QueueUrl: QUEUE_URL,
      ReceiptHandle: 'r-stale',
    });
  });

  test('leaves newer notifications of other jobs in the queue', async () => {
    // GIVEN another job's recent notification and an unparseable message beside the success notification
    sqsMock.on(ReceiveMessageCommand).resolves({
      Messages: [
        { Body: envelope({ jobId: OTHER_JOB_ID, status: 'FAILED' }), ReceiptHandle: 'r-other' },
        { Body: 'not json', ReceiptHandle: 'r-garbage' },
        { Body: envelope({ jobId: JOB_ID, status: 'SUCCEEDED' }), ReceiptHandle: 'r-ok' },
      ],
    });
    // WHEN the smoke test runs
    await runSmokeTest(settings(), clients, ticking(), quiet);
    // THEN only the job's own message is deleted
    const deleted = sqsMock
      .commandCalls(DeleteMessageCommand)
      .map((call) => call.args[0].input.ReceiptHandle);
    expect(deleted).toEqual(['r-ok']);
  });

  test('fails without polling when Batch returns no job id', async () => {
    // GIVEN a SubmitJob response without jobId
    batchMock.on(SubmitJobCommand).resolves({ jobName: 'smoke-dev', jobArn: 'arn' });
    // WHEN the smoke test runs
    const result = runSmokeTest(settings(), clients, ticking(), quiet);
    // THEN
    await expect(result).rejects.toThrow(
      `smoke test: Batch accepted job smoke-dev-${SUBMITTED_AT.getTime()} but returned no job id`,
    );
    expect(sqsMock).toHaveReceivedCommandTimes(ReceiveMessageCommand, 0);
  });

  test('fails with the SDK error when the submission is rejected', async () => {
    // GIVEN Batch rejects the submission
    const error = Object.assign(new Error('not authorized to perform batch:SubmitJob'), {
      name: 'ClientException',
    });
    batchMock.on(SubmitJobCommand).rejects(error);
    // WHEN / THEN
    await expect(runSmokeTest(settings(), clients, ticking(), quiet)).rejects.toThrow(
      'not authorized to perform batch:SubmitJob',
    );
  });

  test('logs the submitted job and the arrival of its notification', async () => {
    // GIVEN the success notification
    sqsMock.on(ReceiveMessageCommand).resolves({
      Messages: [{ Body: envelope({ jobId: JOB_ID, status: 'SUCCEEDED' }), ReceiptHandle: 'r-ok' }],
    });
    const lines: string[] = [];
    // WHEN the smoke test runs
    await runSmokeTest(settings(), clients, ticking(), (line) => lines.push(line));
    // THEN
    expect(lines).toEqual([
      `submitted smoke-dev-${SUBMITTED_AT.getTime()} (${JOB_ID}); waiting up to 900 s for its notification`,
      `the success notification for job ${JOB_ID} arrived`,
    ]);
  });
});

describe('createClients', () => {
  const temporaryCredentials = jest.mocked(fromTemporaryCredentials);
  beforeEach(() => temporaryCredentials.mockClear());

  test("with a role ARN, assumes the role for an hour in the stage's region", () => {
    // GIVEN settings with the smoke-test role
    // WHEN the clients are created
    createClients(settings({ roleArn: ROLE_ARN }));
    // THEN one temporary-credentials provider is made for that role
    expect(temporaryCredentials).toHaveBeenCalledTimes(1);
    expect(temporaryCredentials).toHaveBeenCalledWith({
      params: { RoleArn: ROLE_ARN, RoleSessionName: 'pipeline-smoke-test', DurationSeconds: 3600 },
      clientConfig: { region: REGION },
    });
  });

  test('with a role ARN, both clients take their credentials from that provider', async () => {
    // GIVEN settings with the smoke-test role
    // WHEN the clients are created
    const clients = createClients(settings({ roleArn: ROLE_ARN }));
    // THEN each client's credentials provider yields the temporary credentials
    await expect(clients.batch.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIATEST' });
    await expect(clients.sqs.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIATEST' });
    await expect(clients.batch.config.region()).resolves.toBe(REGION);
  });

  test('without a role ARN, uses the default credentials', () => {
    // GIVEN settings without a role
    // WHEN the clients are created
    createClients(settings());
    // THEN no role is assumed
    expect(temporaryCredentials).not.toHaveBeenCalled();
  });
});
