import { InvalidEventError } from '../../../functions/notification/errors';
import { eventIdOf, parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import { loadEvent, loadRunnableSample, withDetail } from '../../support/fixtures';

function parseError(event: unknown): InvalidEventError {
  try {
    parseBatchJobStateChange(event);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected an InvalidEventError');
}

describe('parseBatchJobStateChange', () => {
  test("accepts the AWS documentation's sample event", () => {
    expect(parseBatchJobStateChange(loadRunnableSample()).detail.status).toBe('RUNNABLE');
  });

  test('keeps fields it does not declare, at every level, and the replay name of a replayed event', () => {
    // Fields AWS might add tomorrow.
    const event = withDetail(
      { ...loadEvent('failedMultiContainer'), newTopLevel: 1, 'replay-name': 'after-outage' },
      { shareIdentifier: 'gold' },
    );
    const parsed = parseBatchJobStateChange(event);
    expect(parsed).toMatchObject({ newTopLevel: 1, detail: { shareIdentifier: 'gold' } });
    expect(parsed['replay-name']).toBe('after-outage');
    expect(parsed.detail.ecsProperties?.taskProperties?.[0]).toHaveProperty('platformVersion', 'LATEST');
    expect(parsed.detail.attempts?.[0]?.taskProperties?.[0]).toHaveProperty('taskArn');
  });

  test('accepts null for optional fields', () => {
    const event = withDetail(loadEvent('failedExitCode'), {
      statusReason: null,
      startedAt: null,
      container: null,
    });
    expect(parseBatchJobStateChange(event).detail.statusReason).toBeNull();
  });

  test.each([
    ['null', null, '(event)'],
    ['a string', 'event', '(event)'],
    ['an array', [], '(event)'],
    ['an empty object', {}, 'detail'],
  ])('fails for %s', (_case, event, path) => {
    expect(parseError(event).issues.join('\n')).toContain(`${path}: `);
  });

  test('fails for an event without detail, naming the field and the event id', () => {
    const event = loadEvent('succeededContainer');
    delete event.detail;
    const error = parseError(event);
    expect(error.eventId).toBe('3f1c5b7e-2d4a-4b6c-9e8f-1a2b3c4d5e6f');
    expect(error.issues).toEqual(['detail: Invalid input: expected object, received undefined']);
    expect(error.message).toMatch(/^Invalid Batch Job State Change event 3f1c5b7e-.*: detail: /);
  });

  test.each([
    ['source', 'aws.ecs'],
    ['detail-type', 'Batch Job Queue Blocked'],
    ['time', '28/11/2026 12:00'],
    ['resources', 'arn:aws:batch:us-east-1:123456789012:job/x'],
    ['account', 123456789012],
    ['version', undefined],
  ])('fails when the envelope field %s is %p', (field, value) => {
    const error = parseError({ ...loadEvent('succeededContainer'), [field]: value });
    expect(error.issues).toEqual([expect.stringMatching(new RegExp(`^${field}: `))]);
  });

  test.each([
    ['jobName', 42],
    ['jobId', ''],
    ['status', null],
    ['jobQueue', undefined],
    ['attempts', 'none'],
    ['createdAt', '2026-01-01'],
  ])('fails when detail.%s is %p', (field, value) => {
    const error = parseError(withDetail(loadEvent('succeededContainer'), { [field]: value }));
    expect(error.issues[0]).toMatch(new RegExp(`^detail\\.${field}: `));
  });

  test('fails for a non-integer exit code deep in an attempt, with the path to it', () => {
    const event = loadEvent('failedMultiContainer');
    const detail = event.detail as {
      attempts: { taskProperties: { containers: { exitCode: unknown }[] }[] }[];
    };
    detail.attempts[0]!.taskProperties[0]!.containers[1]!.exitCode = 'zero';
    expect(parseError(event).issues).toEqual([
      'detail.attempts.0.taskProperties.0.containers.1.exitCode: Invalid input: expected number, received string',
    ]);
  });

  test('reports at most ten issues, however broken the event', () => {
    const event = { detail: { attempts: Array.from({ length: 50 }, () => ({ startedAt: 'x' })) } };
    expect(parseError(event).issues).toHaveLength(10);
  });
});

describe('eventIdOf', () => {
  test.each([
    [{ id: 'abc' }, 'abc'],
    ...[null, 'x', 42, {}, { id: 7 }, { id: '' }].map((input) => [input, undefined]),
  ])('of %p is %p', (input, expected) => {
    expect(eventIdOf(input)).toBe(expected);
  });

  test('keeps a hostile id to one short line', () => {
    const id = eventIdOf({ id: `a\nb${'x'.repeat(10_000)}` });
    expect(id).toMatch(/^a bx+\.\.\.$/);
    expect(id?.length).toBe(128);
  });
});
