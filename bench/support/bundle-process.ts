/**
 * Runs a handler bundle in a fresh `node` process, as a Lambda cold start does: load the bundle,
 * handle one event, report. Shared by the bundle test, the invoke test and `npm run bench`.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { resolve as resolvePath } from 'node:path';

/** Marks the runner's own report among the handler's log lines on stdout. */
const REPORT_MARK = '@@bundle-report ';

// Plain CommonJS, given to `node -e`, so that nothing but node itself is loaded before the bundle.
const RUNNER = `
const [bundle, exportName, eventJson] = process.argv.slice(1);
const handler = require(bundle)[exportName];
const loadedMs = performance.now();
Promise.resolve()
  .then(() => handler(JSON.parse(eventJson)))
  .then((result) => ({ ok: true, result }), (error) => ({ ok: false, error: String(error && error.stack || error) }))
  .then((outcome) => {
    const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
    const report = { ...outcome, loadedMs, doneMs: performance.now(), cpuMs: (userCPUTime + systemCPUTime) / 1000, maxRssKb: maxRSS };
    process.stdout.write('${REPORT_MARK}' + JSON.stringify(report) + '\\n', () => process.exit(outcome.ok ? 0 : 1));
  });
`;

/** Times in milliseconds from process start; CPU is user + system, which a busy machine does not inflate. */
export interface BundleReport {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
  readonly loadedMs: number;
  readonly doneMs: number;
  readonly cpuMs: number;
  readonly maxRssKb: number;
}

export interface ProcessOutput {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BundleRun extends ProcessOutput {
  /** Spawn to exit, as seen by the parent. */
  readonly wallMs: number;
  /** Missing when the process died before handling the event (e.g. a config error at init). */
  readonly report: BundleReport | undefined;
}

export interface RunBundleOptions {
  readonly bundleFile: string;
  /** As in the function's `Handler` (`index.<export>`). @default 'handler' */
  readonly exportName?: string;
  readonly event: unknown;
  /** The child's whole environment: nothing is inherited, so runs are reproducible. */
  readonly env: Readonly<Record<string, string>>;
  readonly nodeOptions?: readonly string[];
}

export async function runBundle(options: RunBundleOptions): Promise<BundleRun> {
  // require() reads a relative path as a package name.
  const args = [
    ...(options.nodeOptions ?? []),
    '-e',
    RUNNER,
    resolvePath(options.bundleFile),
    options.exportName ?? 'handler',
    JSON.stringify(options.event),
  ];
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env: { ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = await processOutput(child);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const line = output.stdout.split('\n').find((l) => l.startsWith(REPORT_MARK));
  const report = line ? (JSON.parse(line.slice(REPORT_MARK.length)) as BundleReport) : undefined;
  return { ...output, wallMs, report };
}

export function processOutput(
  child: ChildProcessByStdio<null | Writable, Readable, Readable>,
): Promise<ProcessOutput> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

/** Fake credentials and region for a child talking to the local SNS stand-in; no AWS is reachable. */
export function localSnsEnv(endpoint: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_ENDPOINT_URL_SNS: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
    AWS_REGION: 'us-east-1',
    // No shared config or IMDS lookups: the run must not depend on this machine's ~/.aws.
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
