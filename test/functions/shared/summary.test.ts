import { parseBatchJobStateChange } from '../../../functions/shared/schema';
import {
  arnResourceName,
  describeJob,
  formatDuration,
  formatTime,
  logGroupOf,
} from '../../../functions/shared/summary';
import { type EventFixture, loadEvent, withDetail } from '../../support/fixtures';

function describeFixture(name: EventFixture, changes?: Record<string, unknown>): string {
  const event = changes ? withDetail(loadEvent(name), changes) : loadEvent(name);
  return describeJob(parseBatchJobStateChange(event), 'Headline');
}

describe('formatTime', () => {
  test('writes epoch milliseconds as ISO 8601 UTC', () => {
    expect(formatTime(1767225790500)).toBe('2026-01-01T00:03:10.500Z');
  });

  test('says when a time was not reached', () => {
    expect(formatTime(undefined)).toBe('(not reached)');
    expect(formatTime(null)).toBe('(not reached)');
  });

  test('does not throw for a number no date can hold', () => {
    expect(formatTime(1e20)).toBe('(invalid time 100000000000000000000)');
  });
});

describe('formatDuration', () => {
  test.each([
    [0, 1234, '1.2s'],
    [0, 59_949, '59.9s'],
    [0, 125_500, '2m 6s'],
    [0, 3_725_000, '1h 2m 5s'],
  ])('from %d to %d is %s', (start, stop, expected) => {
    expect(formatDuration(start, stop)).toBe(expected);
  });

  test('is undefined unless both ends are known and in order', () => {
    expect(formatDuration(undefined, 5)).toBeUndefined();
    expect(formatDuration(5, null)).toBeUndefined();
    expect(formatDuration(10, 5)).toBeUndefined();
    expect(formatDuration(-Infinity, 5)).toBeUndefined();
  });
});

describe('arnResourceName', () => {
  test('returns the resource part of a Batch ARN', () => {
    expect(arnResourceName('arn:aws:batch:us-east-1:123456789012:job-queue/jobs-dev-Batch')).toBe(
      'jobs-dev-Batch',
    );
    expect(arnResourceName('arn:aws:batch:us-east-1:123456789012:job-definition/etl:3')).toBe('etl:3');
  });

  test('returns anything else unchanged', () => {
    expect(arnResourceName('jobs-dev-Batch')).toBe('jobs-dev-Batch');
  });
});

describe('logGroupOf', () => {
  test("defaults to Batch's /aws/batch/job", () => {
    expect(logGroupOf(parseBatchJobStateChange(loadEvent('failedExitCode')))).toBe('/aws/batch/job');
  });

  test("uses the named container's awslogs group in a multi-container job", () => {
    const event = parseBatchJobStateChange(loadEvent('failedMultiContainer'));
    expect(logGroupOf(event, 'app')).toBe('/jobs/dev/etl');
    expect(logGroupOf(event, 'log-router')).toBe('/aws/batch/job');
  });

  test("uses the job container's awslogs group in a container job", () => {
    const event = loadEvent('failedExitCode');
    const detail = event.detail as { container: Record<string, unknown> };
    detail.container.logConfiguration = { logDriver: 'awslogs', options: { 'awslogs-group': '/custom' } };
    expect(logGroupOf(parseBatchJobStateChange(event))).toBe('/custom');
  });

  test('ignores the group option of another log driver', () => {
    const event = loadEvent('failedExitCode');
    const detail = event.detail as { container: Record<string, unknown> };
    detail.container.logConfiguration = { logDriver: 'splunk', options: { 'awslogs-group': '/custom' } };
    expect(logGroupOf(parseBatchJobStateChange(event))).toBe('/aws/batch/job');
  });
});

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

  test('says which node of a multi-node parallel job it is', () => {
    const text = describeFixture('succeededMultiNode');
    expect(text).toContain('Node:            index 0 of a multi-node parallel job (main node)');
    expect(text).toContain('Nodes:           3, main node 0');
  });

  test('mentions array job properties', () => {
    const text = describeFixture('succeededContainer', { arrayProperties: { size: 10, index: 3 } });
    expect(text).toContain('Array job:       size 10\nArray index:     3');
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
