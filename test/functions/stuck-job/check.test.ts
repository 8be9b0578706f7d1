import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import { judge } from '../../../functions/stuck-job/check';
import { checkFor } from '../../../functions/stuck-job/schedule';
import { loadRunnableSample } from '../../support/fixtures';

const CHECK = checkFor(parseBatchJobStateChange(loadRunnableSample()));
const at = (iso: string) => new Date(iso);

describe('judge: what the check decides from the job as it is now', () => {
  const now = at('2022-01-12T00:06:40Z');

  test.each(['RUNNABLE', 'STARTING'])(
    'still %s on the same attempt: stuck, with how long it waited',
    (status) => {
      expect(judge(CHECK, { status, attempts: [] }, now)).toEqual({
        verdict: 'stuck',
        status,
        waitedMillis: 30 * 60_000,
      });
    },
  );

  test.each(['RUNNING', 'SUCCEEDED', 'FAILED', 'PENDING'])('%s meanwhile: not stuck', (status) => {
    expect(judge(CHECK, { status }, now)).toEqual({ verdict: 'moved-on', status });
  });

  test('waiting again on a later attempt: that attempt has its own check', () => {
    expect(judge(CHECK, { status: 'RUNNABLE', attempts: [{}] }, now)).toEqual({
      verdict: 'retried',
      status: 'RUNNABLE',
    });
  });

  test('a job DescribeJobs does not know: unknown', () => {
    expect(judge(CHECK, undefined, now)).toEqual({ verdict: 'unknown' });
  });
});
