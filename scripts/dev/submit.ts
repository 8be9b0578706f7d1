/**
 * Submits one of a stage's jobs (the stage's `jobs` setting) to the stage's queue, through the
 * outputs of the stage's deployed stack; with --wait, prints each status until the job ends, then
 * its notification (docs/jobs.md):
 *
 *   npm run submit -- --stage dev --job hello [--wait]
 *
 * Runs with your AWS credentials for the stage's account. Exits non-zero when the job fails.
 */
import { parseArgs } from 'node:util';
import { BatchClient, DescribeJobsCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { jobOutputId } from '../../infra/config/jobs';
import { parseConfig, selectStage } from '../../infra/config/load';
import { physicalName, stageResourceNames } from '../../infra/config/names';
import { appConfig } from '../../infra/config/stages';
import { classifyMessage } from '../pipeline/smoke-test';
import { runAsMain } from '../script-support';

const USAGE = 'usage: npm run submit -- --stage <name> --job <name> [--wait]';
const POLL_SECONDS = 10;
/** How long --wait follows a job; a job still queued after that usually cannot be placed. */
const WAIT_MINUTES = 60;
/** Long polls for the notification once the job has ended (EventBridge, Lambda, SNS take seconds). */
const NOTIFICATION_POLLS = 6;
const ENDED = new Set(['SUCCEEDED', 'FAILED']);

export interface SubmitRequest {
  readonly appName: string;
  readonly stage: string;
  readonly region: string;
  readonly account: string;
  readonly job: string;
  readonly wait: boolean;
}

export function parseRequest(argv: readonly string[]): SubmitRequest {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      stage: { type: 'string' },
      job: { type: 'string' },
      wait: { type: 'boolean', default: false },
    },
  });
  if (!values.stage || !values.job) throw new Error(USAGE);
  const config = parseConfig(appConfig);
  const stage = selectStage(config, values.stage);
  const { appName } = config;
  return {
    appName,
    stage: stage.name,
    region: stage.region,
    account: stage.account,
    job: values.job,
    wait: values.wait,
  };
}

export interface Clients {
  readonly cloudFormation: CloudFormationClient;
  readonly batch: BatchClient;
  readonly sqs: SQSClient;
}

export function createClients(region: string): Clients {
  return {
    cloudFormation: new CloudFormationClient({ region }),
    batch: new BatchClient({ region }),
    sqs: new SQSClient({ region }),
  };
}

export interface Io {
  readonly log: (line: string) => void;
  readonly sleep: (seconds: number) => Promise<void>;
  readonly now: () => number;
}

const realIo: Io = {
  log: console.log,
  sleep: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
  now: Date.now,
};

/** The deployed stack's outputs; a clear error when there are no credentials or no stack. */
async function stageOutputs(request: SubmitRequest, clients: Clients): Promise<Map<string, string>> {
  const { stack } = stageResourceNames(request.appName, request.stage);
  const where = `in ${request.region} of the account of your credentials`;
  let stacks;
  try {
    ({ Stacks: stacks } = await clients.cloudFormation.send(
      new DescribeStacksCommand({ StackName: stack.name }),
    ));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'CredentialsProviderError') {
      throw new Error(
        `no AWS credentials found: sign in to account ${request.account} (e.g. aws sso login, or set AWS_PROFILE) and run again`,
      );
    }
    // DescribeStacks: "If the stack doesn't exist, a ValidationError is returned" (its API reference).
    if (name === 'ValidationError' && /does not exist/.test(String((error as Error).message))) {
      throw new Error(
        `stage '${request.stage}' is not deployed: no stack ${stack.name} ${where}; ` +
          `deploy it (docs/jobs.md), or use credentials for account ${request.account}`,
      );
    }
    throw error;
  }
  const outputs = new Map((stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  if (!outputs.get('JobQueueArn')) {
    const status = stacks?.[0]?.StackStatus ?? 'unknown';
    throw new Error(
      `stage '${request.stage}' is not deployed: stack ${stack.name} is ${status} and has no job queue`,
    );
  }
  return outputs;
}

/** The stage's jobs by name, from their outputs' ARNs (`job-definition/<app>-<stage>-<job>:<revision>`). */
function deployedJobs(request: SubmitRequest, outputs: Map<string, string>): Map<string, string> {
  const prefix = physicalName(request.appName, request.stage, '');
  const jobs = new Map<string, string>();
  for (const [key, arn] of outputs) {
    const name = /job-definition\/([^:]+)/.exec(arn)?.[1] ?? '';
    const job = name.slice(prefix.length);
    if (name.startsWith(prefix) && jobOutputId(job) === key) jobs.set(job, arn);
  }
  return jobs;
}

/** Submits the job; with `wait`, follows it to its end and prints its notification. Returns the job id. */
export async function submit(request: SubmitRequest, clients: Clients, io: Io = realIo): Promise<string> {
  const outputs = await stageOutputs(request, clients);
  const jobs = deployedJobs(request, outputs);
  const jobDefinition = jobs.get(request.job);
  if (!jobDefinition) {
    const known =
      [...jobs.keys()].join(', ') || "none: declare one in the stage's jobs setting (docs/jobs.md)";
    throw new Error(`stage '${request.stage}' has no job '${request.job}'; its jobs: ${known}`);
  }
  const submittedAt = new Date(io.now());
  const jobName = `${request.job}-${submittedAt.getTime()}`;
  const jobQueue = outputs.get('JobQueueArn');
  const { jobId } = await clients.batch.send(new SubmitJobCommand({ jobName, jobQueue, jobDefinition }));
  if (!jobId) throw new Error(`Batch accepted job ${jobName} but returned no job id`);
  io.log(`submitted ${jobName} (job id ${jobId}) to ${outputs.get('JobQueueName') ?? jobQueue}`);
  const queueUrl = outputs.get('SmokeTestQueueUrl');
  if (!queueUrl) {
    io.log(
      `its notification goes to the stage's topic; to receive it by e-mail, subscribe once and confirm the e-mail:\n` +
        `  aws sns subscribe --region ${request.region} --topic-arn ${outputs.get('TopicArn')} --protocol email --notification-endpoint you@example.com`,
    );
  }
  if (!request.wait) return jobId;
  const status = await follow(jobId, clients, io);
  if (queueUrl) await printNotification(queueUrl, jobId, submittedAt, clients, io);
  if (status.status !== 'SUCCEEDED') throw new Error(`job ${jobName} (${jobId}) failed: ${status.reason}`);
  return jobId;
}

/** Polls the job, printing each status change, until it ends or WAIT_MINUTES pass. */
async function follow(jobId: string, clients: Clients, io: Io): Promise<{ status: string; reason: string }> {
  const deadline = io.now() + WAIT_MINUTES * 60_000;
  let last: string | undefined;
  for (;;) {
    const { jobs } = await clients.batch.send(new DescribeJobsCommand({ jobs: [jobId] }));
    const job = jobs?.[0];
    const status = job?.status ?? 'UNKNOWN';
    const reason = job?.statusReason ?? job?.attempts?.at(-1)?.statusReason ?? 'no reason given';
    if (status !== last)
      io.log(
        `${new Date(io.now()).toISOString()} ${status}${ENDED.has(status) && job?.statusReason ? ` (${job.statusReason})` : ''}`,
      );
    last = status;
    if (ENDED.has(status)) return { status, reason };
    if (io.now() >= deadline) {
      throw new Error(
        `job ${jobId} is still ${status} after ${WAIT_MINUTES} minutes; it goes on: aws batch describe-jobs --jobs ${jobId}`,
      );
    }
    await io.sleep(POLL_SECONDS);
  }
}

/** Reads the job's notification from the stage's smoke-test queue (the pipeline's smoke step reads it too). */
async function printNotification(
  queueUrl: string,
  jobId: string,
  submittedAt: Date,
  clients: Clients,
  io: Io,
): Promise<void> {
  for (let poll = 0; poll < NOTIFICATION_POLLS; poll += 1) {
    const { Messages } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }),
    );
    for (const message of Messages ?? []) {
      const body = message.Body ?? '';
      const verdict = classifyMessage(body, jobId, submittedAt);
      if (verdict.kind !== 'succeeded' && verdict.kind !== 'failed') continue;
      await clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
      const { Subject, Message } = JSON.parse(body) as { Subject?: string; Message?: string };
      io.log(`notification: ${Subject ?? '(no subject)'}\n${readable(Message ?? '')}`);
      return;
    }
  }
  io.log(
    `no notification for job ${jobId} arrived yet; check the stage's dead-letter queue (docs/handlers.md)`,
  );
}

/** The `sqs` document without the raw event, or the text as published. */
function readable(message: string): string {
  try {
    const { event: _event, ...document } = JSON.parse(message) as Record<string, unknown>;
    return JSON.stringify(document, null, 2);
  } catch {
    return message;
  }
}

if (require.main === module) {
  runAsMain('submit', async () => {
    const request = parseRequest(process.argv.slice(2));
    await submit(request, createClients(request.region));
  });
}
