import * as path from 'node:path';
import { AssetHashType, AssetStaging, DockerImage, Stack } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';
import { Construct } from 'constructs';
import { CODEBUILD_NODE_VERSION } from './toolchain';

/** The scripts the pipeline's own steps run, by the name of their bundle. */
export const PIPELINE_TOOLS = {
  'smoke-test': 'scripts/pipeline/smoke-test.ts',
  'change-set-summary': 'scripts/pipeline/publish-change-set-summary.ts',
  'protect-stack': 'scripts/pipeline/protect-stack.ts',
} as const;

export type PipelineTool = keyof typeof PIPELINE_TOOLS;

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/**
 * The pipeline's scripts, bundled into the cloud assembly at synthesis (an asset directory of their
 * own, `asset.<hash>/<tool>.cjs`), so that a pipeline step runs `node` on a file of its input
 * artifact: no repository checkout, no `npm ci`, and exactly the code CI tested.
 *
 * When bundling is skipped (tests that synthesize without `aws:cdk:bundling-stacks`), the path
 * still resolves but the directory holds no bundle.
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

  /** The shell command that runs a tool, relative to the root of the cloud assembly. */
  public command(tool: PipelineTool): string {
    return `node ${this.staging.relativeStagedPath(Stack.of(this))}/${tool}.cjs`;
  }
}

/** Bundles every tool into `outputDir` as `<tool>.cjs`, with the AWS SDK inside. */
export function bundleTools(outputDir: string): true {
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
