import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import {
  type StuckFacts,
  stuckCauses,
  stuckContent,
  type StuckOptions,
} from '../../../functions/stuck-job/alert';
import { checkFor } from '../../../functions/stuck-job/schedule';
import { loadRunnableSample } from '../../support/fixtures';

const CHECK = checkFor(parseBatchJobStateChange(loadRunnableSample()));
const OPTIONS: StuckOptions = {
  appName: 'jobs',
  stage: 'dev',
  stuckAfterMinutes: 30,
  jobsAssignPublicIp: 'ENABLED',
};
const HEALTHY = {
  queue: { name: 'jobs-dev-Batch', state: 'ENABLED', status: 'VALID' },
  computeEnvironments: [
    { name: 'jobs-dev-ce', state: 'ENABLED', status: 'VALID', maxvCpus: 32, type: 'FARGATE' },
  ],
};

function facts(changes: Partial<StuckFacts> = {}): StuckFacts {
  return {
    check: CHECK,
    status: 'RUNNABLE',
    waitedMillis: 31 * 60_000,
    place: HEALTHY,
    job: { jobId: CHECK.jobId },
    region: 'us-east-1',
    ...changes,
  };
}

const likely = (f: StuckFacts, options = OPTIONS) =>
  stuckCauses(f, options)
    .filter((c) => c.likely)
    .map((c) => c.cause);

describe('stuckCauses: every usual cause with its check, the ones the facts point at first', () => {
  test('nothing points anywhere: all six, none likely, the capacity check names maxvCpus', () => {
    const causes = stuckCauses(facts(), OPTIONS);
    expect(causes).toHaveLength(6);
    expect(causes.every((c) => !c.likely && c.check.length > 20)).toBe(true);
    expect(causes.find((c) => c.cause.includes('maxvCpus'))!.check).toContain('jobs-dev-ce: 32');
  });

  test.each([
    [
      'a DISABLED compute environment',
      { place: { ...HEALTHY, computeEnvironments: [{ name: 'ce', state: 'DISABLED' }] } },
      'DISABLED or INVALID',
    ],
    [
      'an INVALID job queue',
      { place: { ...HEALTHY, queue: { name: 'q', status: 'INVALID' } } },
      'DISABLED or INVALID',
    ],
    [
      'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT',
      { statusReason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - x' },
      'asks for more',
    ],
    [
      'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE',
      { statusReason: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - x' },
      'asks for more',
    ],
    [
      'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY',
      { statusReason: 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - x' },
      'no capacity',
    ],
    ['a job that stays STARTING', { status: 'STARTING' }, 'cannot be pulled'],
    ['no public IP where the stage needs one', { assignPublicIp: 'DISABLED' }, 'no public IP'],
  ])('%s is named first, as likely', (_name, changes, cause) => {
    const f = facts(changes);
    expect(likely(f)).toEqual([expect.stringContaining(cause)]);
    expect(stuckCauses(f, OPTIONS)[0]!.cause).toContain(cause);
  });

  test('a private-subnet stage does not blame the public IP', () => {
    expect(
      likely(facts({ assignPublicIp: 'DISABLED' }), { ...OPTIONS, jobsAssignPublicIp: 'DISABLED' }),
    ).toEqual([]);
  });
});

describe('stuckContent', () => {
  test('subject, text, chat card and document say the same job, queue, status and wait', () => {
    const content = stuckContent(facts(), OPTIONS);
    expect(content.subject).toBe('[jobs][dev] Job stuck: event-test');
    expect(content.summary).toContain('Waited:          31m 0s (the stage alerts after 30 min)');
    expect(content.summary).toContain('Waiting since:   2022-01-11T23:36:40.000Z (RUNNABLE)');
    expect(content.summary).toContain(
      `Batch console:   https://us-east-1.console.aws.amazon.com/batch/home?region=us-east-1#jobs/detail/${CHECK.jobId}`,
    );
    expect(content.chat.title).toBe('[jobs][dev] Job stuck: event-test');
    expect(content.chat.description).toContain(
      'has waited 31m 0s in RUNNABLE on queue PexjEHappyPathCanary2JobQueue',
    );
    expect(content.chat.keywords).toEqual(['dev', 'RUNNABLE', 'stuck']);
    expect(content.fields).toMatchObject({
      job: { id: CHECK.jobId, status: 'RUNNABLE', attempt: 1, waitedSeconds: 1860, arrayParentId: null },
      stuckAfterMinutes: 30,
    });
    expect(content.event).toEqual({ check: CHECK, job: { jobId: CHECK.jobId } });
  });

  test("an array's first child names the array it stands for", () => {
    const child = { ...CHECK, jobId: `${CHECK.jobId}:0` };
    const content = stuckContent(facts({ check: child }), OPTIONS);
    expect(content.summary).toContain(`Array job:       ${CHECK.jobId} (its first child waits`);
    expect(content.fields).toMatchObject({ job: { arrayParentId: CHECK.jobId } });
  });

  test('values from AWS stay on their own line and bounded: no injected lines, a subject under 100 characters', () => {
    const hostile = { ...CHECK, jobName: `evil\nFAKE: line ${'x'.repeat(5000)}` };
    const content = stuckContent(facts({ check: hostile, statusReason: 'a\r\nb'.repeat(2000) }), OPTIONS);
    expect(content.subject.length).toBeLessThan(100);
    expect(content.summary.split('\n').some((line) => line.startsWith('FAKE'))).toBe(false);
    expect(Math.max(...content.summary.split('\n').map((line) => line.length))).toBeLessThanOrEqual(1100);
    expect(content.chat.title.length).toBeLessThanOrEqual(250);
  });
});
