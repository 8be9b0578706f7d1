import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import { describeJob, formatStatusSummary, jobShapeLines } from '../../../functions/notification/job-text';
import { type EventFixture, loadEvent, withDetail } from '../../support/fixtures';

function describeFixture(name: EventFixture, changes?: Record<string, unknown>): string {
  const event = changes ? withDetail(loadEvent(name), changes) : loadEvent(name);
  return describeJob(parseBatchJobStateChange(event), 'Headline');
}

describe('describeJob', () => {
  test('lists the job facts of a container job', () => {
    const text = describeFixture('succeededContainer');
    expect(text.split('\n').slice(0, 15)).toEqual([
      'Headline',
      '',
      'Job name:        nightly-report',
      'Job id:          7f3e2a10-1c2b-4d5e-8f90-a1b2c3d4e5f6',
      'Job queue:       jobs-dev-Batch',
      'Job definition:  nightly-report:3',
      'Status:          SUCCEEDED',
      'Status reason:   Essential container in task exited',
      'Created:         2026-01-01T00:00:00.000Z',
      'Started:         2026-01-01T00:01:05.000Z',
      'Stopped:         2026-01-01T00:03:10.500Z',
      'Duration:        2m 6s',
      'Attempts:        1',
      '',
      'Attempt 1:',
    ]);
  });

  test('links the log stream of a container job and the job in the Batch console', () => {
    const text = describeFixture('failedExitCode');
    expect(text).toContain(
      '  Container: exit code 1\n    Logs: https://us-east-1.console.aws.amazon.com/cloudwatch/',
    );
    expect(text).toContain('log-events/nightly-report$252Fdefault$252F1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f');
    expect(text).toMatch(
      /\nBatch console: +https:\/\/.*#jobs\/detail\/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d$/,
    );
  });

  test('gives the exit code, reason and log group of each container of a multi-container job', () => {
    const text = describeFixture('failedMultiContainer');
    expect(text).toContain(
      '  Container app: exit code 137, reason: OutOfMemoryError: Container killed due to memory usage\n' +
        '    Logs: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1' +
        '#logsV2:log-groups/log-group/$252Fjobs$252Fdev$252Fetl/log-events/etl$252Fapp$252F',
    );
    expect(text).toContain('  Container log-router: exit code 0\n    Logs: https://');
    expect(text).toContain('Duration:        1h 2m 5s');
  });

  test('says a job that failed before it started has no logs, and why it failed', () => {
    const text = describeFixture('failedCannotPullContainer');
    expect(text).toContain('Started:         (not reached)');
    expect(text).toContain('Duration:        (not run)');
    expect(text).toContain(
      '  Container: no exit code, reason: CannotPullContainerError: pull image manifest has been retried',
    );
    expect(text).toContain('    Logs: none (no log stream: the container did not run)');
  });

  test('falls back to the job-level container when there are no attempts', () => {
    const text = describeFixture('failedCannotPullContainer', { attempts: [] });
    expect(text).toContain('Attempts:        0');
    expect(text).toContain('\nContainer: no exit code, reason: CannotPullContainerError: ');
  });

  test('describes every attempt of a retried job, in order', () => {
    const text = describeFixture('succeededAfterRetries');
    expect(text).toContain('Attempts:        3');
    const exitCodes = [...text.matchAll(/Attempt (\d):\n(?:.*\n){2} {2}Container: exit code (\d)/g)].map(
      (m) => m.slice(1).join('='),
    );
    expect(exitCodes).toEqual(['1=1', '2=1', '3=0']);
    expect(text.match(/Logs: https:\/\//g)).toHaveLength(3);
  });

  test('keeps every event value on its own line, with a bounded length', () => {
    const text = describeFixture('failedExitCode', {
      statusReason: `line1\nFAKE: injected\r${'x'.repeat(5000)}`,
    });
    const line = text.split('\n').find((l) => l.startsWith('Status reason:'));
    expect(line).toMatch(/^Status reason: {3}line1 FAKE: injected x+\.\.\.$/);
    expect(line?.length).toBeLessThanOrEqual('Status reason:   '.length + 1024);
  });

  test('gives no console links for an unrecognised region', () => {
    const event = { ...loadEvent('failedExitCode'), region: 'moon-base' };
    const text = describeJob(parseBatchJobStateChange(event), 'Headline');
    expect(text).not.toContain('https://');
    expect(text).toContain('Logs: /aws/batch/job nightly-report/default/');
    expect(text).toContain('Batch console:   (no link: unrecognised region)');
  });
});

describe('formatStatusSummary', () => {
  test.each([
    [
      'lists the statuses that have children, SUCCEEDED and FAILED first',
      { RUNNING: 1, FAILED: 2, PENDING: 0, SUCCEEDED: 7 },
      '7 SUCCEEDED, 2 FAILED, 1 RUNNING',
    ],
    [
      'puts a status Batch does not document last, on one bounded line',
      { 'NEW\nSTATUS': 1, SUCCEEDED: 1 },
      '1 SUCCEEDED, 1 NEW STATUS',
    ],
    ['has nothing to say when no status has children', { SUCCEEDED: 0, FAILED: 0 }, undefined],
    ['has nothing to say for no statuses', {}, undefined],
  ])('%s', (_case, summary, expected) => {
    expect(formatStatusSummary(summary)).toBe(expected);
  });
});

const NODES = 'Nodes:           3, main node 0';
const FAILED_NODES =
  "Failed nodes:    not listed in the event (the job has its main node's result); see the nodes: ";
const FAILED_CHILDREN =
  'Failed children: indexes not listed in the event; see the children with status FAILED in the Batch console';

describe('jobShapeLines', () => {
  test.each<[string, EventFixture, Record<string, unknown>, string[]]>([
    [
      'an array parent counts its children',
      'succeededArrayParent',
      {},
      ['Array job:       size 3', 'Children:        3 SUCCEEDED'],
    ],
    [
      'a failed array parent says the event does not name the failed children',
      'failedArrayParent',
      {},
      ['Array job:       size 10', 'Children:        8 SUCCEEDED, 2 FAILED', FAILED_CHILDREN],
    ],
    [
      'an array parent says how many children the counts leave out',
      'succeededArrayParent',
      { arrayProperties: { size: 5, statusSummary: { SUCCEEDED: 3 } } },
      ['Array job:       size 5', 'Children:        3 SUCCEEDED (2 of 5 not counted)'],
    ],
    [
      'an array parent says when its event has no counts',
      'succeededArrayParent',
      { arrayProperties: { size: 3 } },
      ['Array job:       size 3', 'Children:        (no status counts in the event)'],
    ],
    ['an array child shows its index and no counts', 'failedArrayChild', {}, ['Array index:     7']],
    [
      'a failed multi-node parent names the node ids',
      'failedMultiNodeParent',
      {},
      [NODES, `${FAILED_NODES}9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f#0 to #2`],
    ],
    [
      'a multi-node parent keeps the job id it names on the same line',
      'failedMultiNodeParent',
      { jobId: 'id\nFAKE: line' },
      [NODES, `${FAILED_NODES}id FAKE: line#0 to #2`],
    ],
    [
      'a succeeded multi-node parent has no failed-nodes line',
      'failedMultiNodeParent',
      { status: 'SUCCEEDED' },
      [NODES],
    ],
    [
      'a node says which one it is',
      'failedMultiNodeNode',
      {},
      ['Node:            index 2 of a multi-node parallel job', NODES],
    ],
    [
      'the main node says so',
      'succeededMultiNode',
      {},
      ['Node:            index 0 of a multi-node parallel job (main node)', NODES],
    ],
    ['a plain job has no shape lines', 'failedExitCode', {}, []],
  ])('%s', (_case, name, changes, expected) => {
    expect(jobShapeLines(parseBatchJobStateChange(withDetail(loadEvent(name), changes)).detail)).toEqual(
      expected,
    );
  });
});

describe('describeJob of an array parent', () => {
  test('puts the shape lines among the job facts, before the console link', () => {
    const text = describeFixture('failedArrayParent');
    expect(text).toMatch(/Attempts: {8}0\nArray job: {7}size 10\nChildren: {8}8 SUCCEEDED, 2 FAILED\n/);
    expect(text.indexOf('Children:')).toBeLessThan(text.indexOf('Batch console:'));
  });
});
