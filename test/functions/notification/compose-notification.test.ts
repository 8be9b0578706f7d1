import { utf8Bytes } from '../../../functions/notification/bounded-text';
import { composeMessage, composeNotification } from '../../../functions/notification/compose-notification';
import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import { buildNotification } from '../../../functions/notification/job-notification';
import {
  EVENT_JSON_HEADER,
  type NotificationContent,
  publishBytes,
  publishedMessage,
  SNS_MAX_PUBLISH_BYTES,
  type JobNotificationOptions,
} from '../../../functions/notification/notification';
import { loadEvent, withDetail } from '../../support/fixtures';
import { chatCard, expectAcceptableToSns, jobStateDocument } from '../../support/protocol-checks';

const FAILED: JobNotificationOptions = { appName: 'jobs', stage: 'dev', outcome: 'failed' };
const EMOJI = '\u{1F600}';

function notify(received: Record<string, unknown>, options: JobNotificationOptions = FAILED) {
  return buildNotification(parseBatchJobStateChange(received), options, received);
}

/** An attempt with two named containers, every string of it far over any bound. */
function hugeAttempt(text: string) {
  const container = (name: string) => ({
    name,
    exitCode: 1,
    reason: text,
    logStreamName: `etl/${name}/${text}`,
  });
  return {
    statusReason: text,
    startedAt: 1,
    stoppedAt: 2,
    taskProperties: [{ containers: [container('a'), container('b')] }],
  };
}

/** Quotes and backslashes double when escaped, twice over in the documents; the others are multi-byte. */
const PATHOLOGICAL = [
  ['quotes and backslashes', '"\\'.repeat(60_000)],
  ['control characters', '\u0001\n\t\u001f'.repeat(30_000)],
  ['non-ASCII', `€${EMOJI}ü`.repeat(30_000)],
  ['lone surrogates', '\uD800x\uDFFF'.repeat(40_000)],
] as const;

describe('composeMessage', () => {
  test('writes the summary, a header, then the whole event as indented JSON', () => {
    const event = { a: 1, b: ['x'] };
    expect(composeMessage('Summary', event, SNS_MAX_PUBLISH_BYTES)).toBe(
      `Summary\n\n${EVENT_JSON_HEADER}\n${JSON.stringify(event, null, 2)}`,
    );
  });

  test('cuts the event JSON to the budget and says so', () => {
    const event = { data: 'é'.repeat(200_000) };
    const message = composeMessage('Summary', event, 100_000);
    expect(utf8Bytes(message)).toBeLessThanOrEqual(100_000);
    expect(message).toMatch(
      /\n\n\[Event JSON truncated: \d+ of 400016 bytes shown, to keep the notification within the SNS 256 KB limit\.\]$/,
    );
    expect(message).not.toContain('\uFFFD');
  });

  test('cuts a summary that would crowd out the event', () => {
    const message = composeMessage('s'.repeat(300_000), { a: 1 }, SNS_MAX_PUBLISH_BYTES);
    expect(message).toContain('\n[Summary truncated.]\n');
    expect(message).toContain(`${EVENT_JSON_HEADER}\n{\n  "a": 1\n}`);
  });
});

describe('composeNotification: one body per protocol', () => {
  const received = loadEvent('failedMultiContainer');
  const notification = notify(received);

  test('the default body is the text, exactly as the one message of every protocol in string structure', () => {
    const { messages } = notify(received, { ...FAILED, structure: 'string' });
    expect(new Set(Object.values(messages)).size).toBe(1);
    const text = messages.default;
    expect(notification.messages.default).toBe(text);
    expect(text.startsWith('Job failed: etl-multi-container\n\nJob name:')).toBe(true);
    expect(text).toContain(`${EVENT_JSON_HEADER}\n${JSON.stringify(received, null, 2)}`);
  });

  test('the https body is a chat card with title, description, links and status, without the event', () => {
    const card = chatCard(notification);
    expect(card).toMatchObject({ version: '1.0', source: 'custom', id: received.id });
    expect(card.content.title).toBe('[jobs][dev] Job failed: etl-multi-container');
    expect(card.content.description).toContain('Status `FAILED` in stage `dev`, queue `jobs-dev-Batch`');
    expect(card.content.description).toContain('Container `app`: exit code 137, `OutOfMemoryError');
    expect(card.content.nextSteps?.[0]).toMatch(
      /^Batch console: https:\/\/us-east-1\.console\.aws\.amazon\.com\/batch\/home\?region=us-east-1#jobs\/detail\/4d5e6f7a-/,
    );
    expect(card.content.nextSteps?.[1]).toMatch(
      /^Logs of `app`: https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\//,
    );
    expect(card.content.keywords).toEqual(['FAILED', 'dev', 'jobs-dev-Batch']);
    expect(card.metadata?.additionalContext).toEqual(notification.attributes);
    expect(card.metadata?.threadId).toBe('jobs-dev-job-4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a');
    expect(notification.messages.https).not.toContain('"detail"');
  });

  test('the sqs and lambda bodies are the same versioned document, with the event as received', () => {
    const document = jobStateDocument(notification);
    expect(document).toMatchObject({
      schema: 'batch-job-platform/notification',
      version: 1,
      kind: 'job-state',
      app: 'jobs',
      stage: 'dev',
      status: 'FAILED',
      outcome: 'failed',
      subject: notification.subject,
      job: {
        name: 'etl-multi-container',
        id: '4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a',
        queue: 'jobs-dev-Batch',
        definition: 'etl:3',
        statusReason: 'Essential container in task exited',
        startedAt: '2026-01-01T00:01:40.000Z',
        durationSeconds: 3725,
        attempts: 1,
        containers: [
          { name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
          { name: 'log-router', exitCode: 0, reason: null },
        ],
        array: null,
        node: null,
      },
    });
    expect(document.links.logs.map((link) => link.container)).toEqual(['app', 'log-router']);
    expect(document.event).toEqual(received);
    expect(document.eventOmitted).toBeUndefined();
  });

  test("the document carries an array parent's counts and a node's place", () => {
    expect(jobStateDocument(notify(loadEvent('failedArrayParent'))).job.array).toEqual({
      size: 10,
      index: null,
      statusSummary: expect.objectContaining({ SUCCEEDED: 8, FAILED: 2 }) as object,
    });
    expect(jobStateDocument(notify(loadEvent('failedMultiNodeNode'))).job.node).toMatchObject({
      index: 2,
      isMainNode: false,
    });
  });

  test('the Message is the four bodies as JSON, and the size counts its escapes', () => {
    const message = publishedMessage(notification);
    expect(Object.keys(JSON.parse(message) as object)).toEqual(['default', 'https', 'sqs', 'lambda']);
    expect(publishBytes(notification)).toBeGreaterThan(
      utf8Bytes(notification.messages.default) + utf8Bytes(notification.messages.sqs) * 2,
    );
  });
});

describe('composeNotification: within 256 KiB for the largest events', () => {
  test('a large event that fits whole in the text is dropped from the documents, which say so', () => {
    // About 100 KB: whole in the text, but not also twice in the documents.
    const received = withDetail(loadEvent('failedExitCode'), { parameters: { blob: 'x'.repeat(100_000) } });
    const notification = notify(received);
    expectAcceptableToSns(notification);
    expect(notification.messages.default).toContain(JSON.stringify(received, null, 2));
    const document = jobStateDocument(notification);
    expect(document.event).toBeUndefined();
    expect(document.eventOmitted).toEqual({
      reason: 'size-limit',
      bytes: utf8Bytes(JSON.stringify(received)),
      limit: SNS_MAX_PUBLISH_BYTES,
    });
  });

  test.each(PATHOLOGICAL)('an event full of %s fits, and the text says what it cut', (_case, text) => {
    // Every string the notification reads far over its bound, and thousands of attempts.
    const received = withDetail(loadEvent('failedExitCode'), {
      jobName: text,
      statusReason: text,
      jobDefinition: text,
      attempts: Array.from({ length: 2000 }, () => hugeAttempt(text.slice(0, 300))),
      parameters: { blob: text },
    });
    const notification = notify({ ...received, id: text });
    expectAcceptableToSns(notification);
    // The scaled second pass errs on the small side when summary and event escape unevenly.
    expect(publishBytes(notification)).toBeGreaterThan(SNS_MAX_PUBLISH_BYTES * 0.9);
    expect(notification.messages.default).toMatch(/\[Event JSON truncated: \d+ of \d+ bytes shown, /);
    expect(jobStateDocument(notification).eventOmitted?.reason).toBe('size-limit');
  });

  test('an event that cannot be written as JSON is omitted from the documents as not-json', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const content: NotificationContent = {
      kind: 'job-state',
      subject: '[a][b] x',
      attributes: { stage: 'b', status: 'FAILED', jobName: 'x', jobQueue: 'q', eventId: 'e' },
      summary: 'Summary',
      chat: { title: 't', description: 'd' },
      fields: {},
      event: circular,
    };
    const notification = composeNotification(content);
    expect(JSON.parse(notification.messages.sqs)).toMatchObject({ eventOmitted: { reason: 'not-json' } });
    expect(notification.messages.default).toMatch(/\(the event cannot be written as JSON: .*circular/i);
  });
});
