import 'aws-sdk-client-mock-jest';
import { DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { destroyStacks } from '../../../scripts/github/destroy-stacks';
import { findEphemeralStacks } from '../../../scripts/github/ephemeral-stacks';
import { FakeAccount, REPOSITORY, ephemeralTags, type FakeStack } from '../../support/fake-cloudformation';

const OPTIONS = { appName: 'jobs', repository: REPOSITORY, integAppName: 'jobs' };
const PR1 = 'jobs-pr-1-JobBase';
/** A stack of the stage pr-1. */
const pr1 = (status: string, more: Partial<FakeStack> = {}): FakeStack => ({
  name: PR1,
  status,
  tags: ephemeralTags('pr-1'),
  ...more,
});
/** A stack whose bucket fails every deletion but one with the bucket retained. */
const stubborn = (): FakeStack => pr1('CREATE_COMPLETE', { failDeletes: 5, failingResources: ['Bucket'] });

async function destroyStage(account: FakeAccount, stage: string, options = {}) {
  const stacks = (await findEphemeralStacks(account.client, OPTIONS)).filter((s) => s.stage === stage);
  // The SDK waiters poll every millisecond.
  return destroyStacks(account.client, stacks, { log: () => undefined, pollSeconds: 0.001, ...options });
}

test('deletes every stack of the stage, whatever code created it, dependents first', async () => {
  // GIVEN integ-style stacks: assertions import from probes, which import from JobBase
  const account = new FakeAccount([
    { name: 'jobs-integ-JobBase', status: 'CREATE_COMPLETE', exports: ['topic', 'queue'] },
    { name: 'jobs-integ-IntegProbes', status: 'CREATE_COMPLETE', exports: ['probe'], imports: ['topic'] },
    { name: 'jobs-integ-IntegAssertions', status: 'UPDATE_ROLLBACK_FAILED', imports: ['probe', 'queue'] },
  ]);
  const report = await destroyStage(account, 'integ');
  const order = ['jobs-integ-IntegAssertions', 'jobs-integ-IntegProbes', 'jobs-integ-JobBase'];
  expect(account.deleteCalls.map((c) => c.name)).toEqual(order);
  expect(report).toEqual({ deleted: order, failed: [], retained: [] });
  expect(account.live()).toEqual([]);
});

test.each([
  ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE'],
  ['ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE'],
  ['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE'],
  ['UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE'],
  ['IMPORT_IN_PROGRESS', 'IMPORT_COMPLETE'],
])('waits for a stack in %s to settle (%s), then deletes it', async (status, settlesTo) => {
  // GIVEN a stack that settles after two more reads (DeleteStack fails on it before)
  const account = new FakeAccount([pr1(status, { settlesAfter: 2, settlesTo })]);
  expect((await destroyStage(account, 'pr-1')).deleted).toEqual([PR1]);
  expect(account.deleteCalls).toHaveLength(1);
});

test('deletes a stack in REVIEW_IN_PROGRESS at once, without waiting', async () => {
  const account = new FakeAccount([pr1('REVIEW_IN_PROGRESS')]);
  expect((await destroyStage(account, 'pr-1')).deleted).toEqual([PR1]);
});

test('retries a DELETE_FAILED stack once, which often is enough', async () => {
  const account = new FakeAccount([pr1('DELETE_FAILED', { failDeletes: 1 })]);
  const report = await destroyStage(account, 'pr-1');
  expect(account.deleteCalls).toEqual([{ name: PR1 }, { name: PR1 }]);
  expect(report.deleted).toEqual([PR1]);
});

test('reports a stack that still fails, and retains nothing unless asked', async () => {
  const account = new FakeAccount([stubborn()]);
  expect(await destroyStage(account, 'pr-1')).toEqual({
    deleted: [],
    failed: [
      { stackName: PR1, status: 'DELETE_FAILED', reason: expect.stringContaining('failed to delete') },
    ],
    retained: [],
  });
  expect(account.mock).not.toHaveReceivedCommandWith(DeleteStackCommand, {
    RetainResources: expect.anything(),
  });
});

test('with retainFailedResources, retains exactly the resources that failed, and says so', async () => {
  const account = new FakeAccount([stubborn()]);
  const report = await destroyStage(account, 'pr-1', { retainFailedResources: true });
  expect(account.deleteCalls.at(-1)).toEqual({ name: PR1, retain: ['Bucket'] });
  expect(report).toEqual({
    deleted: [PR1],
    failed: [],
    retained: [{ stackName: PR1, resources: ['Bucket'] }],
  });
});

test('leaves an exporter alone while an importer it could not delete still imports it', async () => {
  const account = new FakeAccount([
    pr1('CREATE_COMPLETE', { exports: ['topic'] }),
    pr1('CREATE_COMPLETE', { name: 'jobs-pr-1-Extra', imports: ['topic'], failDeletes: 5 }),
  ]);
  const report = await destroyStage(account, 'pr-1');
  expect(account.deleteCalls.map((c) => c.name)).toEqual(['jobs-pr-1-Extra', 'jobs-pr-1-Extra']);
  expect(report.failed.map((f) => [f.stackName, f.reason])).toEqual([
    ['jobs-pr-1-Extra', expect.stringContaining('failed to delete')],
    [PR1, 'not deleted: still imported by jobs-pr-1-Extra, which could not be deleted'],
  ]);
});

test('gives up on a stack that never settles, and reports it', async () => {
  const account = new FakeAccount([pr1('UPDATE_IN_PROGRESS')]);
  // A 60 ms wait, polled every millisecond
  const report = await destroyStage(account, 'pr-1', { timeoutMinutes: 0.001 });
  expect(report.failed).toEqual([
    { stackName: PR1, status: 'TIMED_OUT', reason: 'still UPDATE_IN_PROGRESS after the wait' },
  ]);
  expect(account.deleteCalls).toEqual([]);
});
