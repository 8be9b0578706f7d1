import { emfRecorder, jobDimensions } from '../../../functions/notification/job-metrics';
import { captureEmf } from '../../support/emf-output';

/** Runs `run`, returning the EMF documents it wrote. */
function capturedEmf(run: () => void) {
  const emf = captureEmf();
  try {
    run();
  } finally {
    emf.restore();
  }
  return emf.documents();
}

const QUEUE = 'arn:aws:batch:us-east-1:123456789012:job-queue/jobs-dev-Batch';
const DEFINITION = 'arn:aws:batch:us-east-1:123456789012:job-definition/nightly-report:7';

describe('jobDimensions', () => {
  test('names the queue and the job definition without its revision', () => {
    expect(jobDimensions({ jobQueue: QUEUE, jobDefinition: DEFINITION })).toEqual({
      JobQueue: 'jobs-dev-Batch',
      JobDefinition: 'nightly-report',
    });
    expect(jobDimensions({ jobQueue: 'q', jobDefinition: 'd:12' })).toEqual({
      JobQueue: 'q',
      JobDefinition: 'd',
    });
  });

  test('an absent job definition is "unknown": CloudWatch takes no empty dimension value', () => {
    expect(jobDimensions({ jobQueue: QUEUE, jobDefinition: null }).JobDefinition).toBe('unknown');
  });
});

describe('emfRecorder', () => {
  test('writes one EMF document per job: a Count of 1 in the namespace, by queue and job definition only', () => {
    const record = emfRecorder();
    const [emf, ...rest] = capturedEmf(() =>
      record('JobsFailed', { jobQueue: QUEUE, jobDefinition: DEFINITION }),
    );
    expect(rest).toEqual([]);
    expect(emf).toEqual({
      _aws: {
        Timestamp: expect.any(Number) as number,
        CloudWatchMetrics: [
          {
            Namespace: 'BatchJobPlatform',
            Dimensions: [['JobQueue', 'JobDefinition']],
            Metrics: [{ Name: 'JobsFailed', Unit: 'Count' }],
          },
        ],
      },
      JobQueue: 'jobs-dev-Batch',
      JobDefinition: 'nightly-report',
      JobsFailed: 1,
    });
  });

  test("each job's document carries its own dimensions, none left over from the previous one", () => {
    const record = emfRecorder();
    const emf = capturedEmf(() => {
      record('JobsSucceeded', { jobQueue: QUEUE, jobDefinition: DEFINITION });
      record('JobsStuck', { jobQueue: 'other', jobDefinition: 'hello:1' });
    });
    expect(
      emf.map(({ JobQueue, JobDefinition, JobsSucceeded, JobsStuck }) => ({
        JobQueue,
        JobDefinition,
        JobsSucceeded,
        JobsStuck,
      })),
    ).toEqual([
      { JobQueue: 'jobs-dev-Batch', JobDefinition: 'nightly-report', JobsSucceeded: 1, JobsStuck: undefined },
      { JobQueue: 'other', JobDefinition: 'hello', JobsSucceeded: undefined, JobsStuck: 1 },
    ]);
  });
});
