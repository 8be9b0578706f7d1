import { loadWorkflows, type Job } from '../support/workflows';

/**
 * Listing workflow runs needs `actions: read` (a 403 without it in a private repository). What lists
 * them: the integ turn, the sweep's plan, a --recheck of a stage the sweep's matrix names (which may
 * be `integ`), and CI's look at the sweep's last success.
 */
const listsRuns = (job: Job): boolean =>
  (job.steps ?? []).some(
    (s) =>
      /integ-turn\.ts|ephemeral\.ts plan|actions\/workflows\/.*\/runs/.test(s.run ?? '') ||
      (/--recheck/.test(s.run ?? '') && s.env?.STAGE === '${{ matrix.stage }}'),
  );

test('every job whose scripts list workflow runs may read actions', () => {
  const jobs = loadWorkflows().flatMap((w) =>
    Object.entries(w.jobs).map(([id, job]) => ({ name: `${w.file}/${id}`, job })),
  );
  const listing = jobs.filter(({ job }) => listsRuns(job));
  expect(listing.map((j) => j.name)).toEqual([
    'ci.yml/ci',
    'integ.yml/turn',
    'sweep.yml/plan',
    'sweep.yml/destroy',
  ]);
  expect(listing.filter(({ job }) => job.permissions?.actions !== 'read').map((j) => j.name)).toEqual([]);
});
