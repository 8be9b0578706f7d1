/**
 * Local invoke: runs the real handler code (schema, message builder, logging) on an event file.
 * Without --publish nothing is written to AWS: the publisher prints what would be sent, the stuck
 * handler prints the schedule it would create, and the settings fall back to clearly fake values.
 * With --publish the SDK's normal credential chain is used (AWS_ENDPOINT_URL_SNS is honoured) and
 * the handler's settings must be set: nothing real is sent under invented names.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchClient } from '@aws-sdk/client-batch';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createJobStateHandler, type ReportedStatus } from '../../functions/job-state/handler';
import { utf8Bytes } from '../../functions/notification/bounded-text';
import { createLogger } from '../../functions/notification/logger';
import { publishBytes, SNS_MAX_PUBLISH_BYTES } from '../../functions/notification/notification';
import { type NotificationSettings, readSettings } from '../../functions/notification/settings';
import { type Publisher, topicPublisher } from '../../functions/notification/sns-publisher';
import { createStuckJobHandler } from '../../functions/stuck-job/handler';
import { readStuckSettings } from '../../functions/stuck-job/settings';

const SAMPLE_EVENTS = join(__dirname, '..', '..', 'test', 'fixtures', 'events');
const USAGE = [
  'usage: npm run invoke -- success|error|stuck <event.json> [--publish]',
  '  success, error: the job state handler (onSucceeded, onFailed in functions/job-state)',
  '  stuck: the stuck-job handler (functions/stuck-job); a RUNNABLE event schedules a check, and a',
  '         check (its schedule input) reads the job from Batch and reports it if it still waits',
  `sample events in ${SAMPLE_EVENTS}:`,
  ...readdirSync(SAMPLE_EVENTS).map((file) => `  ${file}`),
].join('\n');
const STATUS_OF: Record<string, ReportedStatus> = { success: 'SUCCEEDED', error: 'FAILED' };
const DRY_RUN_ENV = {
  APP_NAME: 'local-app',
  STAGE: 'local',
  SNS_ARN: 'arn:aws:sns:us-east-1:000000000000:dry-run-nothing-is-published',
  STUCK_AFTER_MINUTES: '30',
  SCHEDULE_GROUP: 'dry-run',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/dry-run',
  CHECK_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:dry-run',
  DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:dry-run',
};

/** Exits 2, like other command-line usage errors. */
class UsageError extends Error {}

function parseArgs(argv: readonly string[]) {
  const publish = argv.includes('--publish');
  const positional = argv.filter((arg) => arg !== '--publish');
  const unknownFlag = positional.find((arg) => arg.startsWith('--'));
  if (unknownFlag) throw new UsageError(`unknown option ${unknownFlag}\n${USAGE}`);
  const [name, file, ...rest] = positional;
  if ((name !== 'success' && name !== 'error' && name !== 'stuck') || !file || rest.length > 0)
    throw new UsageError(USAGE);
  return { name, file, publish };
}

async function readEvent(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new UsageError(`cannot read event file ${file}: ${error.message}`);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`event file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function section(label: string, body: string, json = false): string[] {
  const shown = json ? JSON.stringify(JSON.parse(body), null, 2) : body;
  return [`----- ${label} (${utf8Bytes(shown)} bytes) -----`, shown];
}

/** Prints each protocol's body, labelled, in the order a reader checks them. */
function printingPublisher({ snsTopicArn, messageStructure: structure }: NotificationSettings): Publisher {
  return (notification) => {
    const attributes = Object.entries(notification.attributes).map(([name, value]) => `  ${name} = ${value}`);
    const { messages } = notification;
    const bodies =
      structure === 'json'
        ? [
            ...section('default, email, sms, http: text', messages.default),
            ...section('https: chat card (Amazon Q Developer in chat applications)', messages.https, true),
            ...section('sqs, lambda: JSON document', messages.sqs, true),
          ]
        : section('every protocol: text (MESSAGE_STRUCTURE=string)', messages.default);
    process.stdout.write(
      [
        `Dry run: nothing was published (topic ${snsTopicArn}).`,
        `Subject: ${notification.subject}`,
        `Message structure: ${structure}`,
        'Attributes:',
        ...attributes,
        ...bodies,
        `Publish size: ${publishBytes(notification, structure)} of ${SNS_MAX_PUBLISH_BYTES} bytes ` +
          '(Message as sent, attributes and subject)',
        '',
      ].join('\n'),
    );
    return Promise.resolve({ messageId: 'dry-run' });
  };
}

/** Prints each request instead of sending it. */
function printingScheduler(): SchedulerClient {
  const client = new SchedulerClient({ region: 'us-east-1' });
  client.middlewareStack.add(
    (_next, context) => (args) => {
      const input = JSON.stringify(args.input, null, 2);
      process.stdout.write(`Dry run: ${context.commandName} was not sent:\n${input}\n`);
      return Promise.resolve({ output: { $metadata: {} } as never, response: {} });
    },
    { step: 'initialize', name: 'dryRun' },
  );
  return client;
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const event = await readEvent(args.file);
  // Errors still reach stderr; set POWERTOOLS_LOG_LEVEL=INFO to see every log line.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  // A local run is no job to count: no metric lines (set it to false to see them).
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const env = args.publish ? process.env : { ...DRY_RUN_ENV, ...process.env };
  const publisher = args.publish ? topicPublisher : printingPublisher;
  const status = STATUS_OF[args.name];
  if (!status) {
    const settings = readStuckSettings(env);
    const handler = createStuckJobHandler({
      settings,
      logger: createLogger(settings, 'batch-stuck-handler'),
      scheduler: args.publish ? new SchedulerClient({}) : printingScheduler(),
      batch: new BatchClient({}),
      publish: publisher(settings),
    });
    process.stdout.write(`Result: ${JSON.stringify(await handler(event))}\n`);
    return;
  }
  const settings = readSettings(env);
  const handler = createJobStateHandler({
    expectedStatus: status,
    settings,
    logger: createLogger(settings, `batch-${args.name}-handler`),
    publish: publisher(settings),
  });
  const result = await handler(event);
  if (args.publish)
    process.stdout.write(`Published to ${settings.snsTopicArn}: message id ${result.messageId}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`invoke: ${error instanceof UsageError ? error.message : message}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
