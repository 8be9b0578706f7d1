/**
 * A handler bundled by a synthesized NodejsFunction with the stack's runtime, architecture and
 * bundling settings, so the bundle test and `npm run bench` run exactly what is deployed.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Metafile } from 'esbuild';
import {
  HANDLER_ARCHITECTURE,
  HANDLER_BUNDLING,
  HANDLER_RUNTIME,
} from '../../infra/constructs/handler-bundling';

export interface HandlerBundle {
  /** The file Lambda loads. */
  readonly file: string;
  readonly bytes: number;
  /** From esbuild's metafile: which inputs take how many bytes of the bundle. */
  readonly inputs: Metafile['outputs'][string]['inputs'];
}

/** Synthesizes one function into `outdir`, with the metafile esbuild writes beside the bundle. */
export function bundleHandler(
  entry: string,
  outdir: string,
  bundling: BundlingOptions = HANDLER_BUNDLING,
): HandlerBundle {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Bundle');
  new NodejsFunction(stack, 'Handler', {
    entry,
    runtime: HANDLER_RUNTIME,
    architecture: HANDLER_ARCHITECTURE,
    bundling: { ...bundling, metafile: true },
  });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
  const assetPath = fn?.Metadata?.['aws:asset:path'];
  if (!assetPath) throw new Error(`no bundled code asset for ${entry} in ${assembly.directory}`);
  const dir = join(assembly.directory, assetPath);
  const file = join(dir, bundling.format === OutputFormat.ESM ? 'index.mjs' : 'index.js');
  const { outputs } = JSON.parse(readFileSync(join(dir, 'index.meta.json'), 'utf8')) as Metafile;
  const output = Object.entries(outputs).find(
    ([name]) => name.endsWith('/index.js') || name.endsWith('/index.mjs'),
  );
  return { file, bytes: statSync(file).size, inputs: output?.[1].inputs ?? {} };
}
