/** `npm run invoke`, run as a user would: a fresh process on an event file. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSnsEnv, processOutput } from '../../../bench/support/bundle-process';
import { type FakeSnsServer, startFakeSnsServer } from '../../../bench/support/fake-sns-server';
import { fixturePath, RUNNABLE_SAMPLE_PATH } from '../../support/fixtures';

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:jobs-local-notifications';

let server: FakeSnsServer;
let scratch: string;

beforeAll(async () => {
  server = await startFakeSnsServer();
  scratch = mkdtempSync(join(tmpdir(), 'invoke-test-'));
});

afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** The SDK points at the local stand-in in every run, so any request, even an unintended one, is seen. */
function invoke(args: readonly string[], env: Record<string, string> = {}) {
  const child = spawn(TSX, [join(ROOT, 'scripts', 'dev', 'invoke.ts'), ...args], {
    cwd: ROOT,
    env: { ...localSnsEnv(server.endpoint), HOME: tmpdir(), ...env },
  });
  return processOutput(child);
}

test("prints subject, attributes and each protocol's message without publishing anything", async () => {
  const before = server.requests.length;
  const { exitCode, stdout } = await invoke(['error', fixturePath('failedExitCode')]);
  expect(exitCode).toBe(0);
  expect(stdout).toContain('Dry run: nothing was published (topic arn:aws:sns:us-east-1:000000000000:');
  expect(stdout).toContain('Subject: [local-app][local] Job failed: nightly-report\n');
  expect(stdout).toContain('Message structure: json\n');
  expect(stdout).toContain('Attributes:\n  stage = local\n  status = FAILED\n  jobName = nightly-report\n');
  expect(stdout).toMatch(
    /----- default, email, sms, http: text \(\d+ bytes\) -----\nJob failed: nightly-report\n/,
  );
  expect(stdout).toMatch(
    /----- https: chat card \(Amazon Q Developer in chat applications\) \(\d+ bytes\) -----\n\{\n {2}"version": "1.0",\n {2}"source": "custom",/,
  );
  expect(stdout).toMatch(
    /----- sqs, lambda: JSON document \(\d+ bytes\) -----\n\{\n {2}"schema": "batch-job-platform\/notification",\n {2}"version": 1,/,
  );
  expect(stdout).toMatch(
    /\nPublish size: \d+ of 262144 bytes \(Message as sent, attributes and subject\)\n$/,
  );
  expect(server.requests).toHaveLength(before);
});

test('prints the one text with MESSAGE_STRUCTURE=string', async () => {
  const { exitCode, stdout } = await invoke(['error', fixturePath('failedExitCode')], {
    MESSAGE_STRUCTURE: 'string',
  });
  expect(exitCode).toBe(0);
  expect(stdout).toContain('Message structure: string\n');
  expect(stdout).toMatch(
    /----- every protocol: text \(MESSAGE_STRUCTURE=string\) \(\d+ bytes\) -----\nJob failed: /,
  );
  expect(stdout).not.toContain('"schema"');
});

test('publishes through the SDK to AWS_ENDPOINT_URL_SNS with --publish', async () => {
  const before = server.requests.length;
  const { exitCode, stdout } = await invoke(['success', fixturePath('succeededContainer'), '--publish'], {
    APP_NAME: 'jobs',
    STAGE: 'local',
    SNS_ARN: TOPIC,
  });
  expect(exitCode).toBe(0);
  expect(stdout).toMatch(new RegExp(`^Published to ${TOPIC}: message id [0-9a-f-]{36}\\n$`));
  expect(server.requests).toHaveLength(before + 1);
  expect(server.requests[before]?.params).toMatchObject({
    Action: 'Publish',
    TopicArn: TOPIC,
    MessageStructure: 'json',
  });
});

test('fails with --publish when SNS_ARN is not set, naming it', async () => {
  const { exitCode, stderr } = await invoke(['success', fixturePath('succeededContainer'), '--publish'], {
    APP_NAME: 'jobs',
    STAGE: 'local',
  });
  expect(exitCode).toBe(1);
  expect(stderr).toContain('invoke: ConfigError: Invalid handler configuration: SNS_ARN is missing or empty');
});

test('fails with a clear error for an event the handler rejects', async () => {
  const { exitCode, stderr } = await invoke(['success', RUNNABLE_SAMPLE_PATH]);
  expect(exitCode).toBe(1);
  expect(stderr).toMatch(
    /^invoke: UnexpectedStatusError: Job .* has status RUNNABLE; this handler reports only/m,
  );
});

test('fails with a clear error for a missing or unreadable file', async () => {
  const missing = await invoke(['success', join(scratch, 'missing.json')]);
  expect(missing.exitCode).toBe(2);
  expect(missing.stderr).toMatch(/^invoke: cannot read event file .*missing\.json: ENOENT/);

  const broken = join(scratch, 'broken.json');
  writeFileSync(broken, '{ "id": ');
  const notJson = await invoke(['error', broken]);
  expect(notJson.exitCode).toBe(2);
  expect(notJson.stderr).toMatch(/^invoke: event file .*broken\.json is not valid JSON: /);
});

test('prints the usage, with the handlers and the sample events, for unknown arguments', async () => {
  const { exitCode, stderr } = await invoke(['retry', fixturePath('succeededContainer')]);
  expect(exitCode).toBe(2);
  expect(stderr).toMatch(
    /^invoke: usage: npm run invoke -- success\|error\|stuck <event\.json> \[--publish\]\n/,
  );
  expect(stderr).toContain('stuck: the stuck-job handler');
  expect(stderr).toMatch(
    /sample events in .*test\/fixtures\/events:\n(?: {2}.*\.json\n)* {2}aws-docs-runnable\.json\n/,
  );
});

test('stuck: prints the schedule a RUNNABLE event would create, without creating it', async () => {
  const { exitCode, stdout } = await invoke(['stuck', RUNNABLE_SAMPLE_PATH]);
  expect(exitCode).toBe(0);
  expect(stdout).toMatch(
    /^Dry run: CreateScheduleCommand was not sent:\n\{\n {2}"Name": "4c7599ae-[0-9a-f-]+-a1",/,
  );
  expect(stdout).toContain('"GroupName": "dry-run"');
  expect(stdout).toMatch(
    /\nResult: \{"action":"scheduled","scheduleName":"4c7599ae-[^"]+-a1","dueAt":"[^"]+"\}\n$/,
  );
});
