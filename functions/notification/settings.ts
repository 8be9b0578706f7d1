import * as z from 'zod';
import { ConfigError } from './errors';

/* Read once at cold start; every problem is reported at once, naming the variable and the fix. */

const missing = (name: string) => `${name} is missing or empty; set it in the function's environment.`;
const shown = (input: unknown, max = 300) => JSON.stringify(String(input).slice(0, max));

export const required = (name: string) =>
  z
    .string({ error: missing(name) })
    .trim()
    .min(1, { error: missing(name), abort: true });

export const matching = (name: string, pattern: RegExp, example: string) =>
  required(name).regex(pattern, {
    error: (issue) => `${name} must look like ${example}; got ${shown(issue.input)}.`,
  });

export const optional = z
  .string()
  .optional()
  .transform((value) => value?.trim() || undefined);

/** arn:<partition>:sns:<region>:<12-digit account>:<topic name of 1-256 letters, digits, - or _>. */
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z]+(?:-[a-z]+)+-\d+):\d{12}:[A-Za-z0-9_-]{1,256}$/;

const messageStructure = optional.pipe(
  z
    .enum(['json', 'string'], {
      error: (issue) =>
        `MESSAGE_STRUCTURE must be json (one message per protocol, the default) or string (one text ` +
        `message for every protocol, with message attributes); got ${shown(issue.input, 100)}.`,
    })
    .default('json'),
);

/** CloudWatch's dashboard names. */
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

export const NotificationSettingsSchema = z.object({
  APP_NAME: required('APP_NAME'),
  STAGE: required('STAGE'),
  SNS_ARN: required('SNS_ARN').regex(SNS_TOPIC_ARN, {
    error: (issue) =>
      `SNS_ARN must be a standard SNS topic ARN like arn:aws:sns:us-east-1:123456789012:my-topic; ` +
      `got ${shown(issue.input)}. FIFO topics (.fifo) are not supported. Set SNS_ARN to the notification topic's ARN.`,
  }),
  MESSAGE_STRUCTURE: messageStructure,
  /** The stage's dashboard, which notifications link to; unset, they do not. */
  DASHBOARD_NAME: optional.pipe(
    z
      .string()
      .regex(DASHBOARD_NAME, {
        error: (issue) =>
          `DASHBOARD_NAME must be a CloudWatch dashboard name (up to 255 letters, digits, - or _), or unset; ` +
          `got ${shown(issue.input, 300)}.`,
      })
      .optional(),
  ),
  /** From the seed's environment; not used yet. */
  DB_NAME: optional,
  DB_SECRET_NAME: optional,
  JOB_QUEUE_URL: optional,
});

export type MessageStructure = 'json' | 'string';

export type NotificationSettings = Readonly<ReturnType<typeof notificationSettingsOf>>;

export function parseEnvironment<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => issue.message));
  return result.data;
}

export function notificationSettingsOf(env: z.output<typeof NotificationSettingsSchema>) {
  return {
    appName: env.APP_NAME,
    stage: env.STAGE,
    snsTopicArn: env.SNS_ARN,
    // From the ARN, so that the client never depends on AWS_REGION.
    snsRegion: SNS_TOPIC_ARN.exec(env.SNS_ARN)?.[1] ?? '',
    messageStructure: env.MESSAGE_STRUCTURE,
    dashboardName: env.DASHBOARD_NAME,
    dbName: env.DB_NAME,
    dbSecretName: env.DB_SECRET_NAME,
    jobQueueUrl: env.JOB_QUEUE_URL,
  };
}

export function readSettings(env: NodeJS.ProcessEnv): NotificationSettings {
  return notificationSettingsOf(parseEnvironment(NotificationSettingsSchema, env));
}
