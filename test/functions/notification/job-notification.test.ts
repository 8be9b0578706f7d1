import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import {
  buildAttributes,
  buildNotification,
  buildSubject,
} from '../../../functions/notification/job-notification';
import {
  ATTRIBUTE_MAX_LENGTH,
  attributesBytes,
  publishBytes,
  SNS_MAX_PUBLISH_BYTES,
  SUBJECT_MAX_LENGTH,
  type JobNotificationOptions,
} from '../../../functions/notification/notification';
import { loadEvent, withDetail } from '../../support/fixtures';

const FAILED: JobNotificationOptions = { appName: 'jobs', stage: 'dev', outcome: 'failed' };
const SUCCEEDED: JobNotificationOptions = { ...FAILED, outcome: 'succeeded' };
const EMOJI = '\u{1F600}';

describe('buildSubject', () => {
  test('prefixes app and stage and says what happened to which job', () => {
    expect(buildSubject(SUCCEEDED, 'nightly-report')).toBe('[jobs][dev] Job succeeded: nightly-report');
    expect(buildSubject(FAILED, 'nightly-report')).toBe('[jobs][dev] Job failed: nightly-report');
  });

  test(`truncates to ${SUBJECT_MAX_LENGTH} characters, under the SNS limit of 100`, () => {
    const subject = buildSubject(FAILED, 'j'.repeat(200));
    expect(subject).toHaveLength(SUBJECT_MAX_LENGTH);
    expect(subject).toMatch(/^\[jobs\]\[dev\] Job failed: j+\.\.\.$/);
  });

  test('removes line breaks and control characters, and still starts with a punctuation mark', () => {
    expect(buildSubject({ ...FAILED, stage: 'd\nev' }, 'a\r\nb\u0007c\td')).toBe(
      '[jobs][d ev] Job failed: a b c d',
    );
    expect(buildSubject({ ...FAILED, appName: '\u0000' }, 'x')).toBe('[ ][dev] Job failed: x');
  });
});

describe('buildAttributes', () => {
  const event = parseBatchJobStateChange(loadEvent('failedMultiContainer'));

  test('gives stage, status, job name, queue name and event id for filter policies', () => {
    expect(buildAttributes(event, 'dev')).toEqual({
      stage: 'dev',
      status: 'FAILED',
      jobName: 'etl-multi-container',
      jobQueue: 'jobs-dev-Batch',
      eventId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    });
  });

  test(`bounds a value to ${ATTRIBUTE_MAX_LENGTH} characters on one line, and an empty one (SNS rejects it) to "unknown"`, () => {
    const changes = { jobName: 'a\nb'.repeat(1000), jobQueue: ' \n' };
    const attributes = buildAttributes(
      parseBatchJobStateChange(withDetail(loadEvent('failedExitCode'), changes)),
      'dev',
    );
    expect(attributes.jobName).toBe('a b'.repeat(1000).slice(0, ATTRIBUTE_MAX_LENGTH - 3) + '...');
    expect(attributes.jobQueue).toBe('unknown');
  });

  test('counts name, data type and value of each attribute in UTF-8 bytes', () => {
    const attributes = { stage: 'dé', status: 'x', jobName: 'x', jobQueue: 'x', eventId: 'x' };
    const names = 'stage'.length + 'status'.length + 'jobName'.length + 'jobQueue'.length + 'eventId'.length;
    expect(attributesBytes(attributes)).toBe(names + 5 * 'String'.length + 3 + 4);
  });
});

describe('buildNotification', () => {
  test('keeps message, attributes and subject within 256 KB for a huge event (string structure)', () => {
    const received = withDetail(loadEvent('failedExitCode'), {
      parameters: { blob: `€${EMOJI}`.repeat(100_000) },
    });
    const notification = buildNotification(
      parseBatchJobStateChange(received),
      { ...FAILED, structure: 'string' },
      received,
    );
    const total = publishBytes(notification, 'string');
    expect(total).toBeLessThanOrEqual(SNS_MAX_PUBLISH_BYTES);
    expect(total).toBeGreaterThan(SNS_MAX_PUBLISH_BYTES - 300);
    expect(notification.messages.default).toContain('[Event JSON truncated: ');
    expect(notification.messages.default).toContain('Job failed: nightly-report\n');
  });
});
