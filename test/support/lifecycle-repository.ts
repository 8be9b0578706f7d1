import { stageNameFromBranch } from '../../infra/config/stage-name';
import { decideWith, type PullRequestFacts, type StageStacks } from '../../scripts/github/ephemeral-sweep';
import { MAIN, type Code } from './lifecycle-steps';
import type { Trigger } from './workflows';

export interface PullRequest {
  open: boolean;
  conflicted: boolean;
  readonly headRef: string;
  labels: string[];
  code: Code;
}

/** The GitHub repository of the lifecycle model: its pull requests and branches, and their code. */
export class ModelRepository {
  readonly prs = new Map<number, PullRequest>();
  readonly branches = new Map<string, Code>([['main', MAIN]]);

  pr(number: number): PullRequest {
    const pr = this.prs.get(number);
    if (!pr) throw new Error(`no pull request #${number}`);
    return pr;
  }

  isOpen(number: number): boolean {
    return this.prs.get(number)?.open ?? false;
  }

  /** The code at a pull request's merge ref or a branch; main's for a ref gone or unknown. */
  codeAt(ref: string): Code {
    const pull = /^refs\/pull\/(\d+)\/merge$/.exec(ref);
    if (pull) return this.prs.get(Number(pull[1]))?.code ?? MAIN;
    return this.branches.get(ref.replace(/^refs\/heads\//, '')) ?? MAIN;
  }

  /** What `preview-target.ts --still-current` asks (the pull request open, or the branch there), or the deploy job (its commit the head of main). */
  stillCurrent(trigger: Trigger, what: 'change' | 'main'): boolean {
    if (what === 'main') return this.branches.get('main') === trigger.commit;
    if (trigger.eventName === 'pull_request') return this.isOpen(trigger.prNumber ?? 42);
    return this.branches.has(trigger.ref.replace(/^refs\/heads\//, ''));
  }

  /** Why a preview stage should be gone (its pull request closed, its branch deleted), or false. */
  gone(stage: string): string | false {
    const pr = /^pr-(\d+)$/.exec(stage)?.[1];
    if (pr) return !this.isOpen(Number(pr)) && `pull request #${pr} is closed`;
    return !this.branchOf(stage) && 'its branch is deleted';
  }

  branchOf(stage: string): string | undefined {
    return [...this.branches.keys()].find((b) => stageNameFromBranch(b) === stage);
  }

  /** What the sweep learns of a `pr-<n>` stage's pull request. */
  pullRequestFacts(stage: string, now: Date): PullRequestFacts | undefined {
    const number = /^pr-(\d+)$/.exec(stage)?.[1];
    if (number === undefined) return undefined;
    const pr = this.prs.get(Number(number));
    if (!pr) return { state: 'MISSING', labels: [] };
    return { state: pr.open ? 'OPEN' : 'CLOSED', labels: pr.labels, updatedAt: now };
  }

  /** The sweep's decision, with what this repository says, at the model's minute `minutes`. */
  decide(group: StageStacks, minutes: number, ttlDays: number, integRunActive: boolean) {
    const now = new Date(minutes * 60_000);
    const facts = {
      pullRequest: this.pullRequestFacts(group.stage, now),
      branch: this.branchOf(group.stage),
    };
    return decideWith(group, { ...facts, branchHeadDate: now, integRunActive }, { ttlDays, now });
  }
}
