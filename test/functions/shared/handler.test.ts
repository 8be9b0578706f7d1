import type { Context } from 'aws-lambda';
import { InvalidEventError, UnexpectedStatusError } from '../../../functions/shared/errors';
import { createJobStateHandler, type ReportedStatus } from '../../../functions/shared/handler';
import type { HandlerLogger } from '../../../functions/shared/logger';
import type { Notification } from '../../../functions/shared/message';
import { createSnsClient, type Publisher, snsPublisher } from '../../../functions/shared/sns';
import { useFakeSnsServer } from '../../support/fake-sns-server';
import { loadEvent, withDetail } from '../../support/fixtures';

const CONFIG = { appName: 'jobs', stage: 'test' };

function spyLogger() {
  return {
    info: jest.fn<void, Parameters<HandlerLogger['info']>>(),
    error: jest.fn<void, Parameters<HandlerLogger['error']>>(),
    appendKeys: jest.fn<void, Parameters<HandlerLogger['appendKeys']>>(),
    resetKeys: jest.fn<void, []>(),
    addContext: jest.fn<void, Parameters<HandlerLogger['addContext']>>(),
  };
}

function setup(expectedStatus: ReportedStatus, publish?: Publisher) {
  const logger = spyLogger();
  const published: Notification[] = [];
  const handler = createJobStateHandler({
    expectedStatus,
    config: CONFIG,
    logger,
    publish:
      publish ??
      ((notification) => {
        published.push(notification);
        return Promise.resolve({ messageId: 'm-1' });
      }),
  });
  return { handler, logger, published };
}

describe('createJobStateHandler', () => {
  test('publishes one notification and returns its message id', async () => {
    const { handler, published } = setup('FAILED');
    await expect(handler(loadEvent('failedExitCode'))).resolves.toEqual({ messageId: 'm-1' });
    expect(published).toHaveLength(1);
    expect(published[0]?.subject).toBe('[jobs][test] Job failed: nightly-report');
  });

  test('logs job id, status and event id with every line of the invocation, then the message id', async () => {
    const { handler, logger } = setup('FAILED');
    await handler(loadEvent('failedExitCode'));
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

  test('adds the Lambda context to the logs when there is one', async () => {
    const { handler, logger } = setup('FAILED');
    const context = { awsRequestId: 'r-1', functionName: 'f' } as Context;
    await handler(loadEvent('failedExitCode'), context);
    expect(logger.addContext).toHaveBeenCalledWith(context);
  });

  test('fails with InvalidEventError for an invalid event, after logging its id and the reason', async () => {
    // GIVEN
    const { handler, logger, published } = setup('FAILED');
    const event = withDetail(loadEvent('failedExitCode'), { jobName: 7 });
    // WHEN / THEN
    await expect(handler(event)).rejects.toBeInstanceOf(InvalidEventError);
    expect(logger.error).toHaveBeenCalledWith('Rejected an invalid Batch job state change event', {
      eventId: '6e5d4c3b-2a19-4f8e-8d7c-6b5a4f3e2d1c',
      reason: 'detail.jobName: Invalid input: expected string, received number',
    });
    expect(published).toHaveLength(0);
  });

  test('fails with UnexpectedStatusError for another status, and logs it', async () => {
    const { handler, logger, published } = setup('SUCCEEDED');
    const rejection = handler(loadEvent('failedExitCode'));
    await expect(rejection).rejects.toBeInstanceOf(UnexpectedStatusError);
    await expect(rejection).rejects.toMatchObject({ status: 'FAILED', expectedStatus: 'SUCCEEDED' });
    expect(logger.error).toHaveBeenCalledWith(
      'Rejected a job state change this handler does not report',
      expect.objectContaining({ error: expect.any(UnexpectedStatusError) as UnexpectedStatusError }),
    );
    expect(published).toHaveLength(0);
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

describe('createJobStateHandler with the real SNS client', () => {
  const server = useFakeSnsServer();

  const topic = 'arn:aws:sns:us-east-1:123456789012:jobs-test-notifications';

  test('publishes after SNS throttled the first attempt', async () => {
    // GIVEN
    server().enqueue('throttling');
    const { handler } = setup('SUCCEEDED', snsPublisher(createSnsClient('us-east-1'), topic));
    // WHEN
    const result = await handler(loadEvent('succeededContainer'));
    // THEN
    expect(result.messageId).not.toBe('');
    expect(
      server()
        .requests.slice(-2)
        .map((r) => r.params.Subject),
    ).toEqual(['[jobs][test] Job succeeded: nightly-report', '[jobs][test] Job succeeded: nightly-report']);
  });

  test('fails with the SNS error when every attempt is throttled', async () => {
    server().enqueue('throttling', 'throttling', 'throttling');
    const { handler, logger } = setup('SUCCEEDED', snsPublisher(createSnsClient('us-east-1'), topic));
    await expect(handler(loadEvent('succeededContainer'))).rejects.toMatchObject({ name: 'Throttling' });
    expect(logger.error).toHaveBeenCalledTimes(1);
  });
});
