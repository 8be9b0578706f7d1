/**
 * What the sweep destroys, and why: the stages of closed pull requests and deleted branches,
 * integration-test stacks when no integration run is in progress or older than the longest one, and
 * any ephemeral stage idle for longer than `preview.ttlDays` (unless its pull request has the label
 * `keep-preview` or its stacks carry an `ephemeral:keep-until` day still to come).
 */
import { execFileSync } from 'node:child_process';
import { EPHEMERAL_TAGS } from '../../infra/config/ephemeral';
import { stageNameFromBranch } from '../../infra/config/stage-name';
import type { DestroyReport } from './destroy-stacks';
import { activeIntegRuns, ghApi } from './gh';
import type { EphemeralStack } from './ephemeral-stacks';

/** The label that keeps an open pull request's preview past the TTL. */
export const KEEP_LABEL = 'keep-preview';

/**
 * The longest an integration run can hold its stacks: the integ job's and the cleanup job's
 * timeouts in integ.yml (a test checks them). Integ stacks older than this belong to no live run.
 */
export const INTEG_MAX_MINUTES = 75 + 45;

export interface PullRequestFacts {
  readonly state: 'OPEN' | 'CLOSED' | 'MERGED' | 'MISSING';
  readonly updatedAt?: Date;
  readonly labels: readonly string[];
}

/** What the sweep asks GitHub; `ghFacts` asks through the gh CLI, tests give their own. */
export interface GitHubFacts {
  pullRequest(number: number): Promise<PullRequestFacts>;
  branches(): Promise<string[]>;
  branchHeadDate(branch: string): Promise<Date | undefined>;
  /** Whether a run of integ.yml has not completed yet. */
  integRunActive(): Promise<boolean>;
}

export interface StageStacks {
  readonly stage: string;
  readonly kind: EphemeralStack['kind'];
  readonly stacks: readonly EphemeralStack[];
}

interface SweepSettings {
  readonly ttlDays: number;
  readonly now: Date;
}

interface Decision {
  readonly stage: string;
  readonly destroy: boolean;
  readonly reason: string;
}

export function groupByStage(stacks: readonly EphemeralStack[]): StageStacks[] {
  const stages = new Map<string, EphemeralStack[]>();
  for (const stack of stacks) stages.set(stack.stage, [...(stages.get(stack.stage) ?? []), stack]);
  return [...stages.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([stage, list]) => ({ stage, kind: list[0]!.kind, stacks: list }));
}

const day = (date: Date): string => date.toISOString().slice(0, 10);
const latest = (dates: ReadonlyArray<Date | undefined>): Date =>
  new Date(Math.max(...dates.map((d) => d?.getTime() ?? 0)));

export interface StageFacts {
  readonly pullRequest?: PullRequestFacts;
  /** The branch whose stage it is, or undefined when no branch of the repository names it. */
  readonly branch?: string;
  readonly branchHeadDate?: Date;
  readonly integRunActive?: boolean;
}

/** The sweep's decision for one stage, from what GitHub says about it. */
export function decideWith(stage: StageStacks, facts: StageFacts, settings: SweepSettings): Decision {
  const decision = (destroy: boolean, reason: string): Decision => ({ stage: stage.stage, destroy, reason });
  /** Whether the stage has been idle past the TTL, and why not when it has not. */
  const idle = (activity: Date | undefined): Decision => {
    const keepUntil = stage.stacks.map((s) => s.tags[EPHEMERAL_TAGS.keepUntil]).find((v) => v !== undefined);
    if (keepUntil && keepUntil >= day(settings.now)) {
      return decision(false, `kept until ${keepUntil} (tag ${EPHEMERAL_TAGS.keepUntil})`);
    }
    const last = latest([activity, ...stage.stacks.map((s) => s.lastChangedAt)]);
    return (settings.now.getTime() - last.getTime()) / 86_400_000 > settings.ttlDays
      ? decision(true, `idle since ${day(last)}, over ${settings.ttlDays} days`)
      : decision(false, `active on ${day(last)}`);
  };
  if (stage.kind === 'integ') {
    const newest = latest(stage.stacks.map((s) => s.createdAt));
    const minutes = Math.round((settings.now.getTime() - newest.getTime()) / 60_000);
    if (!facts.integRunActive) return decision(true, 'no integration run is in progress');
    return minutes > INTEG_MAX_MINUTES
      ? decision(true, `created ${minutes} minutes ago, longer than any integration run`)
      : decision(false, `created ${minutes} minutes ago: a run may still hold it`);
  }
  if (stage.kind === 'pr') {
    const number = stage.stage.slice('pr-'.length);
    const pr = facts.pullRequest ?? { state: 'MISSING', labels: [] };
    if (pr.state !== 'OPEN') return decision(true, `pull request #${number} is ${pr.state.toLowerCase()}`);
    if (pr.labels.includes(KEEP_LABEL))
      return decision(false, `pull request #${number} is labelled ${KEEP_LABEL}`);
    return idle(pr.updatedAt);
  }
  if (facts.branch === undefined) return decision(true, 'its branch is deleted');
  return idle(facts.branchHeadDate);
}

async function gatherFacts(stage: StageStacks, github: GitHubFacts): Promise<StageFacts> {
  if (stage.kind === 'integ') return { integRunActive: await github.integRunActive() };
  if (stage.kind === 'pr')
    return { pullRequest: await github.pullRequest(Number(stage.stage.slice('pr-'.length))) };
  const branch = (await github.branches()).find((b) => stageNameFromBranch(b) === stage.stage);
  return { branch, branchHeadDate: branch === undefined ? undefined : await github.branchHeadDate(branch) };
}

export async function decide(
  stage: StageStacks,
  github: GitHubFacts,
  settings: SweepSettings,
): Promise<Decision> {
  return decideWith(stage, await gatherFacts(stage, github), settings);
}

export async function planSweep(
  stacks: readonly EphemeralStack[],
  github: GitHubFacts,
  settings: SweepSettings,
): Promise<Decision[]> {
  const decisions: Decision[] = [];
  for (const stage of groupByStage(stacks)) decisions.push(await decide(stage, github, settings));
  return decisions;
}

/** GitHub through the gh CLI (GH_TOKEN), for the repository `owner/name`. */
export function ghFacts(repository: string): GitHubFacts {
  let branches: string[] | undefined;
  return {
    pullRequest(number) {
      type Pull = {
        state: string;
        merged_at: string | null;
        updated_at: string;
        labels: Array<{ name: string }>;
      };
      const pull = ghApi<Pull>(`repos/${repository}/pulls/${number}`);
      if (!pull) return Promise.resolve({ state: 'MISSING', labels: [] });
      const state = pull.state === 'open' ? 'OPEN' : pull.merged_at ? 'MERGED' : 'CLOSED';
      return Promise.resolve({
        state,
        updatedAt: new Date(pull.updated_at),
        labels: pull.labels.map((l) => l.name),
      });
    },
    branches() {
      const args = ['api', '--paginate', `repos/${repository}/branches`, '--jq', '.[].name'];
      branches ??= execFileSync('gh', args, { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line !== '');
      return Promise.resolve(branches);
    },
    branchHeadDate(branch) {
      const path = branch.split('/').map(encodeURIComponent).join('/');
      const head = ghApi<{ commit: { commit: { committer: { date: string } } } }>(
        `repos/${repository}/branches/${path}`,
      );
      return Promise.resolve(head ? new Date(head.commit.commit.committer.date) : undefined);
    },
    integRunActive() {
      return Promise.resolve(activeIntegRuns(repository).length > 0);
    },
  };
}

/** The job summary: what was destroyed and what could not be, then what was kept and why. */
export function summaryMarkdown(
  title: string,
  decisions: readonly Decision[],
  report?: DestroyReport,
): string {
  const lines = [`### ${title}`, ''];
  if (report) {
    lines.push(
      report.deleted.length > 0
        ? `Destroyed: ${report.deleted.map((s) => `\`${s}\``).join(', ')}`
        : 'Destroyed: nothing',
      '',
    );
    for (const f of report.failed)
      lines.push(`- :x: could not destroy \`${f.stackName}\` (${f.status}): ${f.reason}`);
    for (const r of report.retained)
      lines.push(`- :warning: \`${r.stackName}\` deleted with resources retained: ${r.resources.join(', ')}`);
    if (report.failed.length + report.retained.length > 0) lines.push('');
  }
  if (decisions.length > 0) {
    lines.push('| stage | | why |', '| --- | --- | --- |');
    for (const d of decisions)
      lines.push(`| \`${d.stage}\` | ${d.destroy ? 'destroy' : 'keep'} | ${d.reason} |`);
    lines.push('');
  }
  return lines.join('\n');
}
