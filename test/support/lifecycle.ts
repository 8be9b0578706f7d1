/**
 * A model of the ephemeral stages' lifecycle, run on the workflow files themselves (parsed from a
 * directory: the repository's, or an earlier version's): events start runs, GitHub's concurrency
 * semantics queue and cancel them, the steps the jobs run create and destroy stacks in a modelled
 * preview account, and time passes. What a step does is read from its `run:` text (cdk deploy, cdk
 * destroy, the ephemeral script, integ-runner, the turn, the sweep's find); the scripts' own
 * decisions (preview-target, the sweep) are the real functions.
 *
 * Concurrency, as GitHub documents it: a group holds one running and one pending run or job; a
 * newly queued one cancels the pending one, whatever `cancel-in-progress` says; a workflow-level
 * group is entered by every run, a job-level group only by a job that runs.
 */
import { deployRoleSubjects, previewRoleSubjects } from '../../infra/config/github';
import { EPHEMERAL_TAGS } from '../../infra/config/ephemeral';
import type { AppConfig } from '../../infra/config/schema';
import { stageNameFromBranch } from '../../infra/config/stage-name';
import {
  decideWith,
  groupByStage,
  type StageFacts,
  type StageStacks,
} from '../../scripts/github/ephemeral-sweep';
import type { EphemeralStack } from '../../scripts/github/ephemeral-stacks';
import { evaluate, evaluateCondition, interpolate, type Value } from './github-expressions';
import {
  contextFor,
  credentialSteps,
  defaultOutputs,
  roleVariableOf,
  subjectOf,
  stepEnvironment,
  triggers,
  type Job,
  type Step,
  type Trigger,
  type Workflow,
} from './workflows';
import { previewTarget } from '../../scripts/github/preview-target';

/** What a stage's code synthesizes: the app name and the stacks besides JobBase. */
export interface Code {
  readonly appName: string;
  readonly extraStacks?: readonly string[];
}

export interface ModelStack {
  readonly name: string;
  readonly stage: string;
  status: string;
  readonly createdAt: number;
  readonly tagged: boolean;
}

interface PullRequest {
  open: boolean;
  conflicted: boolean;
  readonly headRef: string;
  labels: string[];
  code: Code;
}

type JobStatus = 'waiting' | 'pending' | 'running' | 'success' | 'failure' | 'cancelled' | 'skipped';

interface JobRun {
  readonly key: string;
  readonly id: string;
  readonly job: Job;
  readonly matrix?: Record<string, Value>;
  status: JobStatus;
  startedAt?: number;
  endsAt?: number;
  outputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
  effect?: Effect;
}

interface Run {
  readonly id: number;
  readonly workflow: Workflow;
  readonly trigger: Trigger;
  readonly createdAt: number;
  status: 'pending' | 'running' | 'completed';
  jobs: JobRun[];
}

type Effect =
  | { kind: 'deploy'; stage: string; code: Code }
  | { kind: 'cdk-destroy'; stage: string; code: Code }
  | { kind: 'destroy'; stage: string; recheck: boolean }
  | { kind: 'integ' }
  | { kind: 'find' }
  | { kind: 'plan' }
  | { kind: 'turn' }
  | { kind: 'none' };

export interface Violation {
  readonly invariant: 1 | 2 | 3 | 4 | 5;
  readonly message: string;
}

export interface ModelOptions {
  readonly workflows: readonly Workflow[];
  readonly config: AppConfig;
  /** The longest session each role allows, in seconds. */
  readonly maxSession: { readonly deploy: number; readonly preview: number };
  /** Minutes an integration run takes. @default 30 */
  readonly integMinutes?: number;
}

const MAIN: Code = { appName: 'jobs' };
/** GitHub's default job timeout, in minutes. */
const timeoutOf = (job: Job): number => job['timeout-minutes'] ?? 360;
const FINISHED: readonly JobStatus[] = ['success', 'failure', 'cancelled', 'skipped'];
const DEPLOY_MINUTES = 10;

export class LifecycleModel {
  now = 0;
  readonly stacks = new Map<string, ModelStack>();
  readonly prs = new Map<number, PullRequest>();
  readonly branches = new Map<string, Code>([['main', MAIN]]);
  readonly runs: Run[] = [];
  readonly violations: Violation[] = [];
  private readonly groups = new Map<string, { running?: string; pending?: string }>();
  private readonly intervals: Array<{ stage: string; from: number; to: number; who: string }> = [];
  private nextRun = 1;
  readonly repository: string;

  private get integMinutes(): number {
    return this.options.integMinutes ?? 30;
  }

  constructor(private readonly options: ModelOptions) {
    this.repository = `${options.config.github.owner}/${options.config.github.repository}`;
  }

  // --- events -------------------------------------------------------------------------------------

  openPullRequest(number: number, headRef: string, code: Code = MAIN): void {
    this.branches.set(headRef, code);
    this.prs.set(number, { open: true, conflicted: false, headRef, labels: [], code });
    this.pullRequestEvent(number, 'opened');
  }
  pushToPullRequest(number: number, code?: Code): void {
    const pr = this.pr(number);
    if (code) pr.code = code;
    this.branches.set(pr.headRef, pr.code);
    this.pullRequestEvent(number, 'synchronize');
  }
  label(number: number, label: string): void {
    this.pr(number).labels.push(label);
    this.pullRequestEvent(number, 'labeled', label);
  }
  conflict(number: number): void {
    this.pr(number).conflicted = true;
  }
  close(number: number, merged = false): void {
    const pr = this.pr(number);
    pr.open = false;
    if (merged) this.push('main', pr.code);
    this.pullRequestEvent(number, 'closed');
  }
  reopen(number: number): void {
    this.pr(number).open = true;
    this.pullRequestEvent(number, 'reopened');
  }
  push(branch: string, code: Code = MAIN): void {
    this.branches.set(branch, code);
    this.start({ description: `push ${branch}`, eventName: 'push', ref: `refs/heads/${branch}` });
  }
  deleteBranch(branch: string): void {
    this.branches.delete(branch);
    this.start({
      description: `delete ${branch}`,
      eventName: 'delete',
      ref: 'refs/heads/main',
      deletedRef: branch,
    });
  }
  dispatch(file: string, branch: string, inputs: Record<string, string> = {}): void {
    this.start(
      {
        description: `dispatch ${file}`,
        eventName: 'workflow_dispatch',
        ref: `refs/heads/${branch}`,
        inputs,
      },
      file,
    );
  }
  /** The nightly schedules, each workflow at its own cron time of the coming night. */
  nightly(): void {
    const day = Math.floor(this.now / 1440) * 1440;
    const times = this.options.workflows.flatMap((w) => {
      const cron = (w.on.schedule as unknown as Array<{ cron: string }> | undefined)?.[0]?.cron;
      const [minute, hour] = (cron ?? '').split(' ').map(Number);
      return cron ? [{ file: w.file, at: day + 1440 + (hour ?? 0) * 60 + (minute ?? 0) }] : [];
    });
    for (const { file, at } of times.sort((a, b) => a.at - b.at)) {
      this.advanceTo(at);
      this.start({ description: 'schedule', eventName: 'schedule', ref: 'refs/heads/main' }, file);
    }
  }
  /** One workflow's schedule, now. */
  schedule(file: string): void {
    this.start({ description: 'schedule', eventName: 'schedule', ref: 'refs/heads/main' }, file);
  }
  resolveConflict(number: number): void {
    this.pr(number).conflicted = false;
  }
  /** Cancels a run midway, as a person or a timeout does: its running jobs stop, `always()` jobs still run. */
  cancel(file: string): void {
    for (const run of this.runs.filter((r) => r.workflow.file === file && r.status !== 'completed')) {
      for (const job of run.jobs.filter(
        (j) => j.status === 'running' || j.status === 'pending' || j.status === 'waiting',
      )) {
        if (job.status === 'running') this.end(run, job, 'cancelled');
        else if (!/always\(\)/.test(String(job.job.if ?? ''))) this.setStatus(job, 'cancelled');
      }
    }
    this.step();
  }
  advance(minutes: number): void {
    this.advanceTo(this.now + minutes);
  }
  /** Lets every run finish. */
  settle(): void {
    for (let i = 0; i < 2000 && this.runs.some((r) => r.status !== 'completed'); i++) this.advance(5);
  }

  // --- queries ------------------------------------------------------------------------------------

  liveStacks(): ModelStack[] {
    return [...this.stacks.values()].filter((s) => s.status !== 'DELETE_COMPLETE');
  }

  /** Invariant 1: no stack of a closed pull request, a deleted branch or a finished integration run. */
  checkNothingLeft(): void {
    const integRunning = this.runs.some((r) => r.workflow.file === 'integ.yml' && r.status !== 'completed');
    for (const stack of this.liveStacks()) {
      const pr = /^pr-(\d+)$/.exec(stack.stage);
      const why = pr
        ? !this.prs.get(Number(pr[1]))?.open && `pull request #${pr[1]} is closed`
        : stack.stage === 'integ'
          ? !integRunning && 'no integration run holds it'
          : ![...this.branches.keys()].some((b) => stageNameFromBranch(b) === stack.stage) &&
            'its branch is deleted';
      if (why) this.violate(1, `${stack.name} (${stack.status}) remains: ${why}`);
    }
  }

  // --- the engine -----------------------------------------------------------------------------------

  private pr(number: number): PullRequest {
    const pr = this.prs.get(number);
    if (!pr) throw new Error(`no pull request #${number}`);
    return pr;
  }

  private pullRequestEvent(number: number, action: string, label?: string): void {
    const pr = this.pr(number);
    // GitHub runs no pull_request workflow while the pull request has a merge conflict.
    if (pr.conflicted) return;
    this.start({
      description: `pull request #${number} ${action}`,
      eventName: 'pull_request',
      action,
      label,
      labels: [...pr.labels],
      prNumber: number,
      headRef: pr.headRef,
      ref: `refs/pull/${number}/merge`,
    });
  }

  private start(trigger: Trigger, only?: string): void {
    for (const workflow of this.options.workflows) {
      if ((only && workflow.file !== only) || !triggers(workflow, trigger)) continue;
      const run: Run = {
        id: this.nextRun++,
        workflow,
        trigger,
        createdAt: this.now,
        status: 'pending',
        jobs: Object.entries(workflow.jobs).map(([id, job]) =>
          this.jobRun(`${this.nextRun - 1}/${id}`, id, job),
        ),
      };
      this.runs.push(run);
      if (workflow.concurrency)
        this.enter(interpolate(workflow.concurrency.group, this.context(run)), `run:${run.id}`);
      else run.status = 'running';
    }
    this.step();
  }

  private jobRun(key: string, id: string, job: Job, matrix?: Record<string, Value>): JobRun {
    return { key, id, job, matrix, status: 'waiting', outputs: {}, steps: {} };
  }

  private context(run: Run, job?: JobRun): Record<string, Value> {
    const needs = Object.fromEntries(
      [job?.job.needs ?? []].flat().map((n) => {
        const done = run.jobs.filter((j) => j.id === n);
        const result = done.every((j) => j.status === 'success')
          ? 'success'
          : (done.find((j) => j.status !== 'success')?.status ?? 'skipped');
        return [n, { result, outputs: Object.assign({}, ...done.map((j) => j.outputs)) as Value }];
      }),
    );
    return {
      ...contextFor(run.trigger, this.repository),
      needs,
      matrix: job?.matrix ?? {},
      steps: job?.steps ?? {},
      strategy: {},
      runner: { temp: '/tmp' },
    };
  }

  /** Enters a concurrency group: runs at once, or waits, cancelling whatever waited before. */
  private enter(group: string, who: string): void {
    const slot = this.groups.get(group) ?? {};
    this.groups.set(group, slot);
    if (!slot.running) {
      slot.running = who;
      this.activate(who);
      return;
    }
    if (slot.pending) {
      this.checkCancellation(slot.pending, who);
      this.cancelUnit(slot.pending);
    }
    slot.pending = who;
  }

  private leave(who: string): void {
    for (const slot of this.groups.values()) {
      if (slot.pending === who) slot.pending = undefined;
      if (slot.running !== who) continue;
      slot.running = slot.pending;
      slot.pending = undefined;
      if (slot.running) this.activate(slot.running);
    }
  }

  private unit(who: string): { run: Run; job?: JobRun } {
    const [kind, id] = who.split(':');
    if (kind === 'run') return { run: this.runs.find((r) => r.id === Number(id))! };
    const run = this.runs.find((r) => r.jobs.some((j) => j.key === id))!;
    return { run, job: run.jobs.find((j) => j.key === id) };
  }

  private activate(who: string): void {
    const { run, job } = this.unit(who);
    if (job) this.begin(run, job);
    else run.status = 'running';
  }

  private cancelUnit(who: string): void {
    const { run, job } = this.unit(who);
    if (job) this.setStatus(job, 'cancelled');
    else {
      run.status = 'completed';
      for (const j of run.jobs) this.setStatus(j, 'cancelled');
    }
  }

  /** Invariant 2: what is cancelled for a newcomer that executes nothing must do nothing either. */
  private checkCancellation(cancelled: string, by: string): void {
    const doesSomething = (who: string): boolean => {
      const { run, job } = this.unit(who);
      return (job ? [job] : run.jobs).some((j) => this.wouldRun(run, j) && this.effectful(j.job));
    };
    if (doesSomething(cancelled) && !doesSomething(by)) {
      this.violate(
        2,
        `${this.describe(by)} does nothing, yet cancels the waiting ${this.describe(cancelled)}`,
      );
    }
  }

  private describe(who: string): string {
    const { run, job } = this.unit(who);
    return `${run.workflow.file}${job ? `/${job.id}` : ''} (${run.trigger.description})`;
  }

  private wouldRun(run: Run, job: JobRun): boolean {
    try {
      return evaluateCondition(job.job.if, {
        ...this.context(run, job),
        needs: this.optimisticNeeds(run, job),
      });
    } catch {
      return true;
    }
  }

  /** The needs context if every need succeeded with the outputs its steps would give. */
  private optimisticNeeds(run: Run, job: JobRun): Value {
    return Object.fromEntries(
      [job.job.needs ?? []].flat().map((n) => {
        const outputs = defaultOutputs(run.workflow.jobs[n] as Job, run.trigger, this.options.config);
        return [n, { result: 'success', outputs }];
      }),
    );
  }

  private effectful(job: Job): boolean {
    return (job.steps ?? []).some((s) =>
      /npx cdk (deploy|destroy)|scripts\/(?:github\/)?ephemeral\.ts|integ:update|npm test|list-stacks|put-object/.test(
        s.run ?? '',
      ),
    );
  }

  private setStatus(job: JobRun, status: JobStatus): void {
    if (FINISHED.includes(job.status)) return;
    const wasRunning = job.status === 'running';
    const wasPending = job.status === 'pending';
    job.status = status;
    if (wasRunning || wasPending) this.leave(`job:${job.key}`);
  }

  /** Moves every run forward as far as it goes now. */
  private step(): void {
    for (let changed = true; changed;) {
      changed = false;
      for (const run of this.runs.filter((r) => r.status === 'running')) {
        for (const job of run.jobs.filter((j) => j.status === 'waiting')) {
          const needs = [job.job.needs ?? []].flat();
          const states = needs.map((n) => run.jobs.filter((j) => j.id === n));
          if (states.some((list) => list.some((j) => !FINISHED.includes(j.status)))) continue;
          const always = /always\(\)/.test(String(job.job.if ?? ''));
          const allGood = states.every((list) => list.every((j) => j.status === 'success'));
          changed = true;
          if ((!always && !allGood) || !evaluateCondition(job.job.if, this.context(run, job))) {
            this.setStatus(job, 'skipped');
            continue;
          }
          if (this.expand(run, job)) continue;
          if (job.job.concurrency) {
            job.status = 'pending';
            this.enter(interpolate(job.job.concurrency.group, this.context(run, job)), `job:${job.key}`);
          } else this.begin(run, job);
        }
        if (run.jobs.every((j) => FINISHED.includes(j.status))) {
          run.status = 'completed';
          this.leave(`run:${run.id}`);
          changed = true;
        }
      }
    }
  }

  /** A matrix job becomes one job per entry (the sweep's destroy per stage). */
  private expand(run: Run, job: JobRun): boolean {
    const matrix = (job.job.strategy as { matrix?: Record<string, unknown> } | undefined)?.matrix;
    if (!matrix || job.matrix) return false;
    const [key, expression] = Object.entries(matrix).find(([k]) => k !== 'include' && k !== 'exclude') ?? [];
    const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(String(expression))?.[1];
    const values = (inner ? evaluate(inner, this.context(run, job)) : expression) as Value[];
    run.jobs.splice(
      run.jobs.indexOf(job),
      1,
      ...values.map((v, i) => this.jobRun(`${job.key}#${i}`, job.id, job.job, { [key!]: v })),
    );
    return true;
  }

  private begin(run: Run, job: JobRun): void {
    job.status = 'running';
    job.startedAt = this.now;
    this.checkTrust(run, job);
    const effect = this.interpret(run, job);
    job.effect = effect;
    const timeout = timeoutOf(job.job);
    const duration =
      effect.kind === 'integ'
        ? this.integMinutes
        : ['turn', 'none'].includes(effect.kind)
          ? 1
          : DEPLOY_MINUTES;
    job.endsAt = this.now + Math.min(duration, timeout);
    // The sweep's find and plan read the account and GitHub as they start.
    if (effect.kind === 'find' || effect.kind === 'plan') this.apply(run, job, effect, 'success');
    if (effect.kind === 'integ') {
      for (const name of ['JobBase', 'IntegProbes', 'IntegAssertions'])
        this.create(`jobs-integ-${name}`, 'integ', true);
    }
    const stage = 'stage' in effect ? effect.stage : effect.kind === 'integ' ? 'integ' : undefined;
    if (stage)
      this.intervals.push({
        stage,
        from: this.now,
        to: job.endsAt,
        who: `${run.workflow.file}/${job.id} (${run.trigger.description})`,
      });
    this.checkSession(run, job, duration);
  }

  private advanceTo(time: number): void {
    while (this.now < time) {
      const next = Math.min(
        time,
        ...this.runs.flatMap((r) =>
          r.jobs.filter((j) => j.status === 'running').map((j) => j.endsAt ?? time),
        ),
      );
      this.now = Math.max(next, this.now);
      for (const run of this.runs) {
        for (const job of run.jobs.filter((j) => j.status === 'running' && (j.endsAt ?? 0) <= this.now)) {
          if (
            job.effect?.kind === 'turn' &&
            this.runs.some(
              (r) =>
                r !== run &&
                r.workflow === run.workflow &&
                r.status !== 'completed' &&
                r.createdAt <= run.createdAt &&
                r.id < run.id,
            )
          ) {
            job.endsAt = this.now + 1;
            continue;
          }
          const timedOut =
            (job.endsAt ?? 0) - (job.startedAt ?? 0) >= timeoutOf(job.job) &&
            job.effect?.kind === 'integ' &&
            this.integMinutes > timeoutOf(job.job);
          this.end(run, job, timedOut ? 'cancelled' : 'success');
        }
      }
      this.step();
      if (next >= time) break;
    }
    this.now = time;
  }

  private end(run: Run, job: JobRun, status: JobStatus): void {
    const effect = job.effect ?? { kind: 'none' };
    const applied = effect.kind === 'find' || effect.kind === 'plan';
    if (!applied && (status === 'success' || effect.kind === 'deploy')) this.apply(run, job, effect, status);
    const interval = this.intervals.find(
      (i) =>
        i.from === job.startedAt &&
        i.who.startsWith(`${run.workflow.file}/${job.id} `) &&
        i.to === job.endsAt,
    );
    if (interval) interval.to = this.now;
    this.setStatus(job, status);
  }

  private apply(run: Run, job: JobRun, effect: Effect, status: JobStatus): void {
    switch (effect.kind) {
      case 'deploy':
        for (const name of ['JobBase', ...(effect.code.extraStacks ?? [])])
          this.create(`${effect.code.appName}-${effect.stage}-${name}`, effect.stage, this.tagsStacks(run));
        return;
      case 'cdk-destroy':
        for (const name of ['JobBase', ...(effect.code.extraStacks ?? [])])
          this.remove(`${effect.code.appName}-${effect.stage}-${name}`);
        return;
      case 'destroy': {
        const stacks = this.liveStacks().filter((s) => s.stage === effect.stage);
        if (effect.recheck && stacks.length > 0) {
          const [group] = groupByStage(stacks.map((s) => this.asEphemeral(s)));
          if (!this.decide(group!).destroy) return;
        }
        for (const s of stacks) this.remove(s.name);
        return;
      }
      case 'integ': {
        // integ-runner destroys its stacks at the end, if its session still holds.
        const session = this.sessionMinutes(job);
        if (status === 'success' && this.integMinutes <= session) {
          for (const s of this.liveStacks().filter((x) => x.stage === 'integ')) this.remove(s.name);
        }
        return;
      }
      case 'find': {
        const app = this.code(run, job).appName;
        const filter =
          /--stack-status-filter ([A-Z_ \\\n]+)/
            .exec(job.job.steps?.find((s) => /list-stacks/.test(s.run ?? ''))?.run ?? '')?.[1]
            ?.split(/[\s\\]+/) ?? [];
        const stages = this.liveStacks()
          .filter((s) => filter.includes(s.status) && new RegExp(`^${app}-pr-(\\d+)-JobBase$`).test(s.name))
          .map((s) => s.stage)
          .filter((stage) => !this.prs.get(Number(stage.slice(3)))?.open);
        job.outputs = { stages: JSON.stringify(stages) };
        return;
      }
      case 'plan': {
        const stages = groupByStage(this.liveStacks().map((s) => this.asEphemeral(s)))
          .filter((group) => this.decide(group).destroy)
          .map((group) => group.stage);
        job.outputs = { stages: JSON.stringify(stages) };
        return;
      }
      default:
    }
  }

  /** What a job does, read from its steps; sets the step and job outputs the dependants read. */
  private interpret(run: Run, job: JobRun): Effect {
    let effect: Effect = { kind: 'none' };
    for (const step of job.job.steps ?? []) {
      const context = this.context(run, job);
      if (step.if && !/success\(\)|always\(\)/.test(step.if) && !evaluateCondition(step.if, context))
        continue;
      const env = this.envOf(run, job, step);
      const text = step.run ?? '';
      if (text.includes('scripts/github/preview-target.ts')) {
        const target = previewTarget(this.options.config, stepEnvironment(run.trigger));
        this.stepOutputs(job, step, { name: target.name, action: target.action });
      } else if (/scripts\/stage-name\.ts --pr/.test(text)) {
        const trigger = run.trigger;
        const name =
          trigger.eventName === 'pull_request'
            ? `pr-${trigger.prNumber ?? 42}`
            : stageNameFromBranch(trigger.ref);
        this.stepOutputs(job, step, { name });
      } else if (/npx cdk deploy/.test(text))
        effect = { kind: 'deploy', stage: env.STAGE ?? '', code: this.code(run, job) };
      else if (/npx cdk destroy/.test(text))
        effect = { kind: 'cdk-destroy', stage: env.STAGE ?? '', code: this.code(run, job) };
      else if (/scripts\/(?:github\/)?ephemeral\.ts destroy/.test(text)) {
        const stage = /--stage integ/.test(text) ? 'integ' : (env.STAGE ?? '');
        // The integ job's own clean-up of leftovers comes before integ-runner; the step that runs it decides.
        if (effect.kind !== 'integ')
          effect = {
            kind: 'destroy',
            stage,
            recheck: /--recheck|\$RECHECK/.test(text) && (env.RECHECK ?? '--recheck') !== '',
          };
      } else if (/scripts\/(?:github\/)?ephemeral\.ts plan/.test(text)) effect = { kind: 'plan' };
      else if (/list-stacks/.test(text)) effect = { kind: 'find' };
      else if (/npm run integ:update/.test(text)) effect = { kind: 'integ' };
      else if (/scripts\/(?:github\/)?integ-turn\.ts/.test(text)) effect = { kind: 'turn' };
    }
    for (const [name, expression] of Object.entries(job.job.outputs ?? {})) {
      job.outputs[name] = interpolate(expression, this.context(run, job));
    }
    return effect;
  }

  private stepOutputs(job: JobRun, step: Step, outputs: Record<string, string>): void {
    if (step.id) job.steps[step.id] = { outputs };
  }

  private envOf(run: Run, job: JobRun, step: Step): Record<string, string> {
    const context = this.context(run, job);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...(job.job.env ?? {}), ...(step.env ?? {}) }))
      env[k] = interpolate(String(v), context);
    return env;
  }

  /** The code a job checked out: the ref of its checkout step, else the event's ref. */
  private code(run: Run, job: JobRun): Code {
    const checkout = (job.job.steps ?? []).find((s) => s.uses?.startsWith('actions/checkout@'));
    const given = checkout?.with?.ref;
    const ref = typeof given === 'string' ? interpolate(given, this.context(run, job)) : run.trigger.ref;
    const pull = /^refs\/pull\/(\d+)\/merge$/.exec(ref);
    if (pull) return this.prs.get(Number(pull[1]))?.code ?? MAIN;
    return this.branches.get(ref.replace(/^refs\/heads\//, '')) ?? MAIN;
  }

  private tagsStacks(run: Run): boolean {
    return (
      run.workflow.jobs &&
      Object.values(run.workflow.jobs).some((j) =>
        (j.steps ?? []).some((s) => /ephemeral\.ts provenance/.test(s.run ?? '')),
      )
    );
  }

  private create(name: string, stage: string, tagged: boolean): void {
    const existing = this.stacks.get(name);
    if (existing && existing.status !== 'DELETE_COMPLETE') return;
    this.stacks.set(name, { name, stage, status: 'CREATE_COMPLETE', createdAt: this.now, tagged });
  }

  private remove(name: string): void {
    const stack = this.stacks.get(name);
    if (stack) stack.status = 'DELETE_COMPLETE';
  }

  private asEphemeral(stack: ModelStack): EphemeralStack {
    const kind = stack.stage.startsWith('pr-') ? 'pr' : stack.stage.startsWith('br-') ? 'branch' : 'integ';
    const date = new Date(stack.createdAt * 60_000);
    return {
      stackId: stack.name,
      stackName: stack.name,
      status: stack.status,
      stage: stack.stage,
      kind,
      tags: stack.tagged ? { [EPHEMERAL_TAGS.stage]: stack.stage } : {},
      createdAt: date,
      lastChangedAt: date,
      exports: [],
    };
  }

  /** The sweep's decision (the script's own function), with what the modelled repository says. */
  private decide(group: StageStacks) {
    const now = new Date(this.now * 60_000);
    const pr = /^pr-(\d+)$/.exec(group.stage);
    const branch = [...this.branches.keys()].find((b) => stageNameFromBranch(b) === group.stage);
    const facts: StageFacts = {
      pullRequest: pr
        ? this.prs.get(Number(pr[1])) === undefined
          ? { state: 'MISSING', labels: [] }
          : {
              state: this.prs.get(Number(pr[1]))!.open ? 'OPEN' : 'CLOSED',
              labels: this.prs.get(Number(pr[1]))!.labels,
              updatedAt: now,
            }
        : undefined,
      branch,
      branchHeadDate: now,
      integRunActive: this.runs.some((r) => r.workflow.file === 'integ.yml' && r.status !== 'completed'),
    };
    return decideWith(group, facts, { ttlDays: this.options.config.preview.ttlDays, now });
  }

  // --- invariants 3, 4 and 5 ----------------------------------------------------------------------

  private sessionMinutes(job: JobRun): number {
    const step = credentialSteps(job.job)[0];
    return step ? Number(step.with?.['role-duration-seconds'] ?? 3600) / 60 : Infinity;
  }

  private checkSession(run: Run, job: JobRun, duration: number): void {
    const step = credentialSteps(job.job)[0];
    if (!step) return;
    const seconds = Number(step.with?.['role-duration-seconds'] ?? 3600);
    const role = roleVariableOf(step) === 'PREVIEW_ROLE_ARN' ? 'preview' : 'deploy';
    const timeout = timeoutOf(job.job);
    const name = `${run.workflow.file}/${job.id}`;
    if (seconds > this.options.maxSession[role])
      this.violate(
        3,
        `${name} requests ${seconds} s, over the ${role} role's ${this.options.maxSession[role]} s`,
      );
    if (timeout * 60 > seconds)
      this.violate(3, `${name} may run ${timeout} min on a session of ${seconds / 60} min`);
    if (duration * 60 > seconds && duration <= timeout)
      this.violate(3, `${name} ran ${duration} min on a session of ${seconds / 60} min: ExpiredToken`);
  }

  private checkTrust(run: Run, job: JobRun): void {
    const step = credentialSteps(job.job)[0];
    const github = this.options.config.github;
    const subject = subjectOf(github, job.job, run.trigger);
    const roles = {
      DEPLOY_ROLE_ARN: deployRoleSubjects(github),
      PREVIEW_ROLE_ARN: previewRoleSubjects(github),
    };
    const accepting = Object.entries(roles)
      .filter(([, subjects]) => subjects.includes(subject))
      .map(([v]) => v);
    const name = `${run.workflow.file}/${job.id} (${run.trigger.description})`;
    const canAsk = job.job.permissions?.['id-token'] === 'write';
    if (step && !accepting.includes(roleVariableOf(step)))
      this.violate(4, `${name}: ${roleVariableOf(step)} refuses ${subject}`);
    const others = accepting.filter((v) => !step || v !== roleVariableOf(step));
    if (canAsk && others.length > 0)
      this.violate(4, `${name}: ${others.join(', ')} would accept ${subject}, which it does not use`);
  }

  /** Invariant 5: two jobs on one stage never overlap. */
  checkNoOverlap(): void {
    const sorted = [...this.intervals].sort((a, b) => a.from - b.from);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const [a, b] = [sorted[i]!, sorted[j]!];
        if (a.stage === b.stage && b.from < a.to && a.who !== b.who)
          this.violate(
            5,
            `${a.who} and ${b.who} work on ${a.stage} at the same time (minutes ${b.from}-${Math.min(a.to, b.to)})`,
          );
      }
    }
  }

  private violate(invariant: Violation['invariant'], message: string): void {
    if (!this.violations.some((v) => v.invariant === invariant && v.message === message))
      this.violations.push({ invariant, message });
  }
}
