import { findEphemeralStacks, stageOfStack } from '../../../scripts/github/ephemeral-stacks';
import { FakeAccount, REPOSITORY, ephemeralTags as tags } from '../../support/fake-cloudformation';

const OPTIONS = { appName: 'jobs', repository: REPOSITORY, integAppName: 'jobs' };

test('findEphemeralStacks finds the stacks of every stage, in every status but DELETE_COMPLETE, by tag or by name', async () => {
  // GIVEN stacks in statuses a status filter would miss, and stacks that are not ours
  const account = new FakeAccount([
    { name: 'jobs-pr-42-JobBase', status: 'REVIEW_IN_PROGRESS', tags: tags('pr-42') },
    { name: 'jobs-pr-42-Extra', status: 'IMPORT_ROLLBACK_FAILED', tags: tags('pr-42') },
    { name: 'oldname-br-x-JobBase', status: 'DELETE_FAILED', tags: tags('br-x') },
    { name: 'jobs-pr-7-JobBase', status: 'UPDATE_COMPLETE' },
    { name: 'jobs-integ-JobBase', status: 'CREATE_IN_PROGRESS' },
    { name: 'jobs-pr-9-JobBase', status: 'DELETE_COMPLETE', tags: tags('pr-9') },
    { name: 'jobs-pr-5-JobBase', status: 'CREATE_COMPLETE', tags: tags('pr-5', 'someone/else') },
    { name: 'jobs-dev-JobBase', status: 'UPDATE_COMPLETE' },
    { name: 'jobs-PreviewNetwork', status: 'CREATE_COMPLETE' },
  ]);
  const found = await findEphemeralStacks(account.client, OPTIONS);
  expect(found.map((s) => [s.stackName, s.stage, s.kind, s.status])).toEqual([
    ['jobs-pr-42-JobBase', 'pr-42', 'pr', 'REVIEW_IN_PROGRESS'],
    ['jobs-pr-42-Extra', 'pr-42', 'pr', 'IMPORT_ROLLBACK_FAILED'],
    ['oldname-br-x-JobBase', 'br-x', 'branch', 'DELETE_FAILED'],
    ['jobs-pr-7-JobBase', 'pr-7', 'pr', 'UPDATE_COMPLETE'],
    ['jobs-integ-JobBase', 'integ', 'integ', 'CREATE_IN_PROGRESS'],
  ]);
});

test('stageOfStack names the stage of an untagged stack from its name, and of no other stack', () => {
  expect(stageOfStack('jobs-br-feature-x-217d2b-JobBase', {}, OPTIONS)?.stage).toBe('br-feature-x-217d2b');
  expect(stageOfStack('jobs-integ-IntegProbes', {}, OPTIONS)?.stage).toBe('integ');
  expect(stageOfStack('jobs-dev-JobBase', {}, OPTIONS)).toBeUndefined();
  expect(stageOfStack('other-pr-1-JobBase', {}, OPTIONS)).toBeUndefined();
});
