/**
 * `npm run bench -- handlers`: bundle size, cold start and peak memory of the job state handler, as
 * medians over fresh `node` processes, against a reference bundle and an empty handler, and the
 * same for the SDK alone (a handler that only publishes), the part of the cold start no code avoids.
 *
 * Each cold start is one process: start node, load the bundle, handle one SUCCEEDED event whose
 * notification goes, through the real SDK, to a local SNS stand-in on 127.0.0.1.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { HANDLER_BUNDLING } from '../infra/constructs/handler-bundling';
import { type BundleRun, localSnsEnv, runBundle } from './support/bundle-process';
import { startFakeSnsServer } from './support/fake-sns-server';
import { bundleHandler, type HandlerBundle } from './support/handler-bundle';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, '.bench', 'handlers');
const ENTRY = join(ROOT, 'functions', 'job-state', 'index.ts');
const EMPTY_ENTRY = join(__dirname, 'empty-handler.ts');
const SDK_ENTRY = join(__dirname, 'sdk-publisher.ts');
const EVENT = join(ROOT, 'test', 'fixtures', 'events', 'succeeded-container.json');
const RUNS = Math.max(10, Number(process.env.BENCH_RUNS ?? 15));

/** NodejsFunction's defaults, except that the SDK is bundled: its default leaves `@aws-sdk/*` to the runtime. */
const REFERENCE: BundlingOptions = { bundleAwsSDK: true };

interface Variant {
  readonly name: string;
  readonly bundle: HandlerBundle;
  readonly exportName?: string;
  readonly nodeOptions?: readonly string[];
  readonly runs: BundleRun[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function buildVariants(): Variant[] {
  rmSync(OUT, { recursive: true, force: true });
  const build = (name: string, entry: string, bundling: BundlingOptions) =>
    bundleHandler(entry, join(OUT, name), bundling);
  const ours = { bundle: build('ours', ENTRY, HANDLER_BUNDLING), exportName: 'onSucceeded' };
  return [
    { name: '(a) ours: HANDLER_BUNDLING', ...ours },
    {
      name: '(b) reference: NodejsFunction defaults, SDK bundled',
      ...ours,
      bundle: build('reference', ENTRY, REFERENCE),
    },
    { name: '(c) empty handler (floor)', bundle: build('empty', EMPTY_ENTRY, HANDLER_BUNDLING) },
    // The cost of turning source maps on (NODE_OPTIONS=--enable-source-maps); the stack leaves them off.
    { name: '(a) ours + --enable-source-maps', ...ours, nodeOptions: ['--enable-source-maps'] },
    // The part no handler code can avoid: the SDK's load and first Publish, built both ways.
    {
      name: '(d) SDK alone (one Publish): HANDLER_BUNDLING',
      bundle: build('sdk', SDK_ENTRY, HANDLER_BUNDLING),
    },
    {
      name: '(e) SDK alone (one Publish): reference settings',
      bundle: build('sdk-reference', SDK_ENTRY, REFERENCE),
    },
  ].map((variant): Variant => ({ ...variant, runs: [] }));
}

async function measure(variants: Variant[]): Promise<number> {
  const server = await startFakeSnsServer();
  const event: unknown = JSON.parse(readFileSync(EVENT, 'utf8'));
  const env = {
    ...localSnsEnv(server.endpoint),
    APP_NAME: 'bench',
    STAGE: 'bench',
    SNS_ARN: 'arn:aws:sns:us-east-1:123456789012:bench-notifications',
  };
  try {
    // One discarded round warms the file cache; then rounds interleave the variants so drift hits all alike.
    for (let round = -1; round < RUNS; round += 1) {
      for (const variant of variants) {
        const { bundle, exportName, nodeOptions } = variant;
        const run = await runBundle({ bundleFile: bundle.file, exportName, event, env, nodeOptions });
        if (!run.report?.ok)
          throw new Error(`${variant.name} failed:\n${run.stderr}\n${run.report?.error ?? ''}`);
        if (round >= 0) variant.runs.push(run);
      }
    }
    return server.requests.filter((request) => request.params.Action === 'Publish').length;
  } finally {
    await server.close();
  }
}

type Row = ReturnType<typeof summarize>;

function summarize(variant: Variant) {
  const reports = variant.runs.map((run) => run.report!);
  return {
    name: variant.name,
    bytes: variant.bundle.bytes,
    coldMs: median(variant.runs.map((run) => run.wallMs)),
    loadMs: median(reports.map((r) => r.loadedMs)),
    handleMs: median(reports.map((r) => r.doneMs - r.loadedMs)),
    cpuMs: median(reports.map((r) => r.cpuMs)),
    rssMb: median(reports.map((r) => r.maxRssKb)) / 1024,
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

function printTable(rows: readonly Row[], publishes: number): void {
  console.log(
    `node ${process.version}, ${RUNS} fresh processes per variant (medians); ${publishes} Publish requests received.\n` +
      'cold start: spawn to exit, seen by the parent. load: process start to bundle loaded. handle: one event.\n' +
      'CPU: user + system time of the process (not inflated by other load on the machine, unlike wall time).\n\n' +
      '| variant | bundle | cold start | load | handle | CPU | peak RSS |\n|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of rows) {
    const times = [r.coldMs, r.loadMs, r.handleMs, r.cpuMs].map(ms);
    console.log(`| ${[r.name, kb(r.bytes), ...times, `${r.rssMb.toFixed(1)} MB`].join(' | ')} |`);
  }
}

function printTargets(ours: Row, reference: Row, empty: Row, sdk: Row, sdkReference: Row): void {
  const size = ours.bytes / reference.bytes;
  const overhead = (ours.coldMs - empty.coldMs) / (reference.coldMs - empty.coldMs);
  const cpuOverhead = (ours.cpuMs - empty.cpuMs) / (reference.cpuMs - empty.cpuMs);
  console.log('\nTargets (for (a) against (b) and (c)):');
  console.log(
    `- bundle <= 50% of reference bytes: ${ours.bytes} / ${reference.bytes} = ${pct(size)} -> ${verdict(size <= 0.5)}`,
  );
  console.log(
    `- cold-start overhead above empty <= 50% of reference's: ${ms(ours.coldMs - empty.coldMs)} / ` +
      `${ms(reference.coldMs - empty.coldMs)} = ${pct(overhead)} -> ${verdict(overhead <= 0.5)} ` +
      `(same ratio in CPU time: ${pct(cpuOverhead)})`,
  );
  console.log(`- peak RSS <= 80 MB: ${ours.rssMb.toFixed(1)} MB -> ${verdict(ours.rssMb <= 80)}`);
  const sdkOverhead = (sdk.coldMs - empty.coldMs) / (sdkReference.coldMs - empty.coldMs);
  console.log(
    `\nThe SDK alone, (d) against (e): ${ms(sdk.coldMs - empty.coldMs)} / ${ms(sdkReference.coldMs - empty.coldMs)} = ` +
      `${pct(sdkOverhead)} of the reference's cold-start overhead; it is ${pct((sdk.coldMs - empty.coldMs) / (ours.coldMs - empty.coldMs))} of (a)'s.`,
  );
  console.log(
    '\nReference (b): NodejsFunction defaults (CJS, no minify, esbuild main fields main, module); the AWS SDK is ' +
      'bundled in (a) and (b) alike, so they compare like for like. Bundle bytes: index.js only ((a) ships its ' +
      `source map as a separate file). Synthesized assemblies: ${OUT}`,
  );
}

export async function run(): Promise<void> {
  const variants = buildVariants();
  const publishes = await measure(variants);
  const rows = variants.map(summarize);
  printTable(rows, publishes);
  const [ours, reference, empty, , sdk, sdkReference] = rows;
  printTargets(ours!, reference!, empty!, sdk!, sdkReference!);
}
