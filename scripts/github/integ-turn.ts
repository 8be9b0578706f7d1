/**
 * Waits until this integration run's turn: until every other run of the workflow that started
 * earlier (this attempt's start time, then the run id) has completed. Integration runs share the
 * preview account's fixed-name `jobs-integ-*` stacks, so they take turns; a concurrency group
 * cannot do that, as it holds one waiting run and a third cancels the second.
 *
 * Environment: GH_TOKEN, GITHUB_REPOSITORY, GITHUB_RUN_ID; the workflow file is integ.yml.
 */
import { requireVariables, runAsMain } from '../script-support';
import { activeIntegRuns, ghApi, type WorkflowRun } from './gh';

/** The runs still ahead of `me`: not completed, and started before it (ties broken by id). */
export function runsAhead(runs: readonly WorkflowRun[], me: WorkflowRun): WorkflowRun[] {
  const before = (r: WorkflowRun): boolean =>
    r.run_started_at < me.run_started_at || (r.run_started_at === me.run_started_at && r.id < me.id);
  return runs.filter((r) => r.id !== me.id && r.status !== 'completed' && before(r));
}

if (require.main === module) {
  runAsMain('integ turn', async () => {
    const env = requireVariables(process.env, ['GITHUB_REPOSITORY', 'GITHUB_RUN_ID'], {
      script: 'integ turn',
      source: 'GitHub Actions sets them',
    });
    const repo = env.GITHUB_REPOSITORY;
    const me = ghApi<WorkflowRun>(`repos/${repo}/actions/runs/${env.GITHUB_RUN_ID}`);
    if (!me) throw new Error(`no run ${env.GITHUB_RUN_ID} in ${repo}`);
    for (;;) {
      const ahead = runsAhead(activeIntegRuns(repo), me);
      if (ahead.length === 0) return;
      console.log(`waiting for ${ahead.length} earlier run(s): ${ahead.map((r) => r.id).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 60_000));
    }
  });
}
