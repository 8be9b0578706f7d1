import fc from 'fast-check';
import { createJobStateHandler, type ReportedStatus } from '../../../functions/job-state/handler';
import { InvalidEventError, UnexpectedStatusError } from '../../../functions/notification/errors';
import type { MessageStructure, Notification } from '../../../functions/notification/notification';
import { expectAcceptableToSns, jobStateDocument } from '../../support/protocol-checks';

/*
 * Over generated events (mostly Batch-shaped, with wrong types, control characters, lone
 * surrogates and strings of hundreds of KB mixed in, plus arbitrary values), the handler either
 * publishes a notification SNS accepts or throws a typed validation error.
 */

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });
/** Mostly `usual`, now and then `rare`. */
const mostly = <T, U>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<U>, weight = 20) =>
  fc.oneof({ weight, arbitrary: usual }, { weight: 1, arbitrary: rare });

const hugeString = fc
  .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), fc.integer({ min: 10_000, max: 100_000 }))
  .map(([piece, times]) => piece.repeat(times));
const text = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit: 'binary', maxLength: 150 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 150 }) },
  { weight: 1, arbitrary: hugeString },
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.nat(), { maxLength: 2 }),
);
const stringField = mostly(text, wrongType, 40);
const time = mostly(mostly(fc.integer({ min: 0, max: 2_000_000_000_000 }), fc.double(), 15), wrongType, 30);

const container = fc.record(
  {
    name: maybe(text),
    exitCode: maybe(mostly(fc.integer({ min: -1, max: 255 }), fc.double(), 9)),
    reason: maybe(text),
    logStreamName: maybe(text),
    logConfiguration: maybe(
      fc.record({
        logDriver: fc.constantFrom('awslogs', 'splunk'),
        options: fc.dictionary(fc.constantFrom('awslogs-group', 'x'), text),
      }),
    ),
  },
  { requiredKeys: [] },
);

const attempt = fc.record(
  {
    container: maybe(container),
    taskProperties: maybe(
      fc.array(fc.record({ containers: fc.array(container, { maxLength: 3 }) }), { maxLength: 2 }),
    ),
    startedAt: maybe(time),
    stoppedAt: maybe(time),
    statusReason: maybe(text),
  },
  { requiredKeys: [] },
);

const detail = fc.record(
  {
    jobName: stringField,
    jobId: stringField,
    jobQueue: stringField,
    status: mostly(fc.constantFrom('SUCCEEDED', 'FAILED', 'RUNNABLE'), stringField, 6),
    jobDefinition: maybe(stringField),
    statusReason: maybe(text),
    attempts: maybe(fc.array(attempt, { maxLength: 4 })),
    createdAt: maybe(time),
    startedAt: maybe(time),
    stoppedAt: maybe(time),
    container: maybe(container),
    nodeDetails: maybe(fc.record({ nodeIndex: fc.nat(16), isMainNode: fc.boolean() })),
    parameters: maybe(fc.dictionary(fc.string(), text, { maxKeys: 3 })),
  },
  { requiredKeys: ['jobName', 'jobId', 'jobQueue', 'status'] },
);

const batchLikeEvent = fc.record({
  version: fc.constant('0'),
  id: stringField,
  'detail-type': mostly(fc.constant('Batch Job State Change'), text),
  source: mostly(fc.constant('aws.batch'), stringField),
  account: fc.constant('123456789012'),
  time: mostly(fc.constant('2026-01-01T00:00:00Z'), text),
  region: fc.oneof(fc.constantFrom('us-east-1', 'cn-north-1', 'us-gov-west-1'), text),
  resources: fc.array(fc.string(), { maxLength: 2 }),
  detail,
});

const anyInput = mostly(batchLikeEvent, fc.anything(), 9);
const SILENT_LOGGER = { info() {}, error() {}, appendKeys() {}, resetKeys() {}, addContext() {} };

test('every input is either published within the SNS limits or rejected with a typed error', async () => {
  const outcomes = { published: 0, truncated: 0, eventOmitted: 0, invalid: 0, unexpectedStatus: 0 };
  await fc.assert(
    fc.asyncProperty(
      anyInput,
      fc.constantFrom<ReportedStatus>('SUCCEEDED', 'FAILED'),
      fc.constantFrom<MessageStructure>('json', 'json', 'string'),
      async (event, status, structure) => {
        const published: Notification[] = [];
        const handler = createJobStateHandler({
          expectedStatus: status,
          settings: { appName: 'jobs', stage: 'test', messageStructure: structure },
          logger: SILENT_LOGGER,
          recordMetric: () => {},
          publish: (notification) => {
            published.push(notification);
            return Promise.resolve({ messageId: 'm' });
          },
        });
        try {
          await handler(event);
        } catch (error) {
          expect(error instanceof InvalidEventError || error instanceof UnexpectedStatusError).toBe(true);
          expect(published).toHaveLength(0);
          outcomes[error instanceof InvalidEventError ? 'invalid' : 'unexpectedStatus'] += 1;
          return;
        }
        expect(published).toHaveLength(1);
        const notification = published[0]!;
        expectAcceptableToSns(notification, structure);
        outcomes.published += 1;
        if (notification.messages.default.includes('[Event JSON truncated: ')) outcomes.truncated += 1;
        if (structure === 'json' && jobStateDocument(notification).eventOmitted) outcomes.eventOmitted += 1;
      },
    ),
    { numRuns: 300 },
  );
  // The generators must reach every branch, or the property proves little.
  expect(outcomes.published).toBeGreaterThan(10);
  expect(outcomes.truncated).toBeGreaterThan(0);
  expect(outcomes.eventOmitted).toBeGreaterThan(0);
  expect(outcomes.invalid).toBeGreaterThan(10);
  expect(outcomes.unexpectedStatus).toBeGreaterThan(10);
});
