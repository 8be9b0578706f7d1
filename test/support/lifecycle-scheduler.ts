/**
 * GitHub's scheduling of workflow runs, as the lifecycle model (./lifecycle.ts) needs it: triggers
 * start runs, jobs wait for their needs and conditions, matrices expand, concurrency groups queue and
 * cancel, and time passes. What a job does when it starts and ends is the model's.
 */
import type { AppConfig } from '../../infra/config/schema';
import { evaluate, evaluateCondition, interpolate, type Value } from './github-expressions';
import type { Interval } from './lifecycle-invariants';
import type { Effect } from './lifecycle-steps';
import { ConcurrencyGroups } from './lifecycle-concurrency';
import { contextFor, defaultOutputs, triggers, type Job, type Trigger, type Workflow } from './workflows';

export type JobStatus = 'waiting' | 'pending' | 'running' | 'success' | 'failure' | 'cancelled' | 'skipped';

export interface JobRun {
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
  interval?: Interval;
}

export interface Run {
  readonly id: number;
  readonly workflow: Workflow;
  readonly trigger: Trigger;
  status: 'pending' | 'running' | 'completed';
  jobs: JobRun[];
  attempt: number;
  /** When a delayed run reaches its concurrency group. */
  entersAt?: number;
}

/** GitHub's default job timeout is 360 minutes. */
export const timeoutOf = (job: Job): number => job['timeout-minutes'] ?? 360;
const FINISHED: readonly JobStatus[] = ['success', 'failure', 'cancelled', 'skipped'];
const ALWAYS = /always\(\)/;
const jobRun = (key: string, id: string, job: Job, matrix?: Record<string, Value>): JobRun => ({
  key,
  id,
  job,
  matrix,
  status: 'waiting',
  outputs: {},
  steps: {},
});

export abstract class WorkflowScheduler {
  /** Minutes since the model started. */
  protected now = 0;
  protected readonly runs: Run[] = [];
  private nextRun = 1;
  private readonly repository: string;
  // A workflow-level group is entered by every run, a job-level group only by a job that runs.
  private readonly groups = new ConcurrencyGroups(
    (who) => this.activate(who),
    (pending, by) => {
      this.cancelling(pending, by);
      this.cancelUnit(pending);
    },
  );

  constructor(
    private readonly workflows: readonly Workflow[],
    private readonly config: AppConfig,
    /** Minutes a run (`file (trigger)`) takes to reach its group: GitHub orders a group's runs arbitrarily. */
    private readonly delay?: (who: string) => number,
  ) {
    this.repository = `${config.github.owner}/${config.github.repository}`;
  }

  /** A job starts: it must set `endsAt`. */
  protected abstract begin(run: Run, job: JobRun): void;
  /** A running job reached `endsAt`: end it, or move `endsAt` on. */
  protected abstract due(run: Run, job: JobRun): void;
  /** A running job ends, done or cancelled. */
  protected abstract end(run: Run, job: JobRun, status: JobStatus): void;
  /** The waiting `pending` is about to be cancelled for the newcomer `by` (`run:<id>` or `job:<key>`). */
  protected abstract cancelling(pending: string, by: string): void;

  /** Cancels a workflow's runs midway, as a person or a timeout does: `always()` jobs still run. */
  cancel(file: string): void {
    for (const run of this.runs.filter((r) => r.workflow.file === file && r.status !== 'completed')) {
      for (const job of run.jobs) {
        if (job.status === 'running') this.end(run, job, 'cancelled');
        else if (['pending', 'waiting'].includes(job.status) && !ALWAYS.test(String(job.job.if ?? '')))
          this.setStatus(job, 'cancelled');
      }
    }
    this.step();
  }

  /**
   * "Re-run failed jobs" of a workflow's latest run: its failed and cancelled jobs and every job that
   * needs one run again as attempt 2; the others keep their result and outputs (GitHub's documented rule).
   */
  rerunFailed(file: string, nth = -1): void {
    const run = this.runs.filter((r) => r.workflow.file === file).at(nth)!;
    const again = new Set(
      run.jobs.filter((j) => ['failure', 'cancelled'].includes(j.status)).map((j) => j.id),
    );
    for (let grew = true; grew;) {
      const before = again.size;
      for (const j of run.jobs) if ([j.job.needs ?? []].flat().some((n) => again.has(n))) again.add(j.id);
      grew = again.size > before;
    }
    run.attempt += 1;
    run.status = 'running';
    for (const j of run.jobs.filter((x) => again.has(x.id)))
      Object.assign(j, { status: 'waiting', outputs: {}, steps: {}, effect: undefined, interval: undefined });
    this.step();
  }

  protected get integRunning(): boolean {
    return this.runs.some((r) => r.workflow.file === 'integ.yml' && r.status !== 'completed');
  }

  /** The other unfinished runs of `run`'s workflow whose `turn` has succeeded: they hold the turn. */
  protected pastTheirTurn(run: Run): Run[] {
    return this.runs.filter(
      (r) =>
        r !== run &&
        r.workflow === run.workflow &&
        r.status !== 'completed' &&
        r.jobs.some((j) => j.id === 'turn' && j.status === 'success'),
    );
  }

  advance(minutes: number): void {
    this.advanceTo(this.now + minutes);
  }

  settle(): void {
    for (let i = 0; i < 2000 && this.runs.some((r) => r.status !== 'completed'); i++) this.advance(5);
  }

  protected start(trigger: Trigger, only?: string): void {
    for (const workflow of this.workflows) {
      if ((only && workflow.file !== only) || !triggers(workflow, trigger)) continue;
      const id = this.nextRun++;
      const jobs = Object.entries(workflow.jobs).map(([name, job]) => jobRun(`${id}/${name}`, name, job));
      const run: Run = { id, workflow, trigger, status: 'pending', jobs, attempt: 1 };
      this.runs.push(run);
      const wait = this.delay?.(`${workflow.file} (${trigger.description})`) ?? 0;
      if (wait > 0) run.entersAt = this.now + wait;
      else this.enter(run);
    }
    this.step();
  }

  private enter(run: Run): void {
    run.entersAt = undefined;
    if (run.workflow.concurrency)
      this.groups.enter(interpolate(run.workflow.concurrency.group, this.context(run)), `run:${run.id}`);
    else run.status = 'running';
  }

  protected context(run: Run, job?: JobRun): Record<string, Value> {
    const needs = Object.fromEntries(
      [job?.job.needs ?? []].flat().map((n) => {
        const done = run.jobs.filter((j) => j.id === n);
        const result = done.every((j) => j.status === 'success')
          ? 'success'
          : (done.find((j) => j.status !== 'success')?.status ?? 'skipped');
        return [n, { result, outputs: Object.assign({}, ...done.map((j) => j.outputs)) as Value }];
      }),
    );
    const base = contextFor(run.trigger, this.repository);
    return {
      ...base,
      github: { ...(base.github as Record<string, Value>), run_attempt: String(run.attempt) },
      needs,
      matrix: job?.matrix ?? {},
      steps: job?.steps ?? {},
      strategy: {},
      runner: { temp: '/tmp' },
    };
  }

  protected unit(who: string): { run: Run; job?: JobRun } {
    const [kind, id] = who.split(':');
    if (kind === 'run') return { run: this.runs.find((r) => r.id === Number(id))! };
    const run = this.runs.find((r) => r.jobs.some((j) => j.key === id))!;
    return { run, job: run.jobs.find((j) => j.key === id) };
  }

  protected describe(who: string): string {
    const { run, job } = this.unit(who);
    return `${run.workflow.file}${job ? `/${job.id}` : ''} (${run.trigger.description})`;
  }

  /** Whether the job would run if every need succeeded with the outputs its steps would give. */
  protected wouldRun(run: Run, job: JobRun): boolean {
    const needs = [job.job.needs ?? []].flat().map((n) => {
      const outputs = defaultOutputs(run.workflow.jobs[n] as Job, run.trigger, this.config);
      return [n, { result: 'success', outputs }];
    });
    try {
      return evaluateCondition(job.job.if, { ...this.context(run, job), needs: Object.fromEntries(needs) });
    } catch {
      return true;
    }
  }

  protected setStatus(job: JobRun, status: JobStatus): void {
    if (FINISHED.includes(job.status)) return;
    const queued = job.status === 'running' || job.status === 'pending';
    job.status = status;
    if (queued) this.groups.leave(`job:${job.key}`);
  }

  protected advanceTo(time: number): void {
    while (this.now < time) {
      const running = this.runs.flatMap((r) => r.jobs.filter((j) => j.status === 'running'));
      const entering = this.runs.flatMap((r) => (r.entersAt === undefined ? [] : [r.entersAt]));
      const next = Math.min(time, ...running.map((j) => j.endsAt ?? time), ...entering);
      this.now = Math.max(next, this.now);
      for (const run of this.runs.filter((r) => r.entersAt !== undefined && r.entersAt <= this.now))
        this.enter(run);
      for (const run of this.runs) {
        for (const job of run.jobs.filter((j) => j.status === 'running' && (j.endsAt ?? 0) <= this.now))
          this.due(run, job);
      }
      this.step();
      if (next >= time) break;
    }
    this.now = time;
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

  /** Moves every run forward as far as it goes now. */
  private step(): void {
    for (let changed = true; changed;) {
      changed = false;
      for (const run of this.runs.filter((r) => r.status === 'running')) {
        for (const job of run.jobs.filter((j) => j.status === 'waiting')) {
          const states = [job.job.needs ?? []].flat().map((n) => run.jobs.filter((j) => j.id === n));
          if (states.some((list) => list.some((j) => !FINISHED.includes(j.status)))) continue;
          const allGood = states.every((list) => list.every((j) => j.status === 'success'));
          changed = true;
          if (
            (!ALWAYS.test(String(job.job.if ?? '')) && !allGood) ||
            !evaluateCondition(job.job.if, this.context(run, job))
          ) {
            this.setStatus(job, 'skipped');
            continue;
          }
          if (this.expand(run, job)) continue;
          if (job.job.concurrency) {
            job.status = 'pending';
            const group = interpolate(job.job.concurrency.group, this.context(run, job));
            this.groups.enter(group, `job:${job.key}`);
          } else this.begin(run, job);
        }
        if (run.jobs.every((j) => FINISHED.includes(j.status))) {
          run.status = 'completed';
          this.groups.leave(`run:${run.id}`);
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
    const entries = values.map((v, i) => jobRun(`${job.key}#${i}`, job.id, job.job, { [key!]: v }));
    run.jobs.splice(run.jobs.indexOf(job), 1, ...entries);
    return true;
  }
}
