import * as z from 'zod';
import {
  matching,
  NotificationSettingsSchema,
  notificationSettingsOf,
  optional,
  parseEnvironment,
} from '../notification/settings';

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/;

const StuckSettingsSchema = NotificationSettingsSchema.extend({
  STUCK_AFTER_MINUTES: matching('STUCK_AFTER_MINUTES', /^[1-9]\d{0,4}$/, '30').transform(Number),
  SCHEDULE_GROUP: matching('SCHEDULE_GROUP', /^[0-9A-Za-z_.-]{1,64}$/, 'jobs-dev-stuck-checks'),
  SCHEDULER_ROLE_ARN: matching('SCHEDULER_ROLE_ARN', ARN, 'arn:aws:iam::123456789012:role/scheduler'),
  /** This function, which a due check invokes. */
  CHECK_FUNCTION_ARN: matching(
    'CHECK_FUNCTION_ARN',
    ARN,
    'arn:aws:lambda:ap-northeast-1:123456789012:function:jobs-dev-BatchStuckHandler',
  ),
  DEAD_LETTER_QUEUE_ARN: matching(
    'DEAD_LETTER_QUEUE_ARN',
    ARN,
    'arn:aws:sqs:ap-northeast-1:123456789012:dlq',
  ),
  /** The stage's `JobsAssignPublicIp`: what Fargate jobs on its queue need. */
  JOBS_ASSIGN_PUBLIC_IP: optional.pipe(
    z
      .enum(['ENABLED', 'DISABLED'], {
        error: (issue) =>
          `JOBS_ASSIGN_PUBLIC_IP must be ENABLED or DISABLED, or unset; got ${JSON.stringify(String(issue.input).slice(0, 50))}.`,
      })
      .optional(),
  ),
});

export type StuckSettings = Readonly<ReturnType<typeof readStuckSettings>>;

export function readStuckSettings(env: NodeJS.ProcessEnv) {
  const parsed = parseEnvironment(StuckSettingsSchema, env);
  return {
    ...notificationSettingsOf(parsed),
    stuckAfterMinutes: parsed.STUCK_AFTER_MINUTES,
    scheduleGroup: parsed.SCHEDULE_GROUP,
    schedulerRoleArn: parsed.SCHEDULER_ROLE_ARN,
    checkFunctionArn: parsed.CHECK_FUNCTION_ARN,
    deadLetterQueueArn: parsed.DEAD_LETTER_QUEUE_ARN,
    jobsAssignPublicIp: parsed.JOBS_ASSIGN_PUBLIC_IP,
  };
}
