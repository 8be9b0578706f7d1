/**
 * The pipeline's post-deploy smoke test: submit the stage's probe job, then wait until the stage's
 * smoke-test queue holds the success notification for exactly that job id. Exits non-zero, naming
 * the reason, when the job fails, the error notification arrives instead, or time runs out.
 *
 * Environment (set by the pipeline step): AWS_REGION, JOB_QUEUE_ARN, SMOKE_TEST_QUEUE_URL,
 * SMOKE_TEST_JOB_DEFINITION_ARN, SMOKE_TEST_ROLE_ARN (assumed for every call; optional),
 * SMOKE_TEST_TIMEOUT_SECONDS (default 900), SMOKE_TEST_JOB_NAME_PREFIX (default "smoke").
 */
import { BatchClient, DescribeJobsCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DOCUMENT_SCHEMA } from '../../functions/notification/notification';
import { assumeRole, requireVariables, runAsMain } from '../script-support';

export interface SmokeTestSettings {
  readonly region: string;
  readonly jobQueueArn: string;
  readonly queueUrl: string;
  readonly jobDefinitionArn: string;
  readonly roleArn?: string;
  readonly timeoutSeconds: number;
  readonly jobNamePrefix: string;
}

export function readSettings(env: NodeJS.ProcessEnv): SmokeTestSettings {
  const required = requireVariables(
    env,
    ['AWS_REGION', 'JOB_QUEUE_ARN', 'SMOKE_TEST_QUEUE_URL', 'SMOKE_TEST_JOB_DEFINITION_ARN'],
    { script: 'smoke test', source: "the pipeline step sets them from the stage's outputs" },
  );
  const timeoutSeconds = Number(env.SMOKE_TEST_TIMEOUT_SECONDS || '900');
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 60) {
    throw new Error(`smoke test: SMOKE_TEST_TIMEOUT_SECONDS must be a whole number of at least 60 seconds`);
  }
  return {
    region: required.AWS_REGION,
    jobQueueArn: required.JOB_QUEUE_ARN,
    queueUrl: required.SMOKE_TEST_QUEUE_URL,
    jobDefinitionArn: required.SMOKE_TEST_JOB_DEFINITION_ARN,
    roleArn: env.SMOKE_TEST_ROLE_ARN || undefined,
    timeoutSeconds,
    jobNamePrefix: env.SMOKE_TEST_JOB_NAME_PREFIX || 'smoke',
  };
}

export type Verdict =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'failed'; readonly subject: string }
  /** A notification of an earlier run, left in the queue: safe to delete. */
  | { readonly kind: 'stale' }
  /** Not about this job and not older than it: left alone. */
  | { readonly kind: 'other' };

interface SnsEnvelope {
  readonly Type?: string;
  readonly Subject?: string;
  readonly Message?: string;
  readonly Timestamp?: string;
  readonly MessageAttributes?: Record<string, { readonly Value?: string } | undefined>;
}

/** What the handlers' `sqs` document says, as far as the smoke test reads it. */
interface NotificationDocument {
  readonly schema?: unknown;
  readonly kind?: unknown;
  readonly status?: unknown;
  readonly job?: { readonly id?: unknown };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The status a notification for the job reports (null: none), or undefined when it is not one. */
function reportedStatus(envelope: SnsEnvelope, jobId: string): string | undefined | null {
  const message = envelope.Message ?? '';
  const document = parseJson(message) as NotificationDocument | null | undefined;
  if (document?.schema === DOCUMENT_SCHEMA) {
    if (document.kind !== 'job-state' || document.job?.id !== jobId) return undefined;
    return typeof document.status === 'string' ? document.status : null;
  }
  // One text for every protocol (MESSAGE_STRUCTURE=string): the attributes are delivered with it.
  if (!message.includes(jobId)) return undefined;
  return envelope.MessageAttributes?.status?.Value ?? null;
}

/**
 * What an SQS message from the topic (an SNS envelope) says about the job `jobId`: read from the
 * handlers' `sqs` document, or from the text and its attributes when they publish one text.
 * Anything else (another job, another kind, CloudWatch's alarm JSON) is stale if sent before the
 * submission, else other.
 */
export function classifyMessage(body: string, jobId: string, submittedAt: Date): Verdict {
  const envelope = parseJson(body) as SnsEnvelope | null | undefined;
  if (typeof envelope !== 'object' || envelope === null) return { kind: 'other' };
  const status = reportedStatus(envelope, jobId);
  if (status === undefined) {
    const sentAt = Date.parse(envelope.Timestamp ?? '');
    return Number.isFinite(sentAt) && sentAt < submittedAt.getTime() ? { kind: 'stale' } : { kind: 'other' };
  }
  return status === 'SUCCEEDED'
    ? { kind: 'succeeded' }
    : { kind: 'failed', subject: envelope.Subject ?? '(no subject)' };
}

type Clients = ReturnType<typeof createClients>;

export function createClients(settings: SmokeTestSettings) {
  const { roleArn, region } = settings;
  const credentials = roleArn
    ? assumeRole({ roleArn, sessionName: 'pipeline-smoke-test', region })
    : undefined;
  return { batch: new BatchClient({ region, credentials }), sqs: new SQSClient({ region, credentials }) };
}

export async function runSmokeTest(
  settings: SmokeTestSettings,
  clients: Clients,
  now: () => number = Date.now,
  log: (line: string) => void = console.log,
): Promise<string> {
  const submittedAt = new Date(now());
  const jobName = `${settings.jobNamePrefix}-${submittedAt.getTime()}`;
  const { jobId } = await clients.batch.send(
    new SubmitJobCommand({
      jobName,
      jobQueue: settings.jobQueueArn,
      jobDefinition: settings.jobDefinitionArn,
    }),
  );
  if (!jobId) throw new Error(`smoke test: Batch accepted job ${jobName} but returned no job id`);
  log(`submitted ${jobName} (${jobId}); waiting up to ${settings.timeoutSeconds} s for its notification`);

  const deadline = submittedAt.getTime() + settings.timeoutSeconds * 1000;
  while (now() < deadline) {
    const verdict = await receiveVerdict(settings, clients, jobId, submittedAt);
    if (verdict?.kind === 'succeeded') {
      log(`the success notification for job ${jobId} arrived`);
      return jobId;
    }
    if (verdict?.kind === 'failed') {
      throw new Error(`smoke test: job ${jobId} was reported as failed: ${verdict.subject}`);
    }
  }
  const { jobs } = await clients.batch.send(new DescribeJobsCommand({ jobs: [jobId] }));
  const job = jobs?.[0];
  const status = job ? `${job.status}${job.statusReason ? `, ${job.statusReason}` : ''}` : 'unknown';
  throw new Error(
    `smoke test: no notification for job ${jobId} within ${settings.timeoutSeconds} s (job status: ${status}); ` +
      `check the handlers' logs and the stage's dead-letter queue`,
  );
}

/** One long poll: the verdict about this job, if a message about it arrived. */
async function receiveVerdict(
  settings: SmokeTestSettings,
  clients: Clients,
  jobId: string,
  submittedAt: Date,
): Promise<Verdict | undefined> {
  const received = await clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: settings.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }),
  );
  let result: Verdict | undefined;
  for (const message of received.Messages ?? []) {
    const verdict = classifyMessage(message.Body ?? '', jobId, submittedAt);
    if (verdict.kind === 'other') continue;
    await clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: settings.queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
    if (verdict.kind !== 'stale') result = verdict;
  }
  return result;
}

if (require.main === module) {
  runAsMain('smoke test', async () => {
    const settings = readSettings(process.env);
    await runSmokeTest(settings, createClients(settings));
  });
}
