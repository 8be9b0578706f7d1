import * as z from 'zod';
import { ConfigError } from './errors';

/*
 * The handlers' settings, read from the environment once at cold start. Each check's message names
 * the variable and the fix, and every problem is reported at once, so a misconfigured deployment
 * fails at init with one readable error.
 */

const missing = (name: string) => `${name} is missing or empty; set it in the function's environment.`;
const shown = (input: unknown, max = 300) => JSON.stringify(String(input).slice(0, max));

/** A variable that must be set; trimmed. */
export const required = (name: string) =>
  z
    .string({ error: missing(name) })
    .trim()
    .min(1, { error: missing(name), abort: true });

/** A required variable of a given form, refused with an example of it and the value it had. */
export const matching = (name: string, pattern: RegExp, example: string) =>
  required(name).regex(pattern, {
    error: (issue) => `${name} must look like ${example}; got ${shown(issue.input)}.`,
  });

const optional = z
  .string()
  .optional()
  .transform((value) => value?.trim() || undefined);

/** arn:<partition>:sns:<region>:<12-digit account>:<topic name of 1-256 letters, digits, - or _>. */
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z]+(?:-[a-z]+)+-\d+):\d{12}:[A-Za-z0-9_-]{1,256}$/;

/**
 * MESSAGE_STRUCTURE: `json` (the default) publishes one body per protocol (text, chat card, JSON
 * document); `string` one text for every protocol, with the message attributes (docs/handlers.md).
 */
const messageStructure = optional.pipe(
  z
    .enum(['json', 'string'], {
      error: (issue) =>
        `MESSAGE_STRUCTURE must be json (one message per protocol, the default) or string (one text ` +
        `message for every protocol, with message attributes); got ${shown(issue.input, 100)}.`,
    })
    .default('json'),
);

export const NotificationSettingsSchema = z.object({
  APP_NAME: required('APP_NAME'),
  STAGE: required('STAGE'),
  SNS_ARN: required('SNS_ARN').regex(SNS_TOPIC_ARN, {
    error: (issue) =>
      `SNS_ARN must be a standard SNS topic ARN like arn:aws:sns:us-east-1:123456789012:my-topic; ` +
      `got ${shown(issue.input)}. FIFO topics (.fifo) are not supported. Set SNS_ARN to the notification topic's ARN.`,
  }),
  MESSAGE_STRUCTURE: messageStructure,
  /** Passed through from the seed's environment; the handlers do not use them yet. */
  DB_NAME: optional,
  DB_SECRET_NAME: optional,
  JOB_QUEUE_URL: optional,
});

export type MessageStructure = 'json' | 'string';

/** What every handler needs, read once at cold start. */
export interface NotificationSettings {
  readonly appName: string;
  readonly stage: string;
  /** The standard SNS topic the notifications go to. */
  readonly snsTopicArn: string;
  /** The topic's region, taken from its ARN so that the client never depends on AWS_REGION. */
  readonly snsRegion: string;
  readonly messageStructure: MessageStructure;
  readonly dbName: string | undefined;
  readonly dbSecretName: string | undefined;
  readonly jobQueueUrl: string | undefined;
}

/** Validates `env` against `schema`; throws one ConfigError listing every problem. */
export function parseEnvironment<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => issue.message));
  return result.data;
}

export function notificationSettingsOf(
  env: z.output<typeof NotificationSettingsSchema>,
): NotificationSettings {
  return {
    appName: env.APP_NAME,
    stage: env.STAGE,
    snsTopicArn: env.SNS_ARN,
    snsRegion: SNS_TOPIC_ARN.exec(env.SNS_ARN)?.[1] ?? '',
    messageStructure: env.MESSAGE_STRUCTURE,
    dbName: env.DB_NAME,
    dbSecretName: env.DB_SECRET_NAME,
    jobQueueUrl: env.JOB_QUEUE_URL,
  };
}

export function readSettings(env: NodeJS.ProcessEnv): NotificationSettings {
  return notificationSettingsOf(parseEnvironment(NotificationSettingsSchema, env));
}
