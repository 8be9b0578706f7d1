import { ConfigError } from './errors';
import type { MessageStructure } from './protocols';

/** What every handler needs, read once at cold start. */
export interface HandlerConfig {
  readonly appName: string;
  readonly stage: string;
  /** The standard SNS topic the notifications go to. */
  readonly snsTopicArn: string;
  /** The topic's region, taken from its ARN so that the client never depends on AWS_REGION. */
  readonly snsRegion: string;
  /** Passed through from the seed's environment; the handlers do not use them yet. */
  readonly dbName: string | undefined;
  readonly dbSecretName: string | undefined;
  readonly jobQueueUrl: string | undefined;
  /**
   * MESSAGE_STRUCTURE: `json` publishes one body per protocol (text, chat card, JSON document);
   * `string` one text for every protocol, with the message attributes delivered (docs/handlers.md).
   * @default 'json'
   */
  readonly messageStructure: MessageStructure;
}

const MESSAGE_STRUCTURES: readonly MessageStructure[] = ['json', 'string'];

/** arn:<partition>:sns:<region>:<12-digit account>:<topic name of 1-256 letters, digits, - or _>. */
const SNS_TOPIC_ARN = /^arn:(aws[a-z-]*):sns:([a-z]+(?:-[a-z]+)+-\d+):(\d{12}):([A-Za-z0-9_-]{1,256})$/;

/**
 * Reads and validates the environment. Every problem is reported at once, each naming the
 * variable, so a misconfigured deployment fails at init with one readable message.
 */
export function readConfig(env: NodeJS.ProcessEnv): HandlerConfig {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name]?.trim() ?? '';
    if (value === '') problems.push(`${name} is missing or empty; set it in the function's environment.`);
    return value;
  };
  const appName = required('APP_NAME');
  const stage = required('STAGE');
  const snsTopicArn = required('SNS_ARN');
  const arn = SNS_TOPIC_ARN.exec(snsTopicArn);
  if (snsTopicArn !== '' && !arn) {
    problems.push(
      `SNS_ARN must be a standard SNS topic ARN like arn:aws:sns:us-east-1:123456789012:my-topic; ` +
        `got ${JSON.stringify(snsTopicArn.slice(0, 300))}. FIFO topics (.fifo) are not supported. ` +
        `Set SNS_ARN to the notification topic's ARN.`,
    );
  }
  const structure = env.MESSAGE_STRUCTURE?.trim() || 'json';
  const messageStructure = MESSAGE_STRUCTURES.find((allowed) => allowed === structure);
  if (!messageStructure) {
    problems.push(
      `MESSAGE_STRUCTURE must be json (one message per protocol, the default) or string (one text ` +
        `message for every protocol, with message attributes); got ${JSON.stringify(structure.slice(0, 100))}.`,
    );
  }
  if (problems.length > 0) throw new ConfigError(`Invalid handler configuration: ${problems.join(' ')}`);
  return {
    appName,
    stage,
    snsTopicArn,
    snsRegion: arn?.[2] ?? '',
    dbName: optional(env.DB_NAME),
    dbSecretName: optional(env.DB_SECRET_NAME),
    jobQueueUrl: optional(env.JOB_QUEUE_URL),
    messageStructure: messageStructure ?? 'json',
  };
}

function optional(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}
