import 'aws-sdk-client-mock-jest';
import { DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { EPHEMERAL_TAGS } from '../../../infra/config/ephemeral';
import { destroyStacks } from '../../../scripts/github/destroy-stacks';
import { findEphemeralStacks } from '../../../scripts/github/ephemeral-stacks';
import { FakeAccount, type FakeStack } from '../../support/fake-cloudformation';

const OPTIONS = { appName: 'jobs', repository: 'example-org/batch-job-platform', integAppName: 'jobs' };
const tags = (stage: string, repository = OPTIONS.repository): Record<string, string> => ({
  [EPHEMERAL_TAGS.stage]: stage,
  [EPHEMERAL_TAGS.kind]: stage.startsWith('pr-') ? 'pr' : stage.startsWith('br-') ? 'branch' : 'integ',
  [EPHEMERAL_TAGS.repository]: repository,
});
/** The SDK waiters poll every millisecond. */
const NO_WAIT = { log: () => undefined, pollSeconds: 0.001 };

/** A stack whose bucket fails every deletion but one with the bucket retained. */
const stubborn = (): FakeStack => ({
  name: 'jobs-pr-1-JobBase',
  status: 'CREATE_COMPLETE',
  failDeletes: 5,
  failingResources: ['Bucket'],
  tags: tags('pr-1'),
});

async function destroyStage(account: FakeAccount, stage: string, options = {}) {
  const stacks = (await findEphemeralStacks(account.client, OPTIONS)).filter((s) => s.stage === stage);
  return destroyStacks(account.client, stacks, { ...NO_WAIT, ...options });
}

describe('destroyStacks', () => {
  test('deletes every stack of the stage, whatever code created it, dependents first', async () => {
    // GIVEN integ-style stacks: assertions import from probes, which import from JobBase
    const account = new FakeAccount([
      { name: 'jobs-integ-JobBase', status: 'CREATE_COMPLETE', exports: ['topic', 'queue'] },
      { name: 'jobs-integ-IntegProbes', status: 'CREATE_COMPLETE', exports: ['probe'], imports: ['topic'] },
      { name: 'jobs-integ-IntegAssertions', status: 'UPDATE_ROLLBACK_FAILED', imports: ['probe', 'queue'] },
    ]);
    // WHEN
    const report = await destroyStage(account, 'integ');
    // THEN
    expect(account.deleteCalls.map((c) => c.name)).toEqual([
      'jobs-integ-IntegAssertions',
      'jobs-integ-IntegProbes',
      'jobs-integ-JobBase',
    ]);
    expect(report).toEqual({
      deleted: ['jobs-integ-IntegAssertions', 'jobs-integ-IntegProbes', 'jobs-integ-JobBase'],
      failed: [],
      retained: [],
    });
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
    const stack: FakeStack = {
      name: 'jobs-pr-1-JobBase',
      status,
      settlesAfter: 2,
      settlesTo,
      tags: tags('pr-1'),
    };
    const account = new FakeAccount([stack]);
    // WHEN / THEN
    expect((await destroyStage(account, 'pr-1')).deleted).toEqual(['jobs-pr-1-JobBase']);
    expect(account.deleteCalls).toHaveLength(1);
  });

  test('deletes a stack in REVIEW_IN_PROGRESS at once, without waiting', async () => {
    const account = new FakeAccount([
      { name: 'jobs-pr-1-JobBase', status: 'REVIEW_IN_PROGRESS', tags: tags('pr-1') },
    ]);
    expect((await destroyStage(account, 'pr-1')).deleted).toEqual(['jobs-pr-1-JobBase']);
  });

  test('retries a DELETE_FAILED stack once, which often is enough', async () => {
    const account = new FakeAccount([
      { name: 'jobs-pr-1-JobBase', status: 'DELETE_FAILED', failDeletes: 1, tags: tags('pr-1') },
    ]);
    const report = await destroyStage(account, 'pr-1');
    expect(account.deleteCalls).toEqual([{ name: 'jobs-pr-1-JobBase' }, { name: 'jobs-pr-1-JobBase' }]);
    expect(report.deleted).toEqual(['jobs-pr-1-JobBase']);
  });

  test('reports a stack that still fails, and retains nothing unless asked', async () => {
    const account = new FakeAccount([stubborn()]);
    const report = await destroyStage(account, 'pr-1');
    expect(report).toEqual({
      deleted: [],
      failed: [
        {
          stackName: 'jobs-pr-1-JobBase',
          status: 'DELETE_FAILED',
          reason: expect.stringContaining('failed to delete'),
        },
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
    expect(account.deleteCalls.at(-1)).toEqual({ name: 'jobs-pr-1-JobBase', retain: ['Bucket'] });
    expect(report).toEqual({
      deleted: ['jobs-pr-1-JobBase'],
      failed: [],
      retained: [{ stackName: 'jobs-pr-1-JobBase', resources: ['Bucket'] }],
    });
  });

  test('leaves an exporter alone while an importer it could not delete still imports it', async () => {
    const account = new FakeAccount([
      { name: 'jobs-pr-1-JobBase', status: 'CREATE_COMPLETE', exports: ['topic'], tags: tags('pr-1') },
      {
        name: 'jobs-pr-1-Extra',
        status: 'CREATE_COMPLETE',
        imports: ['topic'],
        failDeletes: 5,
        tags: tags('pr-1'),
      },
    ]);
    const report = await destroyStage(account, 'pr-1');
    expect(account.deleteCalls.map((c) => c.name)).toEqual(['jobs-pr-1-Extra', 'jobs-pr-1-Extra']);
    expect(report.failed.map((f) => [f.stackName, f.reason])).toEqual([
      ['jobs-pr-1-Extra', expect.stringContaining('failed to delete')],
      ['jobs-pr-1-JobBase', 'not deleted: still imported by jobs-pr-1-Extra, which could not be deleted'],
    ]);
  });

  test('gives up on a stack that never settles, and reports it', async () => {
    const account = new FakeAccount([
      { name: 'jobs-pr-1-JobBase', status: 'UPDATE_IN_PROGRESS', tags: tags('pr-1') },
    ]);
    // A 60 ms wait, polled every millisecond
    const report = await destroyStage(account, 'pr-1', { timeoutMinutes: 0.001 });
    expect(report.failed).toEqual([
      {
        stackName: 'jobs-pr-1-JobBase',
        status: 'TIMED_OUT',
        reason: 'still UPDATE_IN_PROGRESS after the wait',
      },
    ]);
    expect(account.deleteCalls).toEqual([]);
  });
});
