import { execFileSync } from 'node:child_process';
import { ghFacts } from '../../../scripts/github/ephemeral-sweep';

jest.mock('node:child_process', () => ({ execFileSync: jest.fn() }));

/**
 * GitHub's workflow runs API as the gh CLI answers it: newest first, `per_page` at a time, only
 * the first page without `--paginate`, filtered by `status` when asked.
 */
function fakeRunsApi(runs: ReadonlyArray<{ id: number; status: string }>) {
  jest.mocked(execFileSync).mockImplementation(((_file: string, args: readonly string[]) => {
    const url = new URL(
      args.find((a) => a.startsWith('repos/'))!,
      'https://api.github.com/',
    );
    const status = url.searchParams.get('status');
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const matching = runs.filter((r) => status === null || r.status === status);
    const pages = args.includes('--paginate') ? matching : matching.slice(0, perPage);
    const full = pages.map((r) => ({ ...r, run_started_at: '2026-07-20T12:00:00Z' }));
    return args.includes('--jq')
      ? full.map((r) => `${JSON.stringify(r)}\n`).join('')
      : JSON.stringify({ workflow_runs: full });
  }) as unknown as typeof execFileSync);
}

test('a run of integ.yml still queued behind 150 newer completed runs counts as active', async () => {
  fakeRunsApi([
    ...Array.from({ length: 150 }, (_, i) => ({ id: 1000 - i, status: 'completed' })),
    { id: 1, status: 'queued' },
  ]);
  await expect(ghFacts('o/r').integRunActive()).resolves.toBe(true);
});

test('no run of integ.yml active when all have completed', async () => {
  fakeRunsApi(Array.from({ length: 150 }, (_, i) => ({ id: 1000 - i, status: 'completed' })));
  await expect(ghFacts('o/r').integRunActive()).resolves.toBe(false);
});
