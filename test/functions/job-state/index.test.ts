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
  SUCCEEDED_FIXTURES,
  withDetail,
} from '../../support/fixtures';
import { captureEmf, jobCountDocument } from '../../support/emf-output';

const snsMock = mockClient(SNSClient);
let emf: ReturnType<typeof captureEmf>;

beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'message-1' });
  emf = captureEmf();
});

afterEach(() => emf.restore());
afterAll(() => snsMock.restore());

function publishedInput() {
  expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  return snsMock.commandCalls(PublishCommand)[0]!.args[0].input;
}

describe.each([
  ['SUCCEEDED', onSucceeded, SUCCEEDED_FIXTURES, FAILED_FIXTURES],
  ['FAILED', onFailed, FAILED_FIXTURES, SUCCEEDED_FIXTURES],
] as const)('the %s entry point', (status, handler, ours, others) => {
  const outcome = status.toLowerCase();
  test.each(ours)('publishes the %s event once to SNS_ARN', async (name: EventFixture) => {
    const event = loadEvent(name);
    const detail = event.detail as { jobName: string; jobId: string };
    await expect(handler(event)).resolves.toEqual({ messageId: 'message-1' });
    const input = publishedInput();
    expect(input.TopicArn).toBe(TEST_ENV.SNS_ARN);
    expect(input.Subject).toBe(`[jobs][test] Job ${outcome}: ${detail.jobName}`);
    expect(input.MessageStructure).toBe('json');
    const text = (JSON.parse(input.Message ?? '{}') as { default: string }).default;
    expect(text).toContain(`Job id:          ${detail.jobId}\n`);
    expect(text).toContain(JSON.stringify(event, null, 2));
    expect(input.MessageAttributes).toEqual({
      stage: { DataType: 'String', StringValue: 'test' },
      status: { DataType: 'String', StringValue: status },
      jobName: { DataType: 'String', StringValue: detail.jobName },
      jobQueue: { DataType: 'String', StringValue: 'jobs-dev-Batch' },
      eventId: { DataType: 'String', StringValue: event.id },
    });
  });

  test(`writes the ${outcome} job to its log as an EMF metric, by queue and job definition`, async () => {
    const metric = status === 'SUCCEEDED' ? 'JobsSucceeded' : 'JobsFailed';
    await handler(loadEvent(ours[0]!));
    expect(emf.documents()).toEqual([jobCountDocument(metric, 'jobs-dev-Batch', 'nightly-report')]);
  });

  test.each(others)('fails with UnexpectedStatusError for the %s event, publishing nothing', async (name) => {
    await expect(handler(loadEvent(name))).rejects.toBeInstanceOf(UnexpectedStatusError);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  // Which events are invalid is the schema's test (event-schema.test.ts); these reach the entry point.
  test.each([
    ['null', null],
    ['an event of another source', { ...loadEvent('failedExitCode'), source: 'aws.ecs' }],
    ['a status of the wrong type', withDetail(loadEvent('failedExitCode'), { status: 1 })],
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
