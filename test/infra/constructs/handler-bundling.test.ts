import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetStaging, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { HANDLER_BUNDLING } from '../../../infra/constructs/handler-bundling';
import { BatchEventFunction } from '../../../infra/constructs/batch-event-function';
import { testApp } from '../../support/cdk';
import { bundleHandler, esbuildOptionsFrom } from '../../support/handler-bundle';

const ENTRY = join(__dirname, '../../../functions/job-state/index.ts');

test('the stack bundles a handler exactly as the bundle test and the bench do', async () => {
  // GIVEN a handler synthesized with bundling on, as `cdk synth` does
  const stack = new Stack(testApp({ bundling: true }), 'Stack');
  const handler = new BatchEventFunction(stack, 'Handler', {
    entry: ENTRY,
    handler: 'onFailed',
    functionName: 'fn',
    deadLetterQueue: new sqs.Queue(stack, 'Dlq'),
    logRetention: logs.RetentionDays.ONE_DAY,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const staging = handler.node.findAll().find((c) => c instanceof AssetStaging);
  // WHEN the same entry is bundled with the options mapped from HANDLER_BUNDLING
  const outdir = mkdtempSync(join(tmpdir(), 'handler-bundling-'));
  try {
    const bundle = await bundleHandler(ENTRY, outdir, esbuildOptionsFrom(HANDLER_BUNDLING));
    // THEN both are the same bytes, so what the tests and the bench measure is what is deployed
    expect(staging).toBeInstanceOf(AssetStaging);
    const deployed = readFileSync(join((staging as AssetStaging).absoluteStagedPath, 'index.js'), 'utf8');
    expect(deployed.length).toBeGreaterThan(100_000);
    expect(deployed === readFileSync(bundle.file, 'utf8')).toBe(true);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

test('a bundling option that the test mapping does not know is refused, not ignored', () => {
  expect(() => esbuildOptionsFrom({ ...HANDLER_BUNDLING, loader: { '.txt': 'text' } })).toThrow(
    'handler-bundle: map loader to esbuild options',
  );
  expect(() =>
    esbuildOptionsFrom({ ...HANDLER_BUNDLING, esbuildArgs: { '--tree-shaking': 'false' } }),
  ).toThrow('handler-bundle: map the esbuild argument --tree-shaking=false to an esbuild option');
});
