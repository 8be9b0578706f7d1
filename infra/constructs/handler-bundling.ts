import { Runtime, Architecture } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * The Lambda runtime and architecture of every handler. Node.js 24 is the newest runtime Lambda
 * supports; nodejs20.x is deprecated since 2026-04-30.
 */
export const HANDLER_RUNTIME = Runtime.NODEJS_24_X;
export const HANDLER_ARCHITECTURE = Architecture.ARM_64;

/**
 * esbuild settings for every handler, shared by the stack and by `npm run bench` so that the
 * benchmark measures exactly what is deployed.
 *
 * The AWS SDK is bundled (not taken from the runtime) so the deployed code runs the SDK version the
 * tests ran. `module` before `main` makes esbuild pick the SDK's ES module builds, which tree-shake:
 * measured about a third smaller and faster to load than esbuild's default order for platform node.
 * The source map ships as a separate file without sources content. Node.js does not read it unless
 * NODE_OPTIONS=--enable-source-maps is set on the function, which costs about 11 ms of cold start and
 * 6 MB (`npm run bench`); set it while debugging, or decode a stack trace with the map offline.
 *
 * `dynamic-import=false` makes esbuild write the bundle's remaining `import("node:...")` calls as
 * `require`, as everything else in a CommonJS bundle is. Otherwise the first such call starts
 * Node's ES module loader, about 5 ms: the SDK does it for a plain-HTTP endpoint (the local SNS
 * stand-in, `npm run invoke -- --publish` against a local endpoint), and Lambda's invoke store
 * when a function runs several invocations at once. Lambda's HTTPS path does not make such calls.
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
