/** GitHub's REST API through the gh CLI, which authenticates with GH_TOKEN. */
import { execFileSync } from 'node:child_process';

/** Undefined when GitHub answers 404. */
export function ghApi<T>(path: string): T | undefined {
  try {
    return JSON.parse(execFileSync('gh', ['api', path], { encoding: 'utf8' })) as T;
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    if (typeof stderr === 'string' && /HTTP 404/.test(stderr)) return undefined;
    throw error;
  }
}

export interface WorkflowRun {
  readonly id: number;
  readonly status: string;
  readonly run_started_at: string;
}

/** The statuses of a run that has not completed (GitHub's `status` filter of the workflow runs API). */
export const ACTIVE_RUN_STATUSES = ['queued', 'in_progress', 'waiting', 'requested', 'pending'] as const;

/**
 * Every run of integ.yml not completed yet (they share the preview account's fixed-name integ
 * stacks), each status asked for with every page: the newest 100 runs of all kinds may hide one.
 * Listing runs needs the token scope `actions: read`.
 */
export function activeIntegRuns(repository: string): WorkflowRun[] {
  const runs = new Map<number, WorkflowRun>();
  for (const status of ACTIVE_RUN_STATUSES) {
    const path = `repos/${repository}/actions/workflows/integ.yml/runs?status=${status}&per_page=100`;
    const lines = execFileSync('gh', ['api', '--paginate', path, '--jq', '.workflow_runs[]'], {
      encoding: 'utf8',
    });
    for (const line of lines.split('\n').filter((l) => l !== '')) {
      const run = JSON.parse(line) as WorkflowRun;
      runs.set(run.id, run);
    }
  }
  return [...runs.values()];
}
