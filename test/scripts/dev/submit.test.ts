import { DescribeJobsCommand, SubmitJobCommand, type JobStatus } from '@aws-sdk/client-batch';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import { buildNotification } from '../../../functions/notification/job-notification';
import { createClients, parseRequest, submit, type SubmitRequest } from '../../../scripts/dev/submit';
import { loadEvent, withDetail } from '../../support/fixtures';

const REGION = 'ap-northeast-1';
const QUEUE_ARN = 'arn:aws:batch:ap-northeast-1:111111111111:job-queue/jobs-dev-Batch';
const HELLO_ARN = 'arn:aws:batch:ap-northeast-1:111111111111:job-definition/jobs-dev-hello:3';
const REPORT_ARN = 'arn:aws:batch:ap-northeast-1:111111111111:job-definition/jobs-dev-nightly-report:1';
const INBOX = 'https://sqs.ap-northeast-1.amazonaws.com/111111111111/jobs-dev-smoke';
const TOPIC = 'arn:aws:sns:ap-northeast-1:111111111111:jobs-dev-Notifications';
const JOB_ID = '4c1e9d6a-7d1f-4c1b-9a3e-2f0b8e1d5a77';
const NOW = Date.parse('2026-12-05T12:00:00.000Z');
const REQUEST: SubmitRequest = {
  appName: 'jobs',
  stage: 'dev',
  region: REGION,
  account: '111111111111',
  job: 'hello',
  wait: true,
};

const clients = createClients(REGION);
const cloudFormation = mockClient(clients.cloudFormation);
const batch = mockClient(clients.batch);
const sqs = mockClient(clients.sqs);
let lines: string[];
const io = { log: (line: string) => void lines.push(line), sleep: () => Promise.resolve(), now: () => NOW };

function deployed(outputs: Record<string, string>): void {
  cloudFormation.on(DescribeStacksCommand, { StackName: 'jobs-dev-JobBase' }).resolves({
    Stacks: [
      {
        StackName: 'jobs-dev-JobBase',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(NOW),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

const STAGE_OUTPUTS = {
  JobQueueArn: QUEUE_ARN,
  JobQueueName: 'jobs-dev-Batch',
  TopicArn: TOPIC,
  SmokeTestJobDefinitionArn: 'arn:aws:batch:ap-northeast-1:111111111111:job-definition/SmokeTestJob-abc:1',
  JobDefinitionHello: HELLO_ARN,
  JobDefinitionNightlyReport: REPORT_ARN,
};

/** The stage's statuses for the job, one per DescribeJobs call. */
function statuses(...list: Array<[JobStatus, string?]>): void {
  const chain = batch.on(DescribeJobsCommand, { jobs: [JOB_ID] });
  for (const [status, statusReason] of list) {
    chain.resolvesOnce({
      jobs: [
        {
          jobId: JOB_ID,
          jobName: 'hello',
          jobQueue: QUEUE_ARN,
          status,
          statusReason,
          jobDefinition: HELLO_ARN,
          startedAt: 0,
        },
      ],
    });
  }
}

/** What the stage's inbox receives for the job: the handlers' `sqs` document in an SNS envelope. */
function notification(outcome: 'succeeded' | 'failed'): string {
  const fixture = outcome === 'succeeded' ? 'succeededContainer' : 'failedExitCode';
  const event = parseBatchJobStateChange(withDetail(loadEvent(fixture), { jobId: JOB_ID, jobName: 'hello' }));
  const built = buildNotification(event, { appName: 'jobs', stage: 'dev', outcome, structure: 'json' });
  const Timestamp = new Date(NOW + 60_000).toISOString();
  return JSON.stringify({
    Type: 'Notification',
    Subject: built.subject,
    Message: built.messages.sqs,
    Timestamp,
  });
}

beforeEach(() => {
  cloudFormation.reset();
  batch.reset();
  sqs.reset();
  lines = [];
  batch.on(SubmitJobCommand).resolves({ jobId: JOB_ID, jobName: 'hello', jobArn: 'arn' });
});

describe('submit', () => {
  test('GIVEN a deployed stage WHEN hello is submitted with --wait THEN it shows each status and the notification', async () => {
    deployed({ ...STAGE_OUTPUTS, SmokeTestQueueUrl: INBOX });
    statuses(['RUNNABLE'], ['RUNNABLE'], ['RUNNING'], ['SUCCEEDED', 'Essential container in task exited']);
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({})
      .resolves({ Messages: [{ Body: notification('succeeded'), ReceiptHandle: 'r1' }] });

    await expect(submit(REQUEST, clients, io)).resolves.toBe(JOB_ID);

    expect(batch).toHaveReceivedCommandWith(SubmitJobCommand, {
      jobName: `hello-${NOW}`,
      jobQueue: QUEUE_ARN,
      jobDefinition: HELLO_ARN,
    });
    expect(lines.filter((l) => / (RUNNABLE|RUNNING|SUCCEEDED)/.test(l))).toEqual([
      '2026-12-05T12:00:00.000Z RUNNABLE',
      '2026-12-05T12:00:00.000Z RUNNING',
      '2026-12-05T12:00:00.000Z SUCCEEDED (Essential container in task exited)',
    ]);
    expect(lines.at(-1)).toMatch(
      /^notification: \[jobs\]\[dev\] Job succeeded: hello\n\{\n {2}"schema": "batch-job-platform\/notification"/,
    );
    expect(lines.at(-1)).not.toContain('"event"');
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageCommand, { QueueUrl: INBOX, ReceiptHandle: 'r1' });
  });

  test('GIVEN the job fails WHEN waited for THEN it prints the failure notification and fails with the reason', async () => {
    deployed({ ...STAGE_OUTPUTS, SmokeTestQueueUrl: INBOX });
    statuses(['RUNNING'], ['FAILED', 'Essential container in task exited']);
    sqs
      .on(ReceiveMessageCommand)
      .resolves({ Messages: [{ Body: notification('failed'), ReceiptHandle: 'r1' }] });

    await expect(submit(REQUEST, clients, io)).rejects.toThrow(
      `job hello-${NOW} (${JOB_ID}) failed: Essential container in task exited`,
    );
    expect(lines.at(-1)).toMatch(/^notification: \[jobs\]\[dev\] Job failed: hello\n/);
  });

  test('fails when the job is still queued after an hour, saying that it goes on', async () => {
    deployed(STAGE_OUTPUTS);
    batch.on(DescribeJobsCommand).resolves({ jobs: [{ jobId: JOB_ID, status: 'RUNNABLE' }] as never });
    let now = NOW;
    const clock = { ...io, now: () => (now += 10 * 60_000) };
    await expect(submit(REQUEST, clients, clock)).rejects.toThrow(
      `job ${JOB_ID} is still RUNNABLE after 60 minutes; it goes on: aws batch describe-jobs --jobs ${JOB_ID}`,
    );
    expect(lines.filter((l) => l.endsWith('RUNNABLE'))).toHaveLength(1);
  });

  test('GIVEN a stage without an inbox THEN it says how to subscribe an e-mail to the topic, and without --wait returns', async () => {
    deployed(STAGE_OUTPUTS);
    await expect(submit({ ...REQUEST, wait: false }, clients, io)).resolves.toBe(JOB_ID);
    expect(lines.join('\n')).toContain(
      `aws sns subscribe --region ${REGION} --topic-arn ${TOPIC} --protocol email --notification-endpoint you@example.com`,
    );
    expect(batch).not.toHaveReceivedCommand(DescribeJobsCommand);
  });

  test("fails on an unknown job, listing the stage's jobs", async () => {
    deployed(STAGE_OUTPUTS);
    await expect(submit({ ...REQUEST, job: 'helo' }, clients, io)).rejects.toThrow(
      "stage 'dev' has no job 'helo'; its jobs: hello, nightly-report",
    );
    expect(batch).not.toHaveReceivedCommand(SubmitJobCommand);
  });

  test('fails when the stage is not deployed, naming the stack, region and account', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Stack with id jobs-dev-JobBase does not exist'), {
        name: 'ValidationError',
      }),
    );
    await expect(submit(REQUEST, clients, io)).rejects.toThrow(
      "stage 'dev' is not deployed: no stack jobs-dev-JobBase in ap-northeast-1 of the account of your credentials; " +
        'deploy it (docs/jobs.md), or use credentials for account 111111111111',
    );
  });

  test('fails when there are no credentials, saying which account to sign in to', async () => {
    // The SDK's own credential chain, with nothing to find: no variables, files or instance metadata.
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    Object.assign(process.env, {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    });
    try {
      await expect(submit(REQUEST, createClients(REGION), io)).rejects.toThrow(
        'no AWS credentials found: sign in to account 111111111111 (e.g. aws sso login, or set AWS_PROFILE) and run again',
      );
    } finally {
      process.env = saved;
    }
  });
});

describe('parseRequest', () => {
  test("takes the stage's region and account from the configuration", () => {
    expect(parseRequest(['--stage', 'dev', '--job', 'hello', '--wait'])).toEqual(REQUEST);
  });

  test('fails without --stage or --job, showing the usage', () => {
    expect(() => parseRequest(['--stage', 'dev'])).toThrow(
      'usage: npm run submit -- --stage <name> --job <name> [--wait]',
    );
  });
});
