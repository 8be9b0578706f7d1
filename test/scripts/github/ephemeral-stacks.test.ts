import { EPHEMERAL_TAGS } from '../../../infra/config/ephemeral';
import { findEphemeralStacks, stageOfStack } from '../../../scripts/github/ephemeral-stacks';
import { FakeAccount } from '../../support/fake-cloudformation';

const OPTIONS = { appName: 'jobs', repository: 'example-org/batch-job-platform', integAppName: 'jobs' };
const tags = (stage: string, repository = OPTIONS.repository): Record<string, string> => ({
  [EPHEMERAL_TAGS.stage]: stage,
  [EPHEMERAL_TAGS.kind]: stage.startsWith('pr-') ? 'pr' : stage.startsWith('br-') ? 'branch' : 'integ',
  [EPHEMERAL_TAGS.repository]: repository,
});
describe('findEphemeralStacks', () => {
  test('finds the stacks of every stage, in every status but DELETE_COMPLETE, by tag or by name', async () => {
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
    // WHEN
    const found = await findEphemeralStacks(account.client, OPTIONS);
    // THEN
    expect(found.map((s) => [s.stackName, s.stage, s.kind, s.status])).toEqual([
      ['jobs-pr-42-JobBase', 'pr-42', 'pr', 'REVIEW_IN_PROGRESS'],
      ['jobs-pr-42-Extra', 'pr-42', 'pr', 'IMPORT_ROLLBACK_FAILED'],
      ['oldname-br-x-JobBase', 'br-x', 'branch', 'DELETE_FAILED'],
      ['jobs-pr-7-JobBase', 'pr-7', 'pr', 'UPDATE_COMPLETE'],
      ['jobs-integ-JobBase', 'integ', 'integ', 'CREATE_IN_PROGRESS'],
    ]);
  });

  test('names the stage of an untagged stack from its name, and of no other stack', () => {
    const options = { appName: 'jobs', integAppName: 'jobs' };
    expect(stageOfStack('jobs-br-feature-x-217d2b-JobBase', {}, options)?.stage).toBe('br-feature-x-217d2b');
    expect(stageOfStack('jobs-integ-IntegProbes', {}, options)?.stage).toBe('integ');
    expect(stageOfStack('jobs-dev-JobBase', {}, options)).toBeUndefined();
    expect(stageOfStack('other-pr-1-JobBase', {}, options)).toBeUndefined();
  });
});
