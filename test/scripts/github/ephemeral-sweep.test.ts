import { EPHEMERAL_TAGS } from '../../../infra/config/ephemeral';
import { stageNameFromBranch } from '../../../infra/config/stage-name';
import type { EphemeralStack } from '../../../scripts/github/ephemeral-stacks';
import {
  INTEG_MAX_MINUTES,
  KEEP_LABEL,
  planSweep,
  summaryMarkdown,
  type GitHubFacts,
  type PullRequestFacts,
} from '../../../scripts/github/ephemeral-sweep';

const NOW = new Date('2026-07-20T12:00:00Z');
const DAYS = (n: number): Date => new Date(NOW.getTime() - n * 86_400_000);

function github(
  pulls: Record<number, Partial<PullRequestFacts>>,
  branches: Record<string, Date> = {},
  integActive = true,
): GitHubFacts {
  return {
    pullRequest: (n) => Promise.resolve({ state: 'MISSING', labels: [], ...pulls[n] }),
    branches: () => Promise.resolve(Object.keys(branches)),
    branchHeadDate: (b) => Promise.resolve(branches[b]),
    integRunActive: () => Promise.resolve(integActive),
  };
}

function stack(stage: string, changed: Date, extra: Partial<EphemeralStack> = {}): EphemeralStack {
  const kind = stage.startsWith('pr-') ? 'pr' : stage.startsWith('br-') ? 'branch' : 'integ';
  return {
    stackId: `id-${stage}`,
    stackName: `jobs-${stage}-JobBase`,
    status: 'UPDATE_COMPLETE',
    stage,
    kind,
    tags: {},
    createdAt: changed,
    lastChangedAt: changed,
    exports: [],
    ...extra,
  };
}

const settings = { ttlDays: 7, now: NOW };

test('planSweep destroys the stages of closed and merged pull requests and of deleted branches', async () => {
  const decisions = await planSweep(
    [stack('pr-1', DAYS(1)), stack('pr-2', DAYS(1)), stack('pr-3', DAYS(1)), stack('br-gone', DAYS(1))],
    github({ 1: { state: 'CLOSED' }, 2: { state: 'MERGED' }, 3: { state: 'OPEN', updatedAt: DAYS(1) } }),
    settings,
  );
  expect(decisions).toEqual([
    { stage: 'br-gone', destroy: true, reason: 'its branch is deleted' },
    { stage: 'pr-1', destroy: true, reason: 'pull request #1 is closed' },
    { stage: 'pr-2', destroy: true, reason: 'pull request #2 is merged' },
    { stage: 'pr-3', destroy: false, reason: 'active on 2026-07-19' },
  ]);
});

test('planSweep destroys a stage idle past the TTL, unless a label or a keep-until tag keeps it', async () => {
  const branch = 'preview/x';
  const decisions = await planSweep(
    [
      stack('pr-1', DAYS(10)),
      stack('pr-2', DAYS(10)),
      stack('pr-3', DAYS(10), { tags: { [EPHEMERAL_TAGS.keepUntil]: '2026-08-01' } }),
      stack('pr-4', DAYS(10)),
      stack(stageNameFromBranch(branch)!, DAYS(9)),
    ],
    github(
      {
        1: { state: 'OPEN', updatedAt: DAYS(8) },
        2: { state: 'OPEN', updatedAt: DAYS(8), labels: [KEEP_LABEL] },
        3: { state: 'OPEN', updatedAt: DAYS(8) },
        4: { state: 'OPEN', updatedAt: DAYS(2) },
      },
      { [branch]: DAYS(8) },
    ),
    settings,
  );
  expect(decisions.map((d) => [d.stage, d.destroy, d.reason])).toEqual([
    [stageNameFromBranch(branch), true, 'idle since 2026-07-12, over 7 days'],
    ['pr-1', true, 'idle since 2026-07-12, over 7 days'],
    ['pr-2', false, `pull request #2 is labelled ${KEEP_LABEL}`],
    ['pr-3', false, `kept until 2026-08-01 (tag ${EPHEMERAL_TAGS.keepUntil})`],
    ['pr-4', false, 'active on 2026-07-18'],
  ]);
});

test('planSweep destroys integration stacks older than the longest integration run, and no younger ones', async () => {
  const minutes = (n: number): Date => new Date(NOW.getTime() - n * 60_000);
  const old = await planSweep([stack('integ', minutes(INTEG_MAX_MINUTES + 1))], github({}), settings);
  const live = await planSweep(
    [stack('integ', minutes(INTEG_MAX_MINUTES + 30)), stack('integ', minutes(INTEG_MAX_MINUTES - 1))],
    github({}),
    settings,
  );
  expect(old[0]?.destroy).toBe(true);
  expect(live[0]?.destroy).toBe(false);
});

test('planSweep destroys integration stacks of any age when no integration run is in progress', async () => {
  const young = new Date(NOW.getTime() - 5 * 60_000);
  const decisions = await planSweep([stack('integ', young)], github({}, {}, false), settings);
  expect(decisions).toEqual([{ stage: 'integ', destroy: true, reason: 'no integration run is in progress' }]);
});

test('summaryMarkdown lists what was destroyed, what could not be, and what was kept and why', () => {
  const markdown = summaryMarkdown(
    'Sweep',
    [{ stage: 'pr-3', destroy: false, reason: 'active on 2026-07-19' }],
    {
      deleted: ['jobs-pr-1-JobBase'],
      failed: [{ stackName: 'jobs-pr-2-JobBase', status: 'DELETE_FAILED', reason: 'bucket not empty' }],
      retained: [],
    },
  );
  expect(markdown).toContain('Destroyed: `jobs-pr-1-JobBase`');
  expect(markdown).toContain('could not destroy `jobs-pr-2-JobBase` (DELETE_FAILED): bucket not empty');
  expect(markdown).toContain('| `pr-3` | keep | active on 2026-07-19 |');
});
