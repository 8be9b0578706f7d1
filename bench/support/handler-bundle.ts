/**
 * Builds a handler the way NodejsFunction does, from the same `BundlingOptions` the stack uses, so
 * the bundle test and `npm run bench` measure exactly what is deployed.
 */
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build, type BuildOptions } from 'esbuild';
import { statSync } from 'node:fs';
import { join } from 'node:path';

/** The options this mapping understands; a new one in HANDLER_BUNDLING must be mapped, not ignored. */
const MAPPED: ReadonlySet<string> = new Set([
  'format',
  'target',
  'mainFields',
  'minify',
  'sourceMap',
  'sourceMapMode',
  'sourcesContent',
  'bundleAwsSDK',
  'externalModules',
  'keepNames',
  'define',
  'banner',
  'footer',
  'metafile',
  'esbuildArgs',
]);

const SOURCE_MAP: Record<SourceMapMode, BuildOptions['sourcemap']> = {
  [SourceMapMode.DEFAULT]: true,
  [SourceMapMode.EXTERNAL]: 'external',
  [SourceMapMode.INLINE]: 'inline',
  [SourceMapMode.BOTH]: 'both',
};

/** `--supported:FEATURE` arguments; any other esbuild argument must be mapped here first. */
function supportedFrom(esbuildArgs: BundlingOptions['esbuildArgs'] = {}): BuildOptions['supported'] {
  const supported: Record<string, boolean> = {};
  for (const [arg, value] of Object.entries(esbuildArgs)) {
    const feature = /^--supported:(.+)$/.exec(arg)?.[1];
    if (!feature || (value !== 'true' && value !== 'false'))
      throw new Error(
        `handler-bundle: map the esbuild argument ${arg}=${String(value)} to an esbuild option`,
      );
    supported[feature] = value === 'true';
  }
  return Object.keys(supported).length > 0 ? supported : undefined;
}

/** The esbuild options NodejsFunction derives from `bundling` (aws-lambda-nodejs/lib/bundling.js). */
export function esbuildOptionsFrom(bundling: BundlingOptions): BuildOptions {
  const unmapped = Object.keys(bundling).filter((key) => !MAPPED.has(key));
  if (unmapped.length > 0) throw new Error(`handler-bundle: map ${unmapped.join(', ')} to esbuild options`);
  const sourceMapOn = bundling.sourceMapMode !== undefined || bundling.sourceMap === true;
  const sdkExternals = bundling.bundleAwsSDK ? [] : ['@aws-sdk/*'];
  return {
    bundle: true,
    platform: 'node',
    format: bundling.format === OutputFormat.ESM ? 'esm' : 'cjs',
    target: bundling.target,
    mainFields: bundling.mainFields,
    minify: bundling.minify ?? false,
    sourcemap: sourceMapOn ? SOURCE_MAP[bundling.sourceMapMode ?? SourceMapMode.DEFAULT] : false,
    sourcesContent: bundling.sourcesContent ?? true,
    external: bundling.externalModules ?? sdkExternals,
    keepNames: bundling.keepNames ?? false,
    define: bundling.define,
    banner: bundling.banner ? { js: bundling.banner } : undefined,
    footer: bundling.footer ? { js: bundling.footer } : undefined,
    supported: supportedFrom(bundling.esbuildArgs),
    logLevel: 'warning',
  };
}

export interface HandlerBundle {
  /** The file Lambda loads (`index.js`, or `index.mjs` for ESM). */
  readonly file: string;
  readonly bytes: number;
  /** esbuild's metafile: which inputs take how many bytes of the output. */
  readonly metafile: NonNullable<Awaited<ReturnType<typeof build>>['metafile']>;
}

export async function bundleHandler(
  entry: string,
  outdir: string,
  options: BuildOptions,
): Promise<HandlerBundle> {
  const file = join(outdir, options.format === 'esm' ? 'index.mjs' : 'index.js');
  const result = await build({
    ...options,
    entryPoints: [entry],
    outfile: file,
    metafile: true,
    write: true,
  });
  return { file, bytes: statSync(file).size, metafile: result.metafile };
}
