// Must stay the first import: the handler module reads its configuration when it is loaded.
import { TEST_ENV } from '../../support/handler-env';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../functions/batch-success-handler/index';
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

describe('batch-success-handler', () => {
  test.each(SUCCEEDED_FIXTURES)('publishes the %s event once to SNS_ARN', async (name: EventFixture) => {
    // GIVEN
    const event = loadEvent(name);
    const detail = event.detail as { jobName: string; jobId: string };
    // WHEN
    const result = await handler(event);
    // THEN
    expect(result).toEqual({ messageId: 'message-1' });
    const input = publishedInput();
    expect(input.TopicArn).toBe(TEST_ENV.SNS_ARN);
    expect(input.Subject).toBe(`[jobs][test] Job succeeded: ${detail.jobName}`);
    expect(publishedText()).toContain(`Job id:          ${detail.jobId}\n`);
    expect(publishedText()).toContain(JSON.stringify(event, null, 2));
    expect(input.MessageAttributes).toEqual({
      stage: { DataType: 'String', StringValue: 'test' },
      status: { DataType: 'String', StringValue: 'SUCCEEDED' },
      jobName: { DataType: 'String', StringValue: detail.jobName },
      jobQueue: { DataType: 'String', StringValue: 'jobs-dev-Batch' },
      eventId: { DataType: 'String', StringValue: event.id },
    });
  });

  test('reports every attempt of a retried job', async () => {
    await handler(loadEvent('succeededAfterRetries'));
    expect(publishedText()).toMatch(/Attempts: +3\n/);
  });

  test.each(FAILED_FIXTURES)(
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
      expectedStatus: 'SUCCEEDED',
    });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  test.each([
    ['null', null],
    ['an empty object', {}],
    ['an event without detail', { ...loadEvent('succeededContainer'), detail: undefined }],
    ['an event of another source', { ...loadEvent('succeededContainer'), source: 'aws.ecs' }],
    ['a job name of the wrong type', withDetail(loadEvent('succeededContainer'), { jobName: ['a'] })],
    [
      'an exit code of the wrong type',
      withDetail(loadEvent('succeededContainer'), { attempts: [{ container: { exitCode: '0' } }] }),
    ],
  ])('fails with InvalidEventError for %s, publishing nothing', async (_case, event) => {
    await expect(handler(event)).rejects.toBeInstanceOf(InvalidEventError);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  test('publishes a job with huge strings within the SNS limits', async () => {
    const event = withDetail(loadEvent('succeededContainer'), {
      jobName: 'n'.repeat(300_000),
      statusReason: 'r\n'.repeat(300_000),
    });
    await handler(event);
    const input = publishedInput();
    expect(input.Subject?.length).toBeLessThanOrEqual(100);
    expect(Buffer.byteLength(input.Message ?? '')).toBeLessThan(262_144);
    expect(input.MessageAttributes?.jobName?.StringValue).toHaveLength(256);
  });

  test('fails with the SNS error when SNS keeps throttling', async () => {
    // The SDK retries below the mocked send; the mock stands for the error left after those retries.
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    snsMock.on(PublishCommand).rejects(throttled);
    await expect(handler(loadEvent('succeededContainer'))).rejects.toBe(throttled);
  });

  test('publishes on the next invocation once SNS recovers', async () => {
    snsMock
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }))
      .resolves({ MessageId: 'message-2' });
    await expect(handler(loadEvent('succeededContainer'))).rejects.toMatchObject({
      name: 'ServiceUnavailable',
    });
    await expect(handler(loadEvent('succeededContainer'))).resolves.toEqual({ messageId: 'message-2' });
  });
});
