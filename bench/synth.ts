/**
 * `npm run bench -- synth`: how long `npm run synth` takes against the floor of an app with one empty
 * stack, and what each further stage adds, as medians over fresh `npx cdk synth --quiet` processes.
 *
 * Every run writes to an emptied `--output` directory, so nothing is reused between runs that the
 * real command would not reuse too (the npm cache, tsx's compile cache, the OS file cache). Bundling
 * is measured as it is: each stage's two handlers go through esbuild unless CDK reuses a bundle.
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

interface Variant {
  readonly key: string;
  readonly label: string;
  /** The command after `npx`; `--output <fresh dir>` is added to synth commands. */
  readonly args: readonly string[];
  readonly synth: boolean;
  /** For the stages app: how many stage assemblies a run must produce. */
  readonly stages?: number;
  readonly times: number[];
  readonly bundlings: number[];
}

const variant = (key: string, label: string, args: readonly string[], stages?: number): Variant => ({
  key,
  label,
  args,
  synth: args[0] === 'cdk',
  stages,
  times: [],
  bundlings: [],
});
const SYNTH = ['cdk', 'synth', '--quiet'];
const stagesApp = (count: number): Variant =>
  variant(
    `stages-${count}`,
    `stages app, ${count} stages`,
    [...SYNTH, '--app', 'npx tsx bench/stages-app.ts', '-c', `bench:stages=${count}`],
    count,
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
    ...(v.synth ? ['--output <fresh>'] : []),
  ].join(' ');

interface Run {
  readonly ms: number;
  /** How many assets esbuild bundled (CDK writes `Bundling asset <path>...` for each). */
  readonly bundlings: number;
}

/** One run in a fresh process; a synthesis writes to a fresh, empty output directory. */
function runOnce(v: Variant): Promise<Run> {
  const outdir = join(OUT, v.key);
  rmSync(outdir, { recursive: true, force: true });
  const args = [...v.args, ...(v.synth ? ['--output', outdir] : [])];
  const started = process.hrtime.bigint();
  const child = spawn('npx', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) {
        reject(new Error(`${command(v)} exited with ${code}:\n${output.slice(-4000)}`));
        return;
      }
      const problem = v.synth ? checkAssembly(v, outdir) : undefined;
      if (problem) reject(new Error(`${command(v)}: ${problem}`));
      else resolve({ ms, bundlings: output.match(/Bundling asset /g)?.length ?? 0 });
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
  for (let round = 0; round < RUNS; round += 1) {
    for (const v of VARIANTS) {
      announce(`round ${round + 1} of ${RUNS}, ${v.label}: ${command(v)}`);
      const run = await runOnce(v);
      v.times.push(run.ms);
      v.bundlings.push(run.bundlings);
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
  console.log('| variant | command | median | min | max | esbuild bundlings |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const v of VARIANTS) {
    console.log(
      `| ${v.label} | \`${command(v)}\` | ${seconds(t(v))} | ${seconds(Math.min(...v.times))} | ` +
        `${seconds(Math.max(...v.times))} | ${v.synth ? [...new Set(v.bundlings)].join(' / ') : '-'} |`,
    );
  }

  const ratio = t(APP) / t(EMPTY);
  const perStage = (t(MANY) - t(FEW)) / (MANY_STAGES - FEW_STAGES);
  const share = perStage / t(EMPTY);
  console.log('\n| target | measured | result |');
  console.log('|---|---|---|');
  console.log(
    `| app <= ${TARGET_APP_RATIO}x the empty app | ${seconds(t(APP))} / ${seconds(t(EMPTY))} = ` +
      `${ratio.toFixed(2)}x | ${verdict(ratio <= TARGET_APP_RATIO)} |`,
  );
  console.log(
    `| each extra stage <= ${TARGET_STAGE_SHARE * 100}% of the empty app | (t${MANY_STAGES} - t${FEW_STAGES}) / ` +
      `${MANY_STAGES - FEW_STAGES} = ${perStage.toFixed(0)} ms = ${(share * 100).toFixed(1)}% | ` +
      `${verdict(share <= TARGET_STAGE_SHARE)} |`,
  );

  const bundlings = median(APP.bundlings);
  console.log(
    `\nThe app over the floor: ${seconds(t(APP) - t(EMPTY))}, of which bundling ${seconds(t(APP) - t(UNBUNDLED))} ` +
      `(${bundlings} esbuild runs, each started through \`npx --no-install esbuild\`, whose start alone takes ` +
      `${seconds(t(LAUNCHER))}) and the rest (constructs, cdk-nag, templates) ${seconds(t(UNBUNDLED) - t(EMPTY))}.`,
  );
  console.log(
    `The stages app copies the example's dev stage as s1..sN (all in the pipeline's account) and builds the ` +
      'pipeline and the cdk-nag validation as infra/app.ts does. ' +
      (median(MANY.bundlings) === median(FEW.bundlings)
        ? `esbuild ran ${median(MANY.bundlings)} times for ${FEW_STAGES} and for ${MANY_STAGES} stages: ` +
          'AssetStaging caches a bundle by source path, bundling options and output directory within one ' +
          'synthesis, so identical handlers are bundled once, not once per stage.'
        : `esbuild ran ${median(FEW.bundlings)} times for ${FEW_STAGES} stages and ${median(MANY.bundlings)} ` +
          `for ${MANY_STAGES}: identical handlers are bundled again for each stage.`),
  );
  console.log(`Cloud assemblies of the last round: ${OUT}`);
}

export async function run(): Promise<void> {
  const started = Date.now();
  await measure();
  report();
  console.log(`Bench time: ${seconds(Date.now() - started)}`);
}
