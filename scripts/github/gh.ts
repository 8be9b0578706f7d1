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

/** The newest 100 runs of integ.yml, which share the preview account's fixed-name integ stacks. */
export function integRuns(repository: string): WorkflowRun[] {
  const path = `repos/${repository}/actions/workflows/integ.yml/runs?per_page=100`;
  return ghApi<{ workflow_runs: WorkflowRun[] }>(path)?.workflow_runs ?? [];
}
