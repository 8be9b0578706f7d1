import { Runtime, Architecture } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Node.js 24 is Lambda's newest runtime; nodejs20.x is deprecated since 2026-04-30. */
export const HANDLER_RUNTIME = Runtime.NODEJS_24_X;
export const HANDLER_ARCHITECTURE = Architecture.ARM_64;

/**
 * esbuild settings for every handler, shared with `npm run bench` so that it measures what is deployed.
 * The SDK is bundled, so it runs the version the tests ran; `module` first picks its ES builds, which
 * tree-shake (a third smaller and faster to load). The source map is a separate file, read only with
 * NODE_OPTIONS=--enable-source-maps (11 ms of cold start). `dynamic-import=false` writes the remaining
 * `import("node:...")` calls as `require`, sparing Node's ES module loader (5 ms) when one runs.
 */
export const HANDLER_BUNDLING: BundlingOptions = {
  format: OutputFormat.CJS,
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  bundleAwsSDK: true,
  externalModules: [],
  esbuildArgs: { '--supported:dynamic-import': 'false' },
};
