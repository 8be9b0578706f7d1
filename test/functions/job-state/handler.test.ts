import type { Context } from 'aws-lambda';
import { createJobStateHandler, type ReportedStatus } from '../../../functions/job-state/handler';
import { InvalidEventError, UnexpectedStatusError } from '../../../functions/notification/errors';
import type { Notification } from '../../../functions/notification/notification';
import type { Publisher } from '../../../functions/notification/sns-publisher';
import { loadEvent, withDetail } from '../../support/fixtures';
import { spyLogger } from '../../support/handler-env';

function setup(expectedStatus: ReportedStatus, publish?: Publisher, dashboardName?: string) {
  const logger = spyLogger();
  const published: Notification[] = [];
  const recordMetric = jest.fn();
  const handler = createJobStateHandler({
    expectedStatus,
    settings: { appName: 'jobs', stage: 'test', dashboardName },
    logger,
    publish:
      publish ?? ((notification) => Promise.resolve({ messageId: `m-${published.push(notification)}` })),
    recordMetric,
  });
  return { handler, logger, published, recordMetric };
}

describe('createJobStateHandler', () => {
  test('logs job id, status, event id and the Lambda context with every line, then the message id', async () => {
    const { handler, logger } = setup('FAILED');
    const context = { awsRequestId: 'r-1', functionName: 'f' } as Context;
    await handler(loadEvent('failedExitCode'), context);
    expect(logger.addContext).toHaveBeenCalledWith(context);
    expect(logger.resetKeys).toHaveBeenCalledTimes(1);
    expect(logger.appendKeys).toHaveBeenCalledWith({
      jobId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      status: 'FAILED',
      eventId: '6e5d4c3b-2a19-4f8e-8d7c-6b5a4f3e2d1c',
    });
    expect(logger.info).toHaveBeenCalledWith(
      'Published the job state notification',
      expect.objectContaining({
        messageId: 'm-1',
        messageBytes: expect.any(Number) as number,
        messageStructure: 'json',
      }),
    );
  });

  test.each([
    ['SUCCEEDED', 'succeededContainer', 'JobsSucceeded'],
    ['FAILED', 'failedExitCode', 'JobsFailed'],
  ] as const)('counts a %s job once, with its queue and job definition', async (status, fixture, metric) => {
    const { handler, recordMetric } = setup(status);
    const event = loadEvent(fixture);
    await handler(event);
    const { jobQueue, jobDefinition } = event.detail as { jobQueue: string; jobDefinition: string };
    expect(recordMetric.mock.calls).toEqual([[metric, expect.objectContaining({ jobQueue, jobDefinition })]]);
  });

  test('counts the job even when its notification fails: the metric is about jobs', async () => {
    const { handler, recordMetric } = setup('FAILED', () => Promise.reject(new Error('boom')));
    await expect(handler(loadEvent('failedExitCode'))).rejects.toThrow('boom');
    expect(recordMetric).toHaveBeenCalledTimes(1);
  });

  test("links every protocol's message to the stage's dashboard named in the settings", async () => {
    const { handler, published } = setup('FAILED', undefined, 'jobs-test');
    await handler(loadEvent('failedExitCode'));
    const url =
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=jobs-test';
    const { messages } = published[0]!;
    expect(messages.default).toContain(`\nStage dashboard: ${url}\n`);
    expect(messages.https).toContain(`Stage dashboard: ${url}`);
    expect(JSON.parse(messages.sqs)).toMatchObject({ links: { dashboard: url } });
  });

  test('fails with InvalidEventError for an invalid event, after logging its id and the reason', async () => {
    const { handler, logger, published, recordMetric } = setup('FAILED');
    const event = withDetail(loadEvent('failedExitCode'), { jobName: 7 });
    await expect(handler(event)).rejects.toBeInstanceOf(InvalidEventError);
    expect(logger.error).toHaveBeenCalledWith('Rejected an invalid Batch job state change event', {
      eventId: '6e5d4c3b-2a19-4f8e-8d7c-6b5a4f3e2d1c',
      reason: 'detail.jobName: Invalid input: expected string, received number',
    });
    expect(published).toHaveLength(0);
    expect(recordMetric).not.toHaveBeenCalled();
  });

  test('fails with UnexpectedStatusError for another status, and logs it', async () => {
    const { handler, logger, published, recordMetric } = setup('SUCCEEDED');
    const rejection = handler(loadEvent('failedExitCode'));
    await expect(rejection).rejects.toBeInstanceOf(UnexpectedStatusError);
    await expect(rejection).rejects.toMatchObject({ status: 'FAILED', expectedStatus: 'SUCCEEDED' });
    expect(logger.error).toHaveBeenCalledWith(
      'Rejected a job state change this handler does not report',
      expect.objectContaining({ error: expect.any(UnexpectedStatusError) as UnexpectedStatusError }),
    );
    expect(published).toHaveLength(0);
    expect(recordMetric).not.toHaveBeenCalled();
  });

  test('fails with the publisher error, after logging it', async () => {
    const error = new Error('boom');
    const { handler, logger } = setup('FAILED', () => Promise.reject(error));
    await expect(handler(loadEvent('failedExitCode'))).rejects.toBe(error);
    expect(logger.error).toHaveBeenCalledWith(expect.stringMatching(/^SNS Publish failed/), { error });
  });

  test('starts each invocation without the previous job keys', async () => {
    const { handler, logger } = setup('FAILED');
    await handler(loadEvent('failedExitCode'));
    await expect(handler(null)).rejects.toBeInstanceOf(InvalidEventError);
    expect(logger.resetKeys).toHaveBeenCalledTimes(2);
    expect(logger.appendKeys).toHaveBeenCalledTimes(1);
  });
});
