import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Runs the app entry point as the CDK CLI does: context in CDK_CONTEXT_JSON, output in CDK_OUTDIR. */
function runApp(context: Record<string, unknown>) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-test-'));
  const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'infra/app.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
    },
    encoding: 'utf8',
  });
  return { ...result, outdir };
}

describe('infra/app.ts', () => {
  test('synthesizes a preview stage from the context, without credentials', () => {
    const result = runApp({ stage: 'pr-42' });
    expect(result.stderr).not.toMatch(/Validation failed/);
    expect(result.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(result.outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string }>;
    };
    expect(Object.keys(manifest.artifacts)).toContain('assembly-pr-42');
    expect(Object.keys(manifest.artifacts)).not.toContain('Pipeline');
  });

  // One clear error and no stack trace.
  test.each([
    ['a bad stage name', 'Feature/Login', /context stage: 'Feature\/Login' is not a valid stage name/],
    ['a stage context that is not a string', 42, /context stage: must be a stage name, e.g. -c stage=pr-42/],
  ])('fails on %s', (_case, stage, message) => {
    const result = runApp({ stage });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Invalid configuration \(1 problem\):\n {2}- /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
