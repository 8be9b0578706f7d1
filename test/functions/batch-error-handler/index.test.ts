// Must stay the first import: the handler module reads its configuration when it is loaded.
import { TEST_ENV } from '../../support/handler-env';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../functions/batch-error-handler/index';
import { InvalidEventError, UnexpectedStatusError } from '../../../functions/shared/errors';
import {
  type EventFixture,
  FAILED_FIXTURES,
  loadEvent,
  loadRunnableSample,
  SUCCEEDED_FIXTURES,
  withDetail,
} from '../../support/fixtures';

const snsMock = mockClient(SNSClient);

beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'message-1' });
});

afterAll(() => snsMock.restore());

function publishedInput() {
  expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  return snsMock.commandCalls(PublishCommand)[0]!.args[0].input;
}

/** The text body (`default`) of the per-protocol Message. */
function publishedText(): string {
  const input = publishedInput();
  expect(input.MessageStructure).toBe('json');
  return (JSON.parse(input.Message ?? '{}') as { default: string }).default;
}

describe('batch-error-handler', () => {
  test.each(FAILED_FIXTURES)('publishes the %s event once to SNS_ARN', async (name: EventFixture) => {
    // GIVEN
    const event = loadEvent(name);
    const detail = event.detail as { jobName: string; jobId: string };
    // WHEN
    const result = await handler(event);
    // THEN
    expect(result).toEqual({ messageId: 'message-1' });
    const input = publishedInput();
    expect(input.TopicArn).toBe(TEST_ENV.SNS_ARN);
    expect(input.Subject).toBe(`[jobs][test] Job failed: ${detail.jobName}`);
    expect(publishedText()).toContain(`Job id:          ${detail.jobId}\n`);
    expect(publishedText()).toContain(JSON.stringify(event, null, 2));
    expect(input.MessageAttributes).toEqual({
      stage: { DataType: 'String', StringValue: 'test' },
      status: { DataType: 'String', StringValue: 'FAILED' },
      jobName: { DataType: 'String', StringValue: detail.jobName },
      jobQueue: { DataType: 'String', StringValue: 'jobs-dev-Batch' },
      eventId: { DataType: 'String', StringValue: event.id },
    });
  });

  test('reports the exit code of a failed container job', async () => {
    await handler(loadEvent('failedExitCode'));
    expect(publishedText()).toContain('  Container: exit code 1\n');
  });

  test('reports why a job failed before it started, without a log link', async () => {
    await handler(loadEvent('failedCannotPullContainer'));
    const message = publishedText();
    expect(message).toContain('Status reason:   Task failed to start\n');
    expect(message).toContain('reason: CannotPullContainerError: ');
    expect(message).toContain('Logs: none (no log stream: the container did not run)');
  });

  test('reports each container of a multi-container job', async () => {
    await handler(loadEvent('failedMultiContainer'));
    const message = publishedText();
    expect(message).toContain('Container app: exit code 137, reason: OutOfMemoryError');
    expect(message).toContain('Container log-router: exit code 0');
  });

  test.each(SUCCEEDED_FIXTURES)(
    'fails with UnexpectedStatusError for the %s event, publishing nothing',
    async (name) => {
      await expect(handler(loadEvent(name))).rejects.toBeInstanceOf(UnexpectedStatusError);
      expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
    },
  );

  test("fails with UnexpectedStatusError for the AWS documentation's RUNNABLE sample", async () => {
    await expect(handler(loadRunnableSample())).rejects.toMatchObject({
      name: 'UnexpectedStatusError',
      status: 'RUNNABLE',
      expectedStatus: 'FAILED',
    });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  test.each([
    ['null', null],
    ['a number', 42],
    ['an event without detail', { ...loadEvent('failedExitCode'), detail: undefined }],
    ['an event of another source', { ...loadEvent('failedExitCode'), source: 'custom.app' }],
    ['a status of the wrong type', withDetail(loadEvent('failedExitCode'), { status: 1 })],
    ['a missing job id', withDetail(loadEvent('failedExitCode'), { jobId: undefined })],
  ])('fails with InvalidEventError for %s, publishing nothing', async (_case, event) => {
    await expect(handler(event)).rejects.toBeInstanceOf(InvalidEventError);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  test('fails with the SNS error when SNS keeps failing', async () => {
    // The SDK retries below the mocked send; the mock stands for the error left after those retries.
    const unavailable = Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });
    snsMock.on(PublishCommand).rejects(unavailable);
    await expect(handler(loadEvent('failedExitCode'))).rejects.toBe(unavailable);
  });
});
