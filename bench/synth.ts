/**
 * `npm run bench -- synth`: how long `npm run synth` takes against the floor of an app with one empty
 * stack, and what each further stage adds, as medians over fresh `npx cdk synth --quiet` processes.
 * Every run writes to an emptied `--output` directory, so nothing is reused that the real command
 * would not reuse too (the npm cache, tsx's compile cache, the OS file cache).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { progress } from './progress';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, '.bench', 'synth');
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const FEW_STAGES = 2;
const MANY_STAGES = 20;
/** The real app may take at most this many times the empty app's time. */
const TARGET_APP_RATIO = 2;
/** Each further stage may add at most this share of the empty app's time. */
const TARGET_STAGE_SHARE = 0.1;

const SYNTH = ['cdk', 'synth', '--quiet'];
/** `args` follow `npx` (synth commands get `--output <fresh dir>`); a stages app must make `stages` assemblies. */
const variant = (key: string, label: string, args: readonly string[], stages?: number) => ({
  key,
  label,
  args,
  stages,
  times: [] as number[],
  /** Assets esbuild bundled per run (CDK writes `Bundling asset <path>...` for each). */
  bundlings: [] as number[],
});
type Variant = ReturnType<typeof variant>;
const isSynth = (v: Variant): boolean => v.args[0] === 'cdk';
const stagesApp = (n: number): Variant =>
  variant(
    `stages-${n}`,
    `stages app, ${n} stages`,
    [...SYNTH, '--app', 'npx tsx bench/stages-app.ts', '-c', `bench:stages=${n}`],
    n,
  );

const EMPTY = variant('empty', 'empty app (floor)', [...SYNTH, '--app', 'npx tsx bench/empty-app.ts']);
const APP = variant('app', 'app (npm run synth)', SYNTH);
const FEW = stagesApp(FEW_STAGES);
const MANY = stagesApp(MANY_STAGES);
// Diagnostics, no targets: the app with its handlers left unbundled (the CLI bundles only the stacks
// --exclusively selects, and the stage stacks are not the Pipeline stack), and the launcher CDK runs
// esbuild through for each bundle when esbuild is a project dependency.
const UNBUNDLED = variant('app-unbundled', 'diagnostic: app, handlers not bundled', [
  ...SYNTH,
  '--exclusively',
  'Pipeline',
]);
const LAUNCHER = variant('npx-esbuild', 'diagnostic: esbuild launcher alone', [
  '--no-install',
  'esbuild',
  '--version',
]);
const VARIANTS: readonly Variant[] = [EMPTY, APP, UNBUNDLED, FEW, MANY, LAUNCHER];

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const command = (v: Variant): string =>
  [
    'npx',
    ...v.args.map((a) => (a.includes(' ') ? `"${a}"` : a)),
    ...(isSynth(v) ? ['--output <fresh>'] : []),
  ].join(' ');

/** One run in a fresh process (a synthesis to a fresh, empty output directory): ms and esbuild bundlings. */
function runOnce(v: Variant): Promise<[number, number]> {
  const outdir = join(OUT, v.key);
  rmSync(outdir, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const child = spawn('npx', [...v.args, ...(isSynth(v) ? ['--output', outdir] : [])], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const problem =
        code !== 0
          ? `exited with ${code}:\n${output.slice(-4000)}`
          : isSynth(v)
            ? checkAssembly(v, outdir)
            : undefined;
      if (problem) reject(new Error(`${command(v)}: ${problem}`));
      else resolve([ms, output.match(/Bundling asset /g)?.length ?? 0]);
    });
  });
}

/** Why the cloud assembly is not what the variant should produce, if it is not. */
function checkAssembly(v: Variant, outdir: string): string | undefined {
  if (!existsSync(join(outdir, 'manifest.json'))) return `no manifest.json in ${outdir}`;
  if (v.stages === undefined) return undefined;
  const assemblies = readdirSync(outdir).filter((name) => /^assembly-Pipeline-s\d+$/.test(name)).length;
  return assemblies === v.stages ? undefined : `expected ${v.stages} stage assemblies, found ${assemblies}`;
}

async function measure(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const announce = progress('synth', 2 + RUNS * VARIANTS.length);
  // One discarded run of the floor and the app warms npx, tsx's cache and the file cache.
  for (const v of [EMPTY, APP]) {
    announce(`warm-up, ${v.label}: ${command(v)}`);
    await runOnce(v);
  }
  // Rounds interleave the variants, so that drift in the machine's load hits all of them alike.
  for (let round = 1; round <= RUNS; round += 1) {
    for (const v of VARIANTS) {
      announce(`round ${round} of ${RUNS}, ${v.label}: ${command(v)}`);
      const [ms, bundlings] = await runOnce(v);
      v.times.push(ms);
      v.bundlings.push(bundlings);
    }
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');
const t = (v: Variant): number => median(v.times);

function report(): void {
  console.log(
    `node ${process.version}; medians of ${RUNS} fresh processes per variant, rounds interleaved.\n`,
  );
  console.log(
    '| variant | command | median | min | max | esbuild bundlings |\n|---|---|---:|---:|---:|---:|',
  );
  for (const v of VARIANTS) {
    const [min, max] = [Math.min(...v.times), Math.max(...v.times)].map(seconds);
    const bundlings = isSynth(v) ? [...new Set(v.bundlings)].join(' / ') : '-';
    console.log(`| ${v.label} | \`${command(v)}\` | ${seconds(t(v))} | ${min} | ${max} | ${bundlings} |`);
  }

  const ratio = t(APP) / t(EMPTY);
  const perStage = (t(MANY) - t(FEW)) / (MANY_STAGES - FEW_STAGES);
  const share = perStage / t(EMPTY);
  console.log('\n| target | measured | result |\n|---|---|---|');
  console.log(
    `| app <= ${TARGET_APP_RATIO}x the empty app | ${seconds(t(APP))} / ${seconds(t(EMPTY))} = ` +
      `${ratio.toFixed(2)}x | ${verdict(ratio <= TARGET_APP_RATIO)} |`,
  );
  console.log(
    `| each extra stage <= ${TARGET_STAGE_SHARE * 100}% of the empty app | (t${MANY_STAGES} - t${FEW_STAGES}) / ` +
      `${MANY_STAGES - FEW_STAGES} = ${perStage.toFixed(0)} ms = ${(share * 100).toFixed(1)}% | ` +
      `${verdict(share <= TARGET_STAGE_SHARE)} |`,
  );

  const [few, many] = [median(FEW.bundlings), median(MANY.bundlings)];
  console.log(
    `\nThe app over the floor: ${seconds(t(APP) - t(EMPTY))}, of which bundling ${seconds(t(APP) - t(UNBUNDLED))} ` +
      `(${median(APP.bundlings)} esbuild runs, each started through \`npx --no-install esbuild\`, whose start alone ` +
      `takes ${seconds(t(LAUNCHER))}) and the rest (constructs, cdk-nag, templates) ${seconds(t(UNBUNDLED) - t(EMPTY))}.`,
  );
  console.log(
    "The stages app copies the example's dev stage as s1..sN (all in the pipeline's account) and builds the " +
      'pipeline and the cdk-nag validation as infra/app.ts does. ' +
      (many === few
        ? `esbuild ran ${many} times for ${FEW_STAGES} and for ${MANY_STAGES} stages: AssetStaging caches a bundle ` +
          'by source path, bundling options and output directory within one synthesis, so identical handlers are ' +
          'bundled once, not once per stage.'
        : `esbuild ran ${few} times for ${FEW_STAGES} stages and ${many} for ${MANY_STAGES}: identical handlers ` +
          'are bundled again for each stage.'),
  );
  console.log(`Cloud assemblies of the last round: ${OUT}`);
}

export async function run(): Promise<void> {
  const started = Date.now();
  await measure();
  report();
  console.log(`Bench time: ${seconds(Date.now() - started)}`);
}
