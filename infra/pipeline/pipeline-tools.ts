import * as path from 'node:path';
import { AssetHashType, AssetStaging, DockerImage, Stack } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';
import { Construct } from 'constructs';
import { CODEBUILD_NODE_VERSION } from './toolchain';

/** The scripts the pipeline's steps run, by bundle name. */
export const PIPELINE_TOOLS = {
  'smoke-test': 'scripts/pipeline/smoke-test.ts',
  'change-set-summary': 'scripts/pipeline/publish-change-set-summary.ts',
  'protect-stack': 'scripts/pipeline/protect-stack.ts',
} as const;

export type PipelineTool = keyof typeof PIPELINE_TOOLS;

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/**
 * The pipeline's scripts, bundled into the cloud assembly (`asset.<hash>/<tool>.cjs`), so that a step
 * runs exactly the code CI tested: no checkout, no `npm ci`.
 */
export class PipelineTools extends Construct {
  private readonly staging: AssetStaging;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.staging = new AssetStaging(this, 'Bundle', {
      sourcePath: path.join(PROJECT_ROOT, 'scripts'),
      // The bundle also holds the SDK from node_modules: hash what is built, not the scripts alone.
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never used: the local bundler below always succeeds or throws.
        image: DockerImage.fromRegistry(`public.ecr.aws/docker/library/node:${CODEBUILD_NODE_VERSION}`),
        local: { tryBundle: (outputDir) => bundleTools(outputDir) },
      },
    });
  }

  /** Relative to the root of the cloud assembly. */
  public command(tool: PipelineTool): string {
    return `node ${this.staging.relativeStagedPath(Stack.of(this))}/${tool}.cjs`;
  }
}

function bundleTools(outputDir: string): true {
  buildSync({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: Object.fromEntries(Object.entries(PIPELINE_TOOLS)),
    outdir: outputDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: `node${CODEBUILD_NODE_VERSION}`,
    format: 'cjs',
    // The SDK's ES module builds first: smaller bundles (see HANDLER_BUNDLING).
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  return true;
}
