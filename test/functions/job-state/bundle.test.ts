/**
 * The deployed artefact, end to end: the job state handler as a synthesized NodejsFunction bundles
 * it, run in a fresh `node` process with the real SDK, publishing to a local SNS stand-in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSnsEnv, runBundle } from '../../../bench/support/bundle-process';
import { type FakeSnsServer, startFakeSnsServer } from '../../../bench/support/fake-sns-server';
import { bundleHandler, type HandlerBundle } from '../../../bench/support/handler-bundle';
import { parseBatchJobStateChange } from '../../../functions/notification/event-schema';
import { buildNotification } from '../../../functions/notification/job-notification';
import { loadEvent, withDetail } from '../../support/fixtures';

const ENTRY = join(__dirname, '..', '..', '..', 'functions', 'job-state', 'index.ts');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:jobs-e2e-notifications';
const CONFIG = { APP_NAME: 'jobs', STAGE: 'e2e', SNS_ARN: TOPIC };

let outdir: string;
let bundle: HandlerBundle;
let server: FakeSnsServer;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'handler-bundle-'));
  bundle = bundleHandler(ENTRY, outdir);
  server = await startFakeSnsServer();
});

afterAll(async () => {
  await server.close();
  rmSync(outdir, { recursive: true, force: true });
});

const run = (exportName: string, event: unknown, env: Record<string, string> = CONFIG) =>
  runBundle({ bundleFile: bundle.file, exportName, event, env: { ...localSnsEnv(server.endpoint), ...env } });

/** `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue}` back into name -> value. */
function attributesOf(params: Readonly<Record<string, string>>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let n = 1; params[`MessageAttributes.entry.${n}.Name`] !== undefined; n += 1) {
    expect(params[`MessageAttributes.entry.${n}.Value.DataType`]).toBe('String');
    attributes[params[`MessageAttributes.entry.${n}.Name`]!] =
      params[`MessageAttributes.entry.${n}.Value.StringValue`]!;
  }
  return attributes;
}

test('the bundled handler publishes the notification through the real SDK', async () => {
  // GIVEN an event with characters that form encoding and XML must carry intact
  const event = withDetail(loadEvent('succeededContainer'), {
    statusReason: 'Überlauf 😀 "q" & <x> 100%+1=2',
  });
  const expected = buildNotification(
    parseBatchJobStateChange(event),
    { appName: 'jobs', stage: 'e2e', outcome: 'succeeded' },
    event,
  );
  const before = server.requests.length;
  // WHEN
  const { stderr, exitCode, report } = await run('onSucceeded', event);
  // THEN the handler resolved with the stand-in's message id
  expect(stderr).not.toMatch(/Error/);
  expect(exitCode).toBe(0);
  expect(report?.result).toEqual({ messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string });
  // AND SNS received exactly one signed Publish in the Query protocol
  expect(server.requests).toHaveLength(before + 1);
  const request = server.requests[before]!;
  expect(request.method).toBe('POST');
  expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(request.headers.authorization).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKEFAKE\/\d{8}\/us-east-1\/sns\/aws4_request, /,
  );
  expect(request.params).toMatchObject({
    Action: 'Publish',
    Version: '2010-03-31',
    TopicArn: TOPIC,
    Subject: '[jobs][e2e] Job succeeded: nightly-report',
    Message: JSON.stringify(expected.messages),
    MessageStructure: 'json',
  });
  expect(attributesOf(request.params)).toEqual(expected.attributes);
});

test("the bundle's other entry point logs structured JSON with its service, job id, status and stage, and the job's metric", async () => {
  const { stdout } = await run('onFailed', loadEvent('failedExitCode'));
  const lines = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const published = lines.find((log) => log.message === 'Published the job state notification');
  expect(published).toMatchObject({
    level: 'INFO',
    service: 'batch-error-handler',
    stage: 'e2e',
    jobId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    status: 'FAILED',
    eventId: '6e5d4c3b-2a19-4f8e-8d7c-6b5a4f3e2d1c',
  });
  expect(lines.filter((line) => '_aws' in line)).toEqual([
    expect.objectContaining({ JobQueue: 'jobs-dev-Batch', JobDefinition: 'nightly-report', JobsFailed: 1 }),
  ]);
});

test('the bundled handler fails at init, naming SNS_ARN, when it is missing', async () => {
  const before = server.requests.length;
  const { exitCode, report, stderr } = await run('onSucceeded', loadEvent('succeededContainer'), {
    APP_NAME: 'jobs',
    STAGE: 'e2e',
  });
  expect(exitCode).not.toBe(0);
  expect(report).toBeUndefined();
  expect(stderr).toMatch(/ConfigError: Invalid handler configuration: SNS_ARN is missing or empty/);
  expect(server.requests).toHaveLength(before);
});

test('the bundle keeps only the part of zod that the schema uses', () => {
  // `import { z } from 'zod'` (as the Powertools parser's schemas do) would keep all of zod: 443 KB
  const zod = Object.entries(bundle.inputs).filter(
    ([input, { bytesInOutput }]) => /\/zod\//.test(input) && bytesInOutput > 0,
  );
  expect(zod.map(([input]) => input).filter((input) => /\/locales\/(?!en\.js$)/.test(input))).toEqual([]);
  expect(zod.reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0)).toBeLessThan(150 * 1024);
});
