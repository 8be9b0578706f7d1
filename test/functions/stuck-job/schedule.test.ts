import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import {
  atExpression,
  checkFor,
  dueAt,
  isStuckCheck,
  parseStuckCheck,
  SCHEDULE_NAME_MAX_LENGTH,
  scheduleDescription,
  scheduleName,
  type StuckCheck,
} from '../../../functions/stuck-job/schedule';
import { loadRunnableSample, withDetail } from '../../support/fixtures';

const SAMPLE = parseBatchJobStateChange(loadRunnableSample());
const CHECK: StuckCheck = checkFor(SAMPLE);
const at = (iso: string) => new Date(iso);

describe('the check a RUNNABLE event schedules', () => {
  test('the AWS docs sample: the job, its queue, the first attempt and when it became RUNNABLE', () => {
    expect(CHECK).toEqual({
      kind: 'batch-job-stuck-check',
      version: 1,
      jobId: '4c7599ae-0a82-49aa-ba5a-4727fcce14a8',
      jobName: 'event-test',
      jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/PexjEHappyPathCanary2JobQueue',
      attempt: 1,
      runnableAt: '2022-01-11T23:36:40.000Z',
      eventId: 'c8f9c4b5-76e5-d76a-f980-7011e206042b',
    });
    expect(isStuckCheck(CHECK)).toBe(true);
    expect(isStuckCheck(loadRunnableSample())).toBe(false);
    expect(parseStuckCheck(JSON.parse(JSON.stringify(CHECK)))).toEqual(CHECK);
  });

  test('a retry watches its own attempt: one attempt done, the second waits', () => {
    const retry = parseBatchJobStateChange(
      withDetail(loadRunnableSample(), { attempts: [{ startedAt: 1 }] }),
    );
    expect(checkFor(retry).attempt).toBe(2);
  });

  test.each([
    [{}, /kind/],
    [{ ...CHECK, version: 2 }, /version/],
    [{ ...CHECK, jobId: '' }, /jobId/],
    [{ ...CHECK, extra: true }, /extra/],
  ])('a malformed check is refused, naming the field: %j', (input, field) => {
    expect(() => parseStuckCheck(input)).toThrow(field);
  });
});

describe('scheduleName', () => {
  test('one name per job and attempt, within the 64 characters Scheduler allows', () => {
    expect(scheduleName(CHECK)).toBe('4c7599ae-0a82-49aa-ba5a-4727fcce14a8-a1');
    expect(scheduleName({ ...CHECK, attempt: 2 })).not.toBe(scheduleName(CHECK));
    // An array child's `<parent>:<index>` has a character names may not carry.
    expect(scheduleName({ ...CHECK, jobId: `${CHECK.jobId}:0` })).toBe(
      '4c7599ae-0a82-49aa-ba5a-4727fcce14a8_0-a1',
    );
  });

  test('a long or foreign id is hashed, still one name per job and attempt, and valid', () => {
    const long = scheduleName({ jobId: 'x'.repeat(200), attempt: 3 });
    const other = scheduleName({ jobId: `${'x'.repeat(199)}y`, attempt: 3 });
    expect(long).toMatch(/^[0-9A-Za-z_.-]+$/);
    expect(long.length).toBeLessThanOrEqual(SCHEDULE_NAME_MAX_LENGTH);
    expect(long).not.toBe(other);
    expect(scheduleName({ jobId: 'a b/c', attempt: 1 })).toMatch(/^[0-9A-Za-z_.-]+$/);
  });
});

describe('when the check is due', () => {
  test('stuckAfterMinutes after the job became RUNNABLE, or a minute from now for an event that came late', () => {
    const due = dueAt(CHECK, 30, at('2022-01-11T23:37:00Z'));
    expect(due.toISOString()).toBe('2022-01-12T00:06:40.000Z');
    expect(atExpression(due)).toBe('at(2022-01-12T00:06:40)');
    expect(dueAt(CHECK, 30, at('2022-01-12T03:00:00Z')).toISOString()).toBe('2022-01-12T03:01:00.000Z');
  });

  test('never early: a fraction of a second rounds up', () => {
    expect(atExpression(at('2022-01-12T00:06:40.001Z'))).toBe('at(2022-01-12T00:06:41)');
  });

  test('the description names the job and stays within 512 characters', () => {
    expect(scheduleDescription(CHECK, 30)).toContain(
      'event-test (4c7599ae-0a82-49aa-ba5a-4727fcce14a8), attempt 1',
    );
    expect(scheduleDescription({ ...CHECK, jobName: 'n'.repeat(2000) }, 30).length).toBeLessThanOrEqual(512);
  });
});
