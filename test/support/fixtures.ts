import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Events built from the documented fields of the AWS Batch "Batch Job State Change" event. */
export const EVENT_FIXTURES = {
  succeededContainer: 'succeeded-container.json',
  /** The main node (`<parentId>#0`) of a multi-node parallel job: `nodeDetails` and `nodeProperties`. */
  succeededMultiNode: 'succeeded-multi-node.json',
  succeededAfterRetries: 'succeeded-after-retries.json',
  failedExitCode: 'failed-exit-code.json',
  failedCannotPullContainer: 'failed-cannot-pull-container.json',
  failedMultiContainer: 'failed-multi-container.json',
  /** An array job's parent: `arrayProperties.size` and `statusSummary`, no attempts of its own. */
  succeededArrayParent: 'succeeded-array-parent.json',
  failedArrayParent: 'failed-array-parent.json',
  /** A child of that array (`<parentId>:7`): `arrayProperties.index` alone. */
  failedArrayChild: 'failed-array-child.json',
  /** A multi-node parallel job's parent: `nodeProperties`, no `nodeDetails`; its result is the main node's. */
  failedMultiNodeParent: 'failed-multi-node-parent.json',
  /** A node of that job that is not the main node (`<parentId>#2`): `nodeDetails` and `nodeProperties`. */
  failedMultiNodeNode: 'failed-multi-node-node.json',
} as const;

export type EventFixture = keyof typeof EVENT_FIXTURES;

export const SUCCEEDED_FIXTURES: readonly EventFixture[] = [
  'succeededContainer',
  'succeededMultiNode',
  'succeededAfterRetries',
  'succeededArrayParent',
];
export const FAILED_FIXTURES: readonly EventFixture[] = [
  'failedExitCode',
  'failedCannotPullContainer',
  'failedMultiContainer',
  'failedArrayParent',
  'failedArrayChild',
  'failedMultiNodeParent',
  'failedMultiNodeNode',
];

/** The events of array children and multi-node nodes: not notified unless `perChild` is on. */
export const CHILD_FIXTURES: readonly EventFixture[] = [
  'succeededMultiNode',
  'failedArrayChild',
  'failedMultiNodeNode',
];

export function fixturePath(name: EventFixture): string {
  return join(__dirname, '..', 'fixtures', 'events', EVENT_FIXTURES[name]);
}

/** A fresh copy each call, so a test may change it freely. */
export function loadEvent(name: EventFixture): Record<string, unknown> {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as Record<string, unknown>;
}

/**
 * The AWS Batch documentation's sample event (status RUNNABLE), copied verbatim into the repository
 * so that tests run anywhere (CI, GitHub Actions, CodeBuild).
 */
export const RUNNABLE_SAMPLE_PATH = join(__dirname, '..', 'fixtures', 'events', 'aws-docs-runnable.json');

export function loadRunnableSample(): Record<string, unknown> {
  return JSON.parse(readFileSync(RUNNABLE_SAMPLE_PATH, 'utf8')) as Record<string, unknown>;
}

/** `event` with `detail` fields replaced: the usual way tests derive an edge case from a fixture. */
export function withDetail(
  event: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  return { ...event, detail: { ...(event.detail as Record<string, unknown>), ...changes } };
}
