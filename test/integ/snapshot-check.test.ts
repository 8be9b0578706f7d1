import { spawn } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm run integ` (a plain `integ-runner`) is the offline check that the committed snapshot still
 * matches what the code synthesizes. These tests run it on copies of the project, so that the
 * checkout is never touched, and show that it passes untouched and fails on a change.
 */

const ROOT = join(__dirname, '..', '..');
const SNAPSHOT = join(ROOT, 'integ', 'integ.job-base.ts.snapshot');
const INTEG_RUNNER = join(ROOT, 'node_modules', '@aws-cdk', 'integ-runner', 'bin', 'integ-runner');
/** What the app, its handlers and the integ-runner configuration are made of. */
const PROJECT_FILES = [
  'infra',
  'functions',
  'integ',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'integ.config.json',
];
/** Two synths of the scenario, with handler bundling, on a busy 2-core machine. */
const RUN_TIMEOUT_MS = 180_000;

interface RunResult {
  readonly exitCode: number | null;
  readonly output: string;
}

const copies: string[] = [];

/** A copy of the project, sharing node_modules, that a test may change at will. */
function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'integ-snapshot-check-'));
  copies.push(dir);
  for (const name of PROJECT_FILES) {
    cpSync(join(ROOT, name), join(dir, name), {
      recursive: true,
      filter: (source) => !/cdk-integ\.out\./.test(source),
    });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** `integ-runner` with the project's integ.config.json, as `npm run integ` runs it. */
function runIntegRunner(cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [INTEG_RUNNER], {
      cwd,
      env: { ...process.env, FORCE_COLOR: '0' },
      timeout: RUN_TIMEOUT_MS,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}

/** Replaces `from` in a copied file, failing loudly if the text to change is not there. */
function replaceOnce(file: string, from: string, to: string): void {
  const source = readFileSync(file, 'utf8');
  expect(source.split(from)).toHaveLength(2);
  writeFileSync(file, source.replace(from, to));
}

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe('the committed snapshot', () => {
  const integ = JSON.parse(readFileSync(join(SNAPSHOT, 'integ.json'), 'utf8')) as {
    testCases: Record<string, { stacks: string[] }>;
  };
  const manifest = JSON.parse(readFileSync(join(SNAPSHOT, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; environment?: string }>;
  };
  const stacks = Object.values(integ.testCases).flatMap((testCase) => testCase.stacks);

  test('holds every test-case stack as a top-level stack, the only kind integ-runner compares', () => {
    expect(stacks).toEqual(['JobBase', 'Probes']);
    for (const stack of stacks) expect(manifest.artifacts[stack]?.type).toBe('aws:cloudformation:stack');
  });

  test('is synthesized for the pinned region and no particular account', () => {
    for (const stack of stacks) {
      expect(manifest.artifacts[stack]?.environment).toBe('aws://unknown-account/ap-northeast-1');
    }
  });
});

describe('the offline snapshot check (npm run integ)', () => {
  test(
    'passes on a copy elsewhere on disk whose handler code changed: asset hashes are not compared',
    async () => {
      // GIVEN a copy in another directory, with a handler changed (so its bundle and asset hash change)
      const dir = copyProject();
      appendFileSync(
        join(dir, 'functions', 'batch-success-handler', 'index.ts'),
        '\nexport const changed = 1;\n',
      );
      // WHEN
      const { exitCode, output } = await runIntegRunner(dir);
      // THEN
      expect(output).toMatch(/UNCHANGED\s+integ\.job-base/);
      expect(exitCode).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'fails when the JobBase template changes and the snapshot is not refreshed, naming the resource',
    async () => {
      // GIVEN a copy whose stage allows 8 vCPUs instead of 4: the compute environment changes
      const dir = copyProject();
      replaceOnce(join(dir, 'integ', 'job-base-scenario.ts'), 'maxvCpus: 4', 'maxvCpus: 8');
      // WHEN
      const { exitCode, output } = await runIntegRunner(dir);
      // THEN
      expect(exitCode).toBe(1);
      expect(output).toMatch(/CHANGED\s+integ\.job-base/);
      expect(output).toMatch(/\[~\] AWS::Batch::ComputeEnvironment BatchOnDemand\w+/);
      expect(output).toMatch(/\.MaxvCpus:\s+├─ \[-\] 4\s+└─ \[\+\] 8/);
      expect(output).toMatch(/Some tests failed!/);
    },
    RUN_TIMEOUT_MS,
  );
});
