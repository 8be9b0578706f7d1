import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { githubSubject, type GithubConfig } from '../../infra/config/github';
import { evaluateCondition, type Value } from './github-expressions';

/** The parts of a workflow file the tests read; everything else stays `unknown`. */
export interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}

export interface Job {
  readonly name?: string;
  readonly if?: string;
  readonly needs?: string | string[];
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress': boolean | string };
  readonly environment?: string | { readonly name: string; readonly url?: string };
  readonly permissions?: Record<string, string>;
  readonly env?: Record<string, unknown>;
  readonly steps?: Step[];
  readonly strategy?: unknown;
}

export interface Workflow {
  readonly file: string;
  readonly name: string;
  readonly on: Record<string, Record<string, unknown> | null>;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress': boolean | string };
  readonly env?: Record<string, unknown>;
  readonly jobs: Record<string, Job>;
}

export const ROOT = path.join(__dirname, '..', '..');
export const WORKFLOWS_DIR = path.join(ROOT, '.github', 'workflows');

/** Every workflow file, parsed; the raw text is kept for the checks that read comments. */
export function loadWorkflows(): Array<Workflow & { readonly text: string }> {
  return readdirSync(WORKFLOWS_DIR)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8');
      return { ...(parse(text) as Omit<Workflow, 'file'>), file, text };
    });
}

export function workflowNamed(file: string): Workflow {
  const workflow = loadWorkflows().find((w) => w.file === file);
  if (!workflow) throw new Error(`no workflow ${file}`);
  return workflow;
}

export function environmentOf(job: Job): string | undefined {
  return typeof job.environment === 'string' ? job.environment : job.environment?.name;
}

export const CONFIGURE_AWS_CREDENTIALS = 'aws-actions/configure-aws-credentials';

export function credentialSteps(job: Job): Step[] {
  return (job.steps ?? []).filter((step) => step.uses?.startsWith(`${CONFIGURE_AWS_CREDENTIALS}@`));
}

/** The repository variable a credentials step takes its role from: `${{ vars.NAME }}` -> NAME. */
export function roleVariableOf(step: Step): string {
  const role = step.with?.['role-to-assume'];
  const match = typeof role === 'string' ? /^\$\{\{\s*vars\.([A-Z0-9_]+)\s*\}\}$/.exec(role) : null;
  if (!match?.[1]) throw new Error(`role-to-assume must be \${{ vars.NAME }}, got ${JSON.stringify(role)}`);
  return match[1];
}

/** A way a workflow run can start, with what the job conditions read from it. */
export interface Trigger {
  readonly description: string;
  readonly eventName: 'push' | 'pull_request' | 'workflow_dispatch' | 'schedule';
  /** The git ref the run is on (for pull requests, GitHub's merge ref). */
  readonly ref: string;
  readonly action?: string;
  readonly fromFork?: boolean;
  readonly labels?: readonly string[];
  readonly label?: string;
  readonly inputs?: Record<string, string>;
}

const DEFAULT_PULL_REQUEST_TYPES = ['opened', 'synchronize', 'reopened'];

/** Whether the workflow's `on:` starts a run for the trigger. */
export function triggers(workflow: Workflow, trigger: Trigger): boolean {
  if (!(trigger.eventName in workflow.on)) return false;
  const filter = workflow.on[trigger.eventName] ?? {};
  if (trigger.eventName === 'push') {
    const branches = filter.branches as string[] | undefined;
    return !branches || branches.some((b) => trigger.ref === `refs/heads/${b}`);
  }
  if (trigger.eventName === 'pull_request') {
    const types = (filter.types as string[] | undefined) ?? DEFAULT_PULL_REQUEST_TYPES;
    return types.includes(trigger.action ?? '');
  }
  return true;
}

/** The expression contexts a job condition sees for the trigger. */
export function contextFor(trigger: Trigger, repository: string): Record<string, Value> {
  const pullRequest =
    trigger.eventName === 'pull_request'
      ? {
          number: 42,
          head: {
            repo: { full_name: trigger.fromFork ? `someone/${repository.split('/')[1]}` : repository },
          },
          base: { ref: 'main' },
          labels: (trigger.labels ?? []).map((name) => ({ name })),
        }
      : null;
  return {
    github: {
      event_name: trigger.eventName,
      ref: trigger.ref,
      ref_name: trigger.ref.replace(/^refs\/(heads|tags)\//, ''),
      repository,
      event: {
        action: trigger.action ?? null,
        pull_request: pullRequest,
        label: trigger.label ? { name: trigger.label } : null,
      },
    },
    inputs: trigger.inputs ?? {},
    vars: {},
    needs: {},
  };
}

/** The jobs a trigger runs: those whose condition holds and whose needs ran, with `needs` outputs stubbed. */
export function jobsRun(workflow: Workflow, trigger: Trigger, repository: string): string[] {
  if (!triggers(workflow, trigger)) return [];
  const context = contextFor(trigger, repository);
  const ran = new Set<string>();
  const ids = Object.keys(workflow.jobs);
  // Jobs are listed in an order where needs come first in these workflows; check that it holds.
  for (const id of ids) {
    const job = workflow.jobs[id] as Job;
    const needs = job.needs === undefined ? [] : [job.needs].flat();
    if (!needs.every((n) => ran.has(n))) continue;
    const needsContext = Object.fromEntries(
      needs.map((n) => [n, { outputs: { stages: '["pr-1"]' }, result: 'success' }]),
    );
    if (evaluateCondition(job.if, { ...context, needs: needsContext })) ran.add(id);
  }
  return [...ran];
}

/**
 * The `sub` claim a job presents, by GitHub's documented precedence: the job's environment, else
 * `pull_request` for a pull-request event, else the ref.
 */
export function subjectOf(github: GithubConfig, job: Job, trigger: Trigger): string {
  const environment = environmentOf(job);
  if (environment) return githubSubject(github, { environment });
  if (trigger.eventName === 'pull_request') return githubSubject(github, { pullRequest: true });
  return githubSubject(github, { ref: trigger.ref });
}

/** The claims of a token, by IAM condition key. */
export type Claims = Record<string, string>;

/**
 * Whether an IAM trust statement's conditions accept the claims. Only the operators the trust
 * policies may use are understood (`StringEquals`, `StringLike`); any other operator, `ForAllValues`
 * included, makes this throw.
 */
export function conditionsAccept(
  conditions: Record<string, Record<string, unknown>>,
  claims: Claims,
): boolean {
  return Object.entries(conditions).every(([operator, keys]) => {
    if (operator !== 'StringEquals' && operator !== 'StringLike') {
      throw new Error(`trust policy: unsupported condition operator ${operator}`);
    }
    return Object.entries(keys).every(([key, expected]) => {
      const actual = claims[key];
      if (actual === undefined) return false;
      const values = [expected].flat().map(String);
      return values.some((value) =>
        operator === 'StringEquals' ? actual === value : globMatch(value, actual),
      );
    });
  });
}

/** IAM `StringLike`: `*` matches any run of characters, `?` any one character, case-sensitively. */
export function globMatch(pattern: string, value: string): boolean {
  const regex = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`).test(value);
}
