import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import {
  arnResourceName,
  formatDuration,
  formatTime,
  logGroupOf,
} from '../../../functions/notification/job-facts';
import { loadEvent } from '../../support/fixtures';

test('formatTime writes ISO 8601 UTC, says when a time was not reached, and copes with any number', () => {
  expect(formatTime(1767225790500)).toBe('2026-01-01T00:03:10.500Z');
  expect(formatTime(undefined)).toBe('(not reached)');
  expect(formatTime(null)).toBe('(not reached)');
  expect(formatTime(1e20)).toBe('(invalid time 100000000000000000000)');
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

test('arnResourceName returns the resource part of a Batch ARN, and anything else unchanged', () => {
  expect(arnResourceName('arn:aws:batch:us-east-1:123456789012:job-queue/jobs-dev-Batch')).toBe(
    'jobs-dev-Batch',
  );
  expect(arnResourceName('arn:aws:batch:us-east-1:123456789012:job-definition/etl:3')).toBe('etl:3');
  expect(arnResourceName('jobs-dev-Batch')).toBe('jobs-dev-Batch');
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

  test.each([
    ['awslogs', '/custom'],
    ['splunk', '/aws/batch/job'],
  ])("reads the job container's group option of the %s log driver as %s", (logDriver, expected) => {
    const event = loadEvent('failedExitCode');
    const detail = event.detail as { container: Record<string, unknown> };
    detail.container.logConfiguration = { logDriver, options: { 'awslogs-group': '/custom' } };
    expect(logGroupOf(parseBatchJobStateChange(event))).toBe(expected);
  });
});
