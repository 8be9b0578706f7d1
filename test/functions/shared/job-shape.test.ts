import { formatStatusSummary, jobShapeLines } from '../../../functions/shared/job-shape';
import { parseBatchJobStateChange } from '../../../functions/shared/schema';
import { describeJob } from '../../../functions/shared/summary';
import { type EventFixture, loadEvent, withDetail } from '../../support/fixtures';

function linesOf(name: EventFixture, changes?: Record<string, unknown>): string[] {
  const event = changes ? withDetail(loadEvent(name), changes) : loadEvent(name);
  return jobShapeLines(parseBatchJobStateChange(event).detail);
}

describe('formatStatusSummary', () => {
  test('lists the statuses that have children, SUCCEEDED and FAILED first', () => {
    expect(formatStatusSummary({ RUNNING: 1, FAILED: 2, PENDING: 0, SUCCEEDED: 7 })).toBe(
      '7 SUCCEEDED, 2 FAILED, 1 RUNNING',
    );
  });

  test('puts a status Batch does not document last, on one bounded line', () => {
    expect(formatStatusSummary({ 'NEW\nSTATUS': 1, SUCCEEDED: 1 })).toBe('1 SUCCEEDED, 1 NEW STATUS');
  });

  test('has nothing to say when no status has children', () => {
    expect(formatStatusSummary({ SUCCEEDED: 0, FAILED: 0 })).toBeUndefined();
    expect(formatStatusSummary({})).toBeUndefined();
  });
});

describe('jobShapeLines: array jobs', () => {
  test('a succeeded parent counts its children', () => {
    expect(linesOf('succeededArrayParent')).toEqual([
      'Array job:       size 3',
      'Children:        3 SUCCEEDED',
    ]);
  });

  test('a failed parent counts its children and says the event does not name the failed ones', () => {
    expect(linesOf('failedArrayParent')).toEqual([
      'Array job:       size 10',
      'Children:        8 SUCCEEDED, 2 FAILED',
      'Failed children: indexes not listed in the event; see the children with status FAILED in the Batch console',
    ]);
  });

  test('says how many children the counts leave out', () => {
    const lines = linesOf('succeededArrayParent', {
      arrayProperties: { size: 5, statusSummary: { SUCCEEDED: 3 } },
    });
    expect(lines).toContain('Children:        3 SUCCEEDED (2 of 5 not counted)');
  });

  test('says when the parent event has no counts', () => {
    expect(linesOf('succeededArrayParent', { arrayProperties: { size: 3 } })).toContain(
      'Children:        (no status counts in the event)',
    );
  });

  test('a child shows its index and no counts', () => {
    expect(linesOf('failedArrayChild')).toEqual(['Array index:     7']);
  });
});

describe('jobShapeLines: multi-node parallel jobs', () => {
  test('a failed parent says which nodes failed is not in the event, and names the node ids', () => {
    expect(linesOf('failedMultiNodeParent')).toEqual([
      'Nodes:           3, main node 0',
      "Failed nodes:    not listed in the event (the job has its main node's result); " +
        'see the nodes: 9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f#0 to #2',
    ]);
  });

  test('keeps the job id it names on the same line', () => {
    const lines = linesOf('failedMultiNodeParent', { jobId: 'id\nFAKE: line' });
    expect(lines[1]).toMatch(/see the nodes: id FAKE: line#0 to #2$/);
    expect(lines).toHaveLength(2);
  });

  test('a succeeded parent has no failed-nodes line', () => {
    expect(linesOf('failedMultiNodeParent', { status: 'SUCCEEDED' })).toEqual([
      'Nodes:           3, main node 0',
    ]);
  });

  test('a node says which one it is', () => {
    expect(linesOf('failedMultiNodeNode')).toEqual([
      'Node:            index 2 of a multi-node parallel job',
      'Nodes:           3, main node 0',
    ]);
  });

  test('a plain job has no shape lines', () => {
    expect(linesOf('failedExitCode')).toEqual([]);
  });
});

describe('describeJob of a parent', () => {
  test('puts the children counts among the job facts, before the console link', () => {
    const text = describeJob(parseBatchJobStateChange(loadEvent('failedArrayParent')), 'Headline');
    expect(text).toMatch(/Attempts: {8}0\nArray job: {7}size 10\nChildren: {8}8 SUCCEEDED, 2 FAILED\n/);
    expect(text.indexOf('Children:')).toBeLessThan(text.indexOf('Batch console:'));
  });
});
