/**
 * Deletes the stacks of an ephemeral stage completely: dependents first, each once CloudFormation has
 * finished what it was doing, retried once, and (when asked) with the resources that would not go
 * retained.
 */
import {
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  paginateListImports,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
  waitUntilStackImportComplete,
  waitUntilStackUpdateComplete,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { describeStack, type EphemeralStack } from './ephemeral-stacks';

/** The stacks that import a value: none when CloudFormation says the export is not imported. */
async function importersOf(cfn: CloudFormationClient, exportName: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const page of paginateListImports({ client: cfn }, { ExportName: exportName }))
      names.push(...(page.Imports ?? []));
  } catch (error) {
    if (error instanceof Error && /is not imported by any stack/.test(error.message)) return [];
    throw error;
  }
  return names;
}

interface DestroyOptions {
  /** Retry a DELETE_FAILED stack once more with its failed resources retained (DeleteStack RetainResources). */
  readonly retainFailedResources?: boolean;
  /** How long to wait for one stack to settle or delete. @default 45 */
  readonly timeoutMinutes?: number;
  /** @default 15 */
  readonly pollSeconds?: number;
  readonly log?: (line: string) => void;
}

export interface DestroyReport {
  readonly deleted: string[];
  readonly failed: Array<{ stackName: string; status: string; reason: string }>;
  /** Stacks deleted with resources retained: those resources still exist, tagged with their stage. */
  readonly retained: Array<{ stackName: string; resources: string[] }>;
}

/**
 * Deletes the stacks, each only after every stack of the set that imports one of its exports is
 * gone; waits for each deletion and reports what went and what did not.
 */
export async function destroyStacks(
  cfn: CloudFormationClient,
  stacks: readonly EphemeralStack[],
  options: DestroyOptions = {},
): Promise<DestroyReport> {
  const report: DestroyReport = { deleted: [], failed: [], retained: [] };
  const byName = new Map(stacks.map((s) => [s.stackName, s]));
  const importers = new Map<string, Set<string>>();
  for (const stack of stacks) {
    const names = new Set<string>();
    for (const exportName of stack.exports) {
      for (const importer of await importersOf(cfn, exportName)) names.add(importer);
    }
    importers.set(stack.stackName, names);
  }
  const remaining = new Set(byName.keys());
  while (remaining.size > 0) {
    const blockedBy = (name: string): string[] =>
      [...(importers.get(name) ?? [])].filter(
        (i) => remaining.has(i) || report.failed.some((f) => f.stackName === i),
      );
    const wave = [...remaining].filter((name) => blockedBy(name).every((i) => !remaining.has(i)));
    if (wave.length === 0) {
      for (const name of remaining) {
        report.failed.push({
          stackName: name,
          status: byName.get(name)?.status ?? 'UNKNOWN',
          reason: `imports form a cycle: ${blockedBy(name).join(', ')}`,
        });
      }
      break;
    }
    await Promise.all(
      wave.map(async (name) => {
        remaining.delete(name);
        const stack = byName.get(name)!;
        const stillImported = blockedBy(name);
        if (stillImported.length > 0) {
          report.failed.push({
            stackName: name,
            status: stack.status,
            reason: `not deleted: still imported by ${stillImported.join(', ')}, which could not be deleted`,
          });
          return;
        }
        await deleteOne(cfn, stack, options, report);
      }),
    );
  }
  return report;
}

async function deleteOne(
  cfn: CloudFormationClient,
  stack: EphemeralStack,
  options: DestroyOptions,
  report: DestroyReport,
): Promise<void> {
  const log = options.log ?? console.log;
  const wait = (waiter: Waiter) => waitFor(cfn, stack.stackId, waiter, options);
  // Let CloudFormation finish what it is doing (an update a cancelled job left running); a stack in
  // REVIEW_IN_PROGRESS holds only a change set that never ran and deletes at once.
  let state = await stateOf(cfn, stack.stackId);
  const settling = SETTLE_WAITERS.find(([status]) => status.test(state.status));
  if (settling) state = await wait(settling[1]);
  // A second attempt often deletes what the first could not yet (a network interface still in use).
  for (let attempt = 1; attempt <= 2 && !['DELETE_COMPLETE', 'TIMED_OUT'].includes(state.status); attempt++) {
    if (state.status !== 'DELETE_IN_PROGRESS') {
      log(`${stack.stackName}: ${state.status}, deleting (attempt ${attempt})`);
      await cfn.send(new DeleteStackCommand({ StackName: stack.stackId }));
    }
    state = await wait(waitUntilStackDeleteComplete);
  }
  // RetainResources as documented: only for a stack in DELETE_FAILED, naming the resources that failed.
  if (state.status === 'DELETE_FAILED' && options.retainFailedResources) {
    const { StackResources } = await cfn.send(
      new DescribeStackResourcesCommand({ StackName: stack.stackId }),
    );
    const resources = (StackResources ?? []).flatMap((r) =>
      r.ResourceStatus === 'DELETE_FAILED' && r.LogicalResourceId ? [r.LogicalResourceId] : [],
    );
    log(`${stack.stackName}: deleting with ${resources.join(', ')} retained`);
    await cfn.send(new DeleteStackCommand({ StackName: stack.stackId, RetainResources: resources }));
    state = await wait(waitUntilStackDeleteComplete);
    if (state.status === 'DELETE_COMPLETE') report.retained.push({ stackName: stack.stackName, resources });
  }
  if (state.status === 'DELETE_COMPLETE') {
    log(`${stack.stackName}: deleted`);
    report.deleted.push(stack.stackName);
  } else {
    log(`${stack.stackName}: not deleted, ${state.status}: ${state.reason ?? ''}`);
    report.failed.push({ stackName: stack.stackName, status: state.status, reason: state.reason ?? '' });
  }
}

type Waiter = typeof waitUntilStackDeleteComplete;
interface StackState {
  readonly status: string;
  readonly reason?: string;
}

/**
 * The SDK waiter that lasts while CloudFormation works on a stack in each status DeleteStack refuses:
 * each ends when the stack settles, one way or the other. (No waiter covers IMPORT_ROLLBACK_*, which
 * no stack of an ephemeral stage reaches: they import no resources.)
 */
const SETTLE_WAITERS: ReadonlyArray<readonly [RegExp, Waiter]> = [
  [/^(CREATE|ROLLBACK)_IN_PROGRESS$/, waitUntilStackCreateComplete],
  [/^UPDATE_.*IN_PROGRESS$/, waitUntilStackUpdateComplete],
  [/^IMPORT_IN_PROGRESS$/, waitUntilStackImportComplete],
];

async function stateOf(cfn: CloudFormationClient, stackId: string): Promise<StackState> {
  const stack = await describeStack(cfn, stackId);
  return { status: stack?.StackStatus ?? 'DELETE_COMPLETE', reason: stack?.StackStatusReason };
}

/** Runs the waiter on the stack, then reads where it ended: TIMED_OUT when time ran out first. */
async function waitFor(
  cfn: CloudFormationClient,
  stackId: string,
  waiter: Waiter,
  options: DestroyOptions,
): Promise<StackState> {
  const delay = options.pollSeconds ?? 15;
  let timedOut = false;
  // A waiter rejects when the stack ends in a status it does not wait for: the status tells which.
  await waiter(
    { client: cfn, maxWaitTime: (options.timeoutMinutes ?? 45) * 60, minDelay: delay, maxDelay: delay },
    { StackName: stackId },
  ).catch((error: unknown) => {
    timedOut = error instanceof Error && error.name === 'TimeoutError';
  });
  const state = await stateOf(cfn, stackId);
  return timedOut ? { status: 'TIMED_OUT', reason: `still ${state.status} after the wait` } : state;
}
