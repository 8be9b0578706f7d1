/**
 * Local invoke: `npm run invoke -- success|error <event.json> [--publish]`.
 *
 * Runs the real handler code (schema, message builder, logging) on an event file. Without
 * --publish the publisher prints what would be sent and nothing touches AWS; the configuration
 * falls back to clearly fake values, so no real topic is needed. With --publish the notification
 * goes through the normal SDK credential chain to SNS_ARN (AWS_ENDPOINT_URL_SNS is honoured by the
 * SDK), and APP_NAME, STAGE and SNS_ARN must be set: nothing real is sent under invented names.
 */
import { readFile } from 'node:fs/promises';
import { readConfig } from './shared/config';
import { createJobStateHandler, type ReportedStatus } from './shared/handler';
import { createLogger } from './shared/logger';
import {
  type MessageStructure,
  type Notification,
  publishBytes,
  SNS_MAX_PUBLISH_BYTES,
} from './shared/message';
import { createSnsClient, type Publisher, snsPublisher } from './shared/sns';
import { utf8Bytes } from './shared/text';

const USAGE = 'usage: npm run invoke -- success|error <event.json> [--publish]';
const STATUS_OF: Record<string, ReportedStatus> = { success: 'SUCCEEDED', error: 'FAILED' };
const DRY_RUN_ENV = {
  APP_NAME: 'local-app',
  STAGE: 'local',
  SNS_ARN: 'arn:aws:sns:us-east-1:000000000000:dry-run-nothing-is-published',
};

/** A problem with how invoke was called; exits 2, like other command-line usage errors. */
class UsageError extends Error {}

interface InvokeArgs {
  readonly handlerName: string;
  readonly status: ReportedStatus;
  readonly file: string;
  readonly publish: boolean;
}

function parseArgs(argv: readonly string[]): InvokeArgs {
  const publish = argv.includes('--publish');
  const positional = argv.filter((arg) => arg !== '--publish');
  const unknownFlag = positional.find((arg) => arg.startsWith('--'));
  if (unknownFlag) throw new UsageError(`unknown option ${unknownFlag}\n${USAGE}`);
  const [name, file, ...rest] = positional;
  const status = name === undefined ? undefined : STATUS_OF[name];
  if (!name || !status || !file || rest.length > 0) throw new UsageError(USAGE);
  return { handlerName: `batch-${name}-handler`, status, file, publish };
}

async function readEvent(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read event file ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`event file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A JSON body indented for reading; a body that is not JSON (string structure) as it is. */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function section(label: string, body: string): string[] {
  return [`----- ${label} (${utf8Bytes(body)} bytes) -----`, body];
}

/** Prints what the handler would publish, in the order a reader checks it: each protocol's body, labelled. */
function printingPublisher(topicArn: string, structure: MessageStructure): Publisher {
  return (notification: Notification) => {
    const attributes = Object.entries(notification.attributes).map(([name, value]) => `  ${name} = ${value}`);
    const { messages } = notification;
    const bodies =
      structure === 'json'
        ? [
            ...section('default, email, sms, http: text', messages.default),
            ...section('https: chat card (Amazon Q Developer in chat applications)', pretty(messages.https)),
            ...section('sqs, lambda: JSON document', pretty(messages.sqs)),
          ]
        : section('every protocol: text (MESSAGE_STRUCTURE=string)', messages.default);
    process.stdout.write(
      [
        `Dry run: nothing was published (topic ${topicArn}).`,
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

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const event = await readEvent(args.file);
  // Errors still reach stderr; set POWERTOOLS_LOG_LEVEL=INFO to see every log line.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const config = readConfig(args.publish ? process.env : { ...DRY_RUN_ENV, ...process.env });
  const publish = args.publish
    ? snsPublisher(createSnsClient(config.snsRegion), config.snsTopicArn, config.messageStructure)
    : printingPublisher(config.snsTopicArn, config.messageStructure);
  const handler = createJobStateHandler({
    expectedStatus: args.status,
    config,
    logger: createLogger(config, args.handlerName),
    publish,
  });
  const result = await handler(event);
  if (args.publish)
    process.stdout.write(`Published to ${config.snsTopicArn}: message id ${result.messageId}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`invoke: ${error instanceof UsageError ? error.message : message}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
