import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DescribeChangeSetCommandOutput, DescribeChangeSetOutput } from '@aws-sdk/client-cloudformation';

/** Recorded DescribeChangeSet responses of the production JobBase stack, in the API's shape. */
export const CHANGE_SET_FIXTURES = [
  'routine-update',
  'stateful-replacement',
  'key-policy-and-security-group',
  'two-pages-1',
  'two-pages-2',
  'no-changes',
  'failed',
  'create-in-progress',
] as const;

export type ChangeSetFixture = (typeof CHANGE_SET_FIXTURES)[number];

type RecordedChangeSet = Omit<DescribeChangeSetOutput, 'CreationTime'> & { readonly CreationTime?: string };

/** A fresh copy of the response as the SDK returns it (CreationTime a Date), so a test may change it. */
export function loadChangeSet(name: ChangeSetFixture): DescribeChangeSetCommandOutput {
  const path = join(__dirname, '..', 'fixtures', 'change-sets', `${name}.json`);
  const recorded = JSON.parse(readFileSync(path, 'utf8')) as RecordedChangeSet;
  return {
    ...recorded,
    CreationTime: recorded.CreationTime === undefined ? undefined : new Date(recorded.CreationTime),
    $metadata: { httpStatusCode: 200, requestId: `request-${name}` },
  };
}
