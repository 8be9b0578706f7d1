import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { matchesBranchPattern } from '../../infra/config/branch-pattern';
import { githubSubject, type GithubConfig } from '../../infra/config/github';
import { parseConfig, type AppConfig } from '../../infra/config/load';
import { appConfig } from '../../infra/config/stages';
import { previewTarget } from '../../scripts/github/preview-target';
import { evaluateCondition, type Value } from './github-expressions';

/** The parts of a workflow file the tests read. */
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
  readonly outputs?: Record<string, string>;
  readonly 'timeout-minutes'?: number;
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

/** Every workflow file of a directory (the repository's, or an earlier version's), parsed, with its text. */
export function loadWorkflows(
  dir = path.join(ROOT, '.github', 'workflows'),
): Array<Workflow & { readonly text: string }> {
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      return { ...(parse(text) as Omit<Workflow, 'file'>), file, text };
    });
}

/** A local composite action (`.github/actions/<name>/action.yml`). */
export interface LocalAction {
  readonly file: string;
  readonly text: string;
  readonly runs: { readonly using: string; readonly steps: Step[] };
}

export function loadLocalActions(): LocalAction[] {
  return readdirSync(path.join(ROOT, '.github', 'actions'))
    .sort()
    .map((name) => {
      const file = path.join('.github', 'actions', name, 'action.yml');
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      return { ...(parse(text) as Omit<LocalAction, 'file' | 'text'>), file, text };
    });
}

export function workflowNamed(file: string): Workflow {
  const workflow = loadWorkflows().find((w) => w.file === file);
  if (!workflow) throw new Error(`no workflow ${file}`);
  return workflow;
}

/** The run step of `file`'s `job` whose name matches. */
export function stepNamed(file: string, job: string, name: RegExp): Step & { readonly run: string } {
  const step = (workflowNamed(file).jobs[job]?.steps ?? []).find((s) => name.test(s.name ?? ''));
  if (!step?.run) throw new Error(`no run step ${String(name)} in ${file}/${job}`);
  return { ...step, run: step.run };
}

/** A `run:` script in bash as the workflows run it (`defaults.run.shell: bash`), with only `env` and PATH. */
export function bash(script: string, cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function environmentOf(job: Job): string | undefined {
  return typeof job.environment === 'string' ? job.environment : job.environment?.name;
}

export function credentialSteps(job: Job): Step[] {
  return (job.steps ?? []).filter((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
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
  readonly eventName: 'push' | 'pull_request' | 'workflow_dispatch' | 'schedule' | 'delete';
  /** For pull requests, GitHub's merge ref. */
  readonly ref: string;
  readonly action?: string;
  readonly fromFork?: boolean;
  /** A pull request opened by a bot (its user's type `Bot`). */
  readonly bot?: boolean;
  readonly labels?: readonly string[];
  readonly label?: string;
  readonly inputs?: Record<string, string>;
  /** A pull request's head branch. @default 'feature/x' */
  readonly headRef?: string;
  readonly prNumber?: number;
  /** The commit the run is for (the lifecycle model's code at the push). */
  readonly commit?: unknown;
  /** `delete`: the deleted branch. */
  readonly deletedRef?: string;
}

/** Whether the workflow's `on:` starts a run for the trigger. */
export function triggers(workflow: Workflow, trigger: Trigger): boolean {
  if (!(trigger.eventName in workflow.on)) return false;
  const filter = workflow.on[trigger.eventName] ?? {};
  if (trigger.eventName === 'push') {
    const branches = filter.branches as string[] | undefined;
    const branch = trigger.ref.replace(/^refs\/heads\//, '');
    return !branches || branches.some((b) => matchesBranchPattern(b, branch));
  }
  if (trigger.eventName === 'pull_request') {
    const types = (filter.types as string[] | undefined) ?? ['opened', 'synchronize', 'reopened'];
    return types.includes(trigger.action ?? '');
  }
  return true;
}

/** The expression contexts a job condition sees for the trigger. */
export function contextFor(trigger: Trigger, repository: string): Record<string, Value> {
  const pullRequest =
    trigger.eventName === 'pull_request'
      ? {
          number: trigger.prNumber ?? 42,
          user: { type: trigger.bot ? 'Bot' : 'User' },
          head: {
            ref: trigger.headRef ?? 'feature/x',
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
      head_ref: pullRequest ? (trigger.headRef ?? 'feature/x') : '',
      run_id: '1',
      event: {
        action: trigger.action ?? null,
        pull_request: pullRequest,
        label: trigger.label ? { name: trigger.label } : null,
        ref: trigger.eventName === 'delete' ? (trigger.deletedRef ?? null) : trigger.ref,
        ref_type: trigger.eventName === 'delete' ? 'branch' : null,
        deleted: false,
        repository: { default_branch: 'main' },
      },
    },
    inputs: trigger.inputs ?? {},
    vars: {},
    needs: {},
  };
}

/** The environment GitHub gives a step for the trigger, as far as the scripts the workflows run read it. */
export function stepEnvironment(trigger: Trigger): NodeJS.ProcessEnv {
  return {
    GITHUB_EVENT_NAME: trigger.eventName,
    GITHUB_REF_NAME: trigger.ref.replace(/^refs\/(heads|tags)\//, ''),
    GITHUB_REF_TYPE: trigger.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    DEFAULT_BRANCH: 'main',
    EVENT_ACTION: trigger.action,
    PR_NUMBER: trigger.eventName === 'pull_request' ? String(trigger.prNumber ?? 42) : '',
    HEAD_REF: trigger.eventName === 'pull_request' ? (trigger.headRef ?? 'feature/x') : '',
    EVENT_REF: trigger.deletedRef,
    REF_TYPE: trigger.eventName === 'delete' ? 'branch' : '',
    PUSH_DELETED: 'false',
    INPUT_ACTION: trigger.inputs?.action,
  };
}

/**
 * The outputs a job gives its dependants: for a job that runs `scripts/github/preview-target.ts`, what that
 * script prints for the trigger; for any other, a stub (`stages: ["pr-1"]`, the sweep's matrix).
 */
export function defaultOutputs(
  job: Job,
  trigger: Trigger,
  config: AppConfig = parseConfig(appConfig),
): Record<string, string> {
  if ((job.steps ?? []).some((s) => s.run?.includes('scripts/github/preview-target.ts'))) {
    const target = previewTarget(config, stepEnvironment(trigger));
    return { name: target.name, action: target.action };
  }
  return { stages: '["pr-1"]' };
}

/** A job's result and outputs: a failure when its script throws (a clear error in the job's log). */
function finished(job: Job, trigger: Trigger): { outputs: Record<string, string>; result: string } {
  try {
    return { outputs: defaultOutputs(job, trigger), result: 'success' };
  } catch {
    return { outputs: {}, result: 'failure' };
  }
}

/** The jobs a trigger runs: those whose condition holds and whose needs ran, with `needs` outputs modelled. */
export function jobsRun(workflow: Workflow, trigger: Trigger, repository: string): string[] {
  if (!triggers(workflow, trigger)) return [];
  const context = contextFor(trigger, repository);
  const ran = new Set<string>();
  // In these workflows a job's needs are listed before it.
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const needs = [job.needs ?? []].flat();
    const always = /\balways\(\)/.test(String(job.if ?? ''));
    if (!always && !needs.every((n) => ran.has(n))) continue;
    const needsContext = Object.fromEntries(
      needs.map((n) => [
        n,
        ran.has(n) ? finished(workflow.jobs[n] as Job, trigger) : { outputs: {}, result: 'skipped' },
      ]),
    );
    if (evaluateCondition(job.if, { ...context, needs: needsContext })) ran.add(id);
  }
  return [...ran];
}

/**
 * The `sub` claim a job of workflow `file` presents with the repository's customized subject
 * (GITHUB_SUBJECT_CLAIMS): the context by GitHub's documented precedence (the job's environment, else
 * `pull_request` for a pull-request event, else the ref), then the workflow file at the run's ref.
 */
export function subjectOf(
  github: GithubConfig,
  job: Job & { readonly file: string },
  trigger: Trigger,
): string {
  const environment = environmentOf(job);
  const workflow = { file: job.file, ref: trigger.ref };
  if (environment) return githubSubject(github, { environment }, workflow);
  if (trigger.eventName === 'pull_request') return githubSubject(github, { pullRequest: true }, workflow);
  return githubSubject(github, { ref: trigger.ref }, workflow);
}
