import { type HandlerConfig, readConfig } from './config';
import { ConfigError } from './errors';

/** What the stuck-job handler needs besides the topic, read once at cold start. */
export interface StuckConfig extends HandlerConfig {
  readonly stuckAfterMinutes: number;
  /** The schedule group the checks are created in; deleting the stage deletes it and them. */
  readonly scheduleGroup: string;
  /** The role EventBridge Scheduler invokes the check with. */
  readonly schedulerRoleArn: string;
  /** This function: a due check invokes it. */
  readonly checkFunctionArn: string;
  /** Where a check goes that Scheduler could not deliver. */
  readonly deadLetterQueueArn: string;
  /** The stage's `JobsAssignPublicIp`: what Fargate jobs on its queue need. */
  readonly jobsAssignPublicIp?: 'ENABLED' | 'DISABLED';
}

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/;
const SCHEDULE_GROUP = /^[0-9A-Za-z_.-]{1,64}$/;

/** Reads and validates the environment; every problem is reported at once, naming the variable. */
export function readStuckConfig(env: NodeJS.ProcessEnv): StuckConfig {
  const problems: string[] = [];
  let base: HandlerConfig | undefined;
  try {
    base = readConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error.message.replace(/^Invalid handler configuration: /, ''));
  }
  const value = (name: string, pattern: RegExp, example: string): string => {
    const text = env[name]?.trim() ?? '';
    if (!pattern.test(text)) {
      problems.push(
        text === ''
          ? `${name} is missing or empty; set it in the function's environment (e.g. ${example}).`
          : `${name} must look like ${example}; got ${JSON.stringify(text.slice(0, 300))}.`,
      );
    }
    return text;
  };
  const minutesText = value('STUCK_AFTER_MINUTES', /^[1-9]\d{0,4}$/, '30');
  const scheduleGroup = value('SCHEDULE_GROUP', SCHEDULE_GROUP, 'jobs-dev-stuck-checks');
  const schedulerRoleArn = value('SCHEDULER_ROLE_ARN', ARN, 'arn:aws:iam::123456789012:role/scheduler');
  const checkFunctionArn = value(
    'CHECK_FUNCTION_ARN',
    ARN,
    'arn:aws:lambda:ap-northeast-1:123456789012:function:jobs-dev-BatchStuckHandler',
  );
  const deadLetterQueueArn = value(
    'DEAD_LETTER_QUEUE_ARN',
    ARN,
    'arn:aws:sqs:ap-northeast-1:123456789012:dlq',
  );
  const publicIp = env.JOBS_ASSIGN_PUBLIC_IP?.trim() ?? '';
  if (publicIp !== '' && publicIp !== 'ENABLED' && publicIp !== 'DISABLED') {
    problems.push(
      `JOBS_ASSIGN_PUBLIC_IP must be ENABLED or DISABLED, or unset; got ${JSON.stringify(publicIp.slice(0, 50))}.`,
    );
  }
  if (problems.length > 0 || !base)
    throw new ConfigError(`Invalid handler configuration: ${problems.join(' ')}`);
  return {
    ...base,
    stuckAfterMinutes: Number(minutesText),
    scheduleGroup,
    schedulerRoleArn,
    checkFunctionArn,
    deadLetterQueueArn,
    jobsAssignPublicIp: publicIp === '' ? undefined : (publicIp as 'ENABLED' | 'DISABLED'),
  };
}
