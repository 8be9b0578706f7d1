/**
 * A model of the ephemeral stages' lifecycle, run on the workflow files themselves: triggers start runs,
 * GitHub schedules them (./lifecycle-scheduler), the jobs' steps (./lifecycle-steps) create and destroy
 * stacks in a modelled preview account; seven invariants are checked, the sweep deciding by its own code.
 */
import type { AppConfig } from '../../infra/config/schema';
import type { StageStacks } from '../../scripts/github/ephemeral-sweep';
import { interpolate } from './github-expressions';
import { PreviewAccount } from './lifecycle-account';
import { ModelRepository } from './lifecycle-repository';
import {
  overlaps,
  scopeViolations,
  sessionSeconds,
  sessionViolations,
  trustViolations,
  type Interval,
} from './lifecycle-invariants';
import { WorkflowScheduler, timeoutOf, type JobRun, type JobStatus, type Run } from './lifecycle-scheduler';
import {
  MAIN,
  effectOf,
  effectful,
  listStacksFilter,
  tagsStacks,
  type Code,
  type Effect,
} from './lifecycle-steps';
import type { Workflow } from './workflows';

export interface Violation {
  readonly invariant: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  readonly message: string;
}

export interface ModelOptions {
  readonly workflows: readonly Workflow[];
  readonly config: AppConfig;
  /** The longest session each role allows, in seconds. */
  readonly maxSession: { readonly deploy: number; readonly preview: number };
  /** Minutes an integration run takes. @default 30 */
  readonly integMinutes?: number;
  /** Minutes a job takes beyond its usual, by `file/job (trigger)`: GitHub runs jobs at their own pace. @default 0 */
  readonly delay?: (job: string) => number;
}

const DEPLOY_MINUTES = 10;

export class LifecycleModel extends WorkflowScheduler {
  readonly violations: Violation[] = [];
  private readonly account = new PreviewAccount();
  private readonly repo = new ModelRepository();
  private readonly intervals: Interval[] = [];
  private readonly integMinutes: number;
  private uploaded: unknown;
  private readonly decide = (group: StageStacks) =>
    this.repo.decide(group, this.now, this.options.config.preview.ttlDays, this.integRunning);

  constructor(private readonly options: ModelOptions) {
    super(options.workflows, options.config, options.delay);
    this.integMinutes = options.integMinutes ?? 30;
  }

  openPullRequest(number: number, headRef: string, code: Code = MAIN): void {
    this.repo.branches.set(headRef, code);
    this.repo.prs.set(number, { open: true, conflicted: false, headRef, labels: [], code });
    this.pullRequestEvent(number, 'opened');
  }
  pushToPullRequest(number: number, code?: Code): void {
    const pr = this.repo.pr(number);
    if (code) pr.code = code;
    this.repo.branches.set(pr.headRef, pr.code);
    this.pullRequestEvent(number, 'synchronize');
  }
  label(number: number, label: string): void {
    this.repo.pr(number).labels.push(label);
    this.pullRequestEvent(number, 'labeled', label);
  }
  conflict(number: number): void {
    this.repo.pr(number).conflicted = true;
  }
  resolveConflict(number: number): void {
    this.repo.pr(number).conflicted = false;
  }
  close(number: number, merged = false): void {
    const pr = this.repo.pr(number);
    pr.open = false;
    if (merged) this.push('main', pr.code);
    this.pullRequestEvent(number, 'closed');
  }
  reopen(number: number): void {
    this.repo.pr(number).open = true;
    this.pullRequestEvent(number, 'reopened');
  }
  push(branch: string, code: Code = MAIN): void {
    this.repo.branches.set(branch, code);
    const ref = `refs/heads/${branch}`;
    this.start({ description: `push ${branch}`, eventName: 'push', ref, commit: code });
  }
  deleteBranch(branch: string): void {
    this.repo.branches.delete(branch);
    const description = `delete ${branch}`;
    this.start({ description, eventName: 'delete', ref: 'refs/heads/main', deletedRef: branch });
  }
  dispatch(file: string, branch: string, inputs: Record<string, string> = {}): void {
    const ref = `refs/heads/${branch}`;
    this.start({ description: `dispatch ${file}`, eventName: 'workflow_dispatch', ref, inputs }, file);
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
      this.schedule(file);
    }
  }
  schedule(file: string): void {
    this.start({ description: 'schedule', eventName: 'schedule', ref: 'refs/heads/main' }, file);
  }
  /** Invariant 1: no stack of a closed pull request, a deleted branch or a finished integration run; 9: main deployed last. */
  checkNothingLeft(): void {
    for (const stack of this.account.live()) {
      const why =
        stack.stage === 'integ'
          ? !this.integRunning && 'no integration run holds it'
          : this.repo.gone(stack.stage);
      if (why) this.violate(1, `${stack.name} (${stack.status}) remains: ${why}`);
    }
    if (this.uploaded !== undefined && this.uploaded !== this.repo.branches.get('main'))
      this.violate(9, 'the pipeline deploys a commit older than the head of main');
  }

  checkNoOverlap(): void {
    for (const message of overlaps(this.intervals)) this.violate(5, message);
  }

  private pullRequestEvent(number: number, action: string, label?: string): void {
    const pr = this.repo.pr(number);
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

  /** Invariant 2: what is cancelled for a newcomer that executes nothing must do nothing either. */
  protected cancelling(cancelled: string, by: string): void {
    const doesSomething = (who: string): boolean => {
      const { run, job } = this.unit(who);
      return (job ? [job] : run.jobs).some((j) => this.wouldRun(run, j) && effectful(j.job));
    };
    const message = `${this.describe(by)} does nothing, yet cancels the waiting ${this.describe(cancelled)}`;
    if (doesSomething(cancelled) && !doesSomething(by)) this.violate(2, message);
  }

  protected begin(run: Run, job: JobRun): void {
    job.status = 'running';
    job.startedAt = this.now;
    const who = `${run.workflow.file}/${job.id}`;
    const { config, maxSession } = this.options;
    const described = `${who} (${run.trigger.description})`;
    const withFile = { ...job.job, file: run.workflow.file };
    for (const message of trustViolations(described, withFile, run.trigger, config.github))
      this.violate(4, message);
    const effect = effectOf({
      job: job.job,
      trigger: run.trigger,
      config,
      context: () => this.context(run, job),
      steps: job.steps,
      code: () => this.code(run, job),
      stillCurrent: (what) => this.repo.stillCurrent(run.trigger, what),
    });
    for (const [name, expression] of Object.entries(job.job.outputs ?? {}))
      job.outputs[name] = interpolate(expression, this.context(run, job));
    job.effect = effect;
    if (effect.kind === 'deploy' && this.repo.gone(effect.stage))
      this.violate(6, `${run.trigger.description} deploys ${effect.stage}`);
    for (const message of scopeViolations(described, job.job, effect)) this.violate(7, message);
    for (const other of effect.kind === 'integ' ? this.pastTheirTurn(run) : [])
      this.violate(8, `${described} tests beside ${other.trigger.description}, which holds the turn`);
    const [timeout, kind] = [timeoutOf(job.job), effect.kind];
    const usual =
      kind === 'integ' ? this.integMinutes : kind === 'turn' || kind === 'none' ? 1 : DEPLOY_MINUTES;
    const ran = usual + (this.options.delay?.(described) ?? 0);
    job.endsAt = this.now + Math.min(ran, timeout);
    // The sweep's find and plan read the account and GitHub as they start.
    if (kind === 'find' || kind === 'plan') this.apply(run, job, effect, 'success');
    if (kind === 'integ') {
      for (const name of ['JobBase', 'IntegProbes', 'IntegAssertions'])
        this.account.create(`jobs-integ-${name}`, 'integ', true, this.now);
    }
    const stage = 'stage' in effect ? effect.stage : kind === 'integ' ? 'integ' : undefined;
    if (stage) {
      job.interval = { stage, from: this.now, to: job.endsAt, who: described };
      this.intervals.push(job.interval);
    }
    for (const message of sessionViolations(who, job.job, { timeout, ran }, maxSession))
      this.violate(3, message);
  }

  protected due(run: Run, job: JobRun): void {
    // The turn waits while an earlier run of its workflow is unfinished.
    const earlier = this.runs.some(
      (r) => r !== run && r.workflow === run.workflow && r.status !== 'completed' && r.id < run.id,
    );
    if (job.effect?.kind === 'turn' && earlier) {
      job.endsAt = this.now + 1;
      return;
    }
    const timedOut =
      (job.endsAt ?? 0) - (job.startedAt ?? 0) >= timeoutOf(job.job) &&
      job.effect?.kind === 'integ' &&
      this.integMinutes > timeoutOf(job.job);
    this.end(run, job, job.effect?.kind === 'fail' ? 'failure' : timedOut ? 'cancelled' : 'success');
  }

  protected end(run: Run, job: JobRun, status: JobStatus): void {
    const effect = job.effect ?? { kind: 'none' };
    const applied = effect.kind === 'find' || effect.kind === 'plan';
    if (!applied && (status === 'success' || effect.kind === 'deploy')) this.apply(run, job, effect, status);
    if (job.interval) job.interval.to = this.now;
    this.setStatus(job, status);
  }

  private apply(run: Run, job: JobRun, effect: Effect, status: JobStatus): void {
    const stacksOf = ({ code, stage }: { code: Code; stage: string }): string[] =>
      ['JobBase', ...(code.extraStacks ?? [])].map((name) => `${code.appName}-${stage}-${name}`);
    switch (effect.kind) {
      case 'deploy':
        for (const name of stacksOf(effect))
          this.account.create(name, effect.stage, tagsStacks(run.workflow), this.now);
        return;
      case 'upload':
        this.uploaded = effect.commit;
        return;
      case 'cdk-destroy':
        for (const name of stacksOf(effect)) this.account.remove(name);
        return;
      case 'destroy': {
        const stacks = this.account.live().filter((s) => s.stage === effect.stage);
        if (effect.recheck && stacks.length > 0 && !this.decide(this.account.stages(stacks)[0]!).destroy)
          return;
        for (const s of stacks) this.account.remove(s.name);
        return;
      }
      case 'integ':
        // integ-runner destroys its stacks at the end, if its session still holds.
        if (status === 'success' && this.integMinutes <= sessionSeconds(job.job) / 60) {
          for (const s of this.account.live().filter((x) => x.stage === 'integ')) this.account.remove(s.name);
        }
        return;
      case 'find': {
        const filter = listStacksFilter(job.job);
        const app = new RegExp(`^${this.code(run, job).appName}-pr-(\\d+)-JobBase$`);
        const stages = this.account
          .live()
          .filter((s) => filter.includes(s.status) && app.test(s.name))
          .map((s) => s.stage)
          .filter((stage) => !this.repo.isOpen(Number(stage.slice(3))));
        job.outputs = { stages: JSON.stringify(stages) };
        return;
      }
      case 'plan': {
        const stages = this.account.stages().filter((group) => this.decide(group).destroy);
        job.outputs = { stages: JSON.stringify(stages.map((group) => group.stage)) };
        return;
      }
      default:
    }
  }

  /** The code a job checked out: the ref of its checkout step, else the event's ref. */
  private code(run: Run, job: JobRun): Code {
    const given = (job.job.steps ?? []).find((s) => s.uses?.startsWith('actions/checkout@'))?.with?.ref;
    return this.repo.codeAt(
      typeof given === 'string' ? interpolate(given, this.context(run, job)) : run.trigger.ref,
    );
  }

  private violate(invariant: Violation['invariant'], message: string): void {
    if (!this.violations.some((v) => v.invariant === invariant && v.message === message))
      this.violations.push({ invariant, message });
  }
}
