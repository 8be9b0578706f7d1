// Must stay the first import: the handler module reads its settings when it is loaded.
import { TEST_ENV } from '../../support/handler-env';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { onFailed, onSucceeded } from '../../../functions/job-state/index';
import { InvalidEventError, UnexpectedStatusError } from '../../../functions/notification/errors';
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

const ENTRIES = [
  {
    status: 'SUCCEEDED',
    handler: onSucceeded,
    outcome: 'succeeded',
    ours: SUCCEEDED_FIXTURES,
    others: FAILED_FIXTURES,
  },
  {
    status: 'FAILED',
    handler: onFailed,
    outcome: 'failed',
    ours: FAILED_FIXTURES,
    others: SUCCEEDED_FIXTURES,
  },
] as const;

describe.each(ENTRIES)('the $status entry point', ({ status, handler, outcome, ours, others }) => {
  test.each(ours)('publishes the %s event once to SNS_ARN', async (name: EventFixture) => {
    // GIVEN
    const event = loadEvent(name);
    const detail = event.detail as { jobName: string; jobId: string };
    // WHEN
    const result = await handler(event);
    // THEN
    expect(result).toEqual({ messageId: 'message-1' });
    const input = publishedInput();
    expect(input.TopicArn).toBe(TEST_ENV.SNS_ARN);
    expect(input.Subject).toBe(`[jobs][test] Job ${outcome}: ${detail.jobName}`);
    expect(publishedText()).toContain(`Job id:          ${detail.jobId}\n`);
    expect(publishedText()).toContain(JSON.stringify(event, null, 2));
    expect(input.MessageAttributes).toEqual({
      stage: { DataType: 'String', StringValue: 'test' },
      status: { DataType: 'String', StringValue: status },
      jobName: { DataType: 'String', StringValue: detail.jobName },
      jobQueue: { DataType: 'String', StringValue: 'jobs-dev-Batch' },
      eventId: { DataType: 'String', StringValue: event.id },
    });
  });

  test.each(others)('fails with UnexpectedStatusError for the %s event, publishing nothing', async (name) => {
    await expect(handler(loadEvent(name))).rejects.toBeInstanceOf(UnexpectedStatusError);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  test("fails with UnexpectedStatusError for the AWS documentation's RUNNABLE sample", async () => {
    await expect(handler(loadRunnableSample())).rejects.toMatchObject({
      name: 'UnexpectedStatusError',
      status: 'RUNNABLE',
      expectedStatus: status,
    });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  test.each([
    ['null', null],
    ['a number', 42],
    ['an empty object', {}],
    ['an event without detail', { ...loadEvent('failedExitCode'), detail: undefined }],
    ['an event of another source', { ...loadEvent('failedExitCode'), source: 'aws.ecs' }],
    ['a job name of the wrong type', withDetail(loadEvent('failedExitCode'), { jobName: ['a'] })],
    ['a status of the wrong type', withDetail(loadEvent('failedExitCode'), { status: 1 })],
    ['a missing job id', withDetail(loadEvent('failedExitCode'), { jobId: undefined })],
    [
      'an exit code of the wrong type',
      withDetail(loadEvent('succeededContainer'), { attempts: [{ container: { exitCode: '0' } }] }),
    ],
  ])('fails with InvalidEventError for %s, publishing nothing', async (_case, event) => {
    await expect(handler(event)).rejects.toBeInstanceOf(InvalidEventError);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  test('fails with the SNS error when SNS keeps failing, and publishes on the next invocation once it recovers', async () => {
    // The SDK retries below the mocked send; the mock stands for the error left after those retries.
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    snsMock.on(PublishCommand).rejectsOnce(throttled).resolves({ MessageId: 'message-2' });
    await expect(handler(loadEvent(ours[0]!))).rejects.toBe(throttled);
    await expect(handler(loadEvent(ours[0]!))).resolves.toEqual({ messageId: 'message-2' });
  });
});

describe('what the text reports', () => {
  test.each([
    ['every attempt of a retried job', onSucceeded, 'succeededAfterRetries', [/Attempts: +3\n/]],
    ['the exit code of a failed container job', onFailed, 'failedExitCode', ['  Container: exit code 1\n']],
    [
      'why a job failed before it started, without a log link',
      onFailed,
      'failedCannotPullContainer',
      [
        'Status reason:   Task failed to start\n',
        'reason: CannotPullContainerError: ',
        'Logs: none (no log stream: the container did not run)',
      ],
    ],
    [
      'each container of a multi-container job',
      onFailed,
      'failedMultiContainer',
      ['Container app: exit code 137, reason: OutOfMemoryError', 'Container log-router: exit code 0'],
    ],
  ] as const)('%s', async (_case, handler, fixture, expected) => {
    await handler(loadEvent(fixture));
    const text = publishedText();
    for (const part of expected) expect(text).toMatch(part);
  });

  test('a job with huge strings is published within the SNS limits', async () => {
    const event = withDetail(loadEvent('succeededContainer'), {
      jobName: 'n'.repeat(300_000),
      statusReason: 'r\n'.repeat(300_000),
    });
    await onSucceeded(event);
    const input = publishedInput();
    expect(input.Subject?.length).toBeLessThanOrEqual(100);
    expect(Buffer.byteLength(input.Message ?? '')).toBeLessThan(262_144);
    expect(input.MessageAttributes?.jobName?.StringValue).toHaveLength(256);
  });
});
