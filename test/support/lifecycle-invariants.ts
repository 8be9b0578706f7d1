/** Invariants 3, 4 and 5 of the lifecycle model (test/support/lifecycle.ts), as messages. */
import { roleSubjects, type GithubConfig } from '../../infra/config/github';
import type { Effect } from './lifecycle-steps';
import { credentialSteps, roleVariableOf, subjectOf, type Job, type Trigger } from './workflows';

/** A job at work on a stage, in minutes of the model's clock. */
export interface Interval {
  readonly stage: string;
  readonly from: number;
  to: number;
  readonly who: string;
}

/** The session a job's first credentials step asks for; none without one. */
export function sessionSeconds(job: Job): number {
  const step = credentialSteps(job)[0];
  return step ? Number(step.with?.['role-duration-seconds'] ?? 3600) : Infinity;
}

/** Invariant 3: a job that assumes a role ends before its session does. */
export function sessionViolations(
  name: string,
  job: Job,
  minutes: { readonly timeout: number; readonly ran: number },
  maxSession: { readonly deploy: number; readonly preview: number },
): string[] {
  const step = credentialSteps(job)[0];
  if (!step) return [];
  const seconds = sessionSeconds(job);
  const role = roleVariableOf(step) === 'PREVIEW_ROLE_ARN' ? 'preview' : 'deploy';
  const { timeout, ran } = minutes;
  return [
    seconds > maxSession[role] &&
      `${name} requests ${seconds} s, over the ${role} role's ${maxSession[role]} s`,
    timeout * 60 > seconds && `${name} may run ${timeout} min on a session of ${seconds / 60} min`,
    ran * 60 > seconds &&
      ran <= timeout &&
      `${name} ran ${ran} min on a session of ${seconds / 60} min: ExpiredToken`,
  ].filter((message) => message !== false);
}

/** Invariant 4: the role a job uses accepts its subject, and no other role does if it may ask for one. */
export function trustViolations(
  name: string,
  job: Job & { readonly file: string },
  trigger: Trigger,
  github: GithubConfig,
): string[] {
  const step = credentialSteps(job)[0];
  const used = step && roleVariableOf(step);
  const subject = subjectOf(github, job, trigger);
  const roles = {
    DEPLOY_ROLE_ARN: roleSubjects(github, 'deploy'),
    PREVIEW_ROLE_ARN: roleSubjects(github, 'preview'),
  };
  // As IAM's StringLike: `*` matches any characters.
  const like = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.?+^$|()[\]{}\\]/g, '\\$&'))
        .join('.*')}$`,
    );
  const accepting = Object.entries(roles)
    .filter(([, subjects]) => subjects.some((pattern) => like(pattern).test(subject)))
    .map(([variable]) => variable);
  const others = accepting.filter((variable) => variable !== used);
  return [
    ...(used && !accepting.includes(used) ? [`${name}: ${used} refuses ${subject}`] : []),
    ...(job.permissions?.['id-token'] === 'write' && others.length > 0
      ? [`${name}: ${others.join(', ')} would accept ${subject}, which it does not use`]
      : []),
  ];
}

/** Invariant 7: a job that lists workflow runs (the turn, the sweep's plan, a recheck of `integ`) may read actions. */
export function scopeViolations(name: string, job: Job, effect: Effect): string[] {
  const lists =
    effect.kind === 'turn' ||
    effect.kind === 'plan' ||
    (effect.kind === 'destroy' && effect.recheck && effect.stage === 'integ');
  return lists && job.permissions?.actions !== 'read'
    ? [`${name} lists workflow runs without actions: read`]
    : [];
}

/** Invariant 5: two jobs on one stage never overlap. */
export function overlaps(intervals: readonly Interval[]): string[] {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  return sorted.flatMap((a, i) =>
    sorted
      .slice(i + 1)
      .filter((b) => a.stage === b.stage && b.from < a.to && a.who !== b.who)
      .map(
        (b) =>
          `${a.who} and ${b.who} work on ${a.stage} at the same time (minutes ${b.from}-${Math.min(a.to, b.to)})`,
      ),
  );
}
