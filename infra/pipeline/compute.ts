import { Duration } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type { CodeBuildOptions } from 'aws-cdk-lib/pipelines';
import type { PipelineCompute } from '../config/pipeline-compute';
import { CODEBUILD_NODE_VERSION } from './toolchain';

/**
 * The Lambda compute image of each Node.js major the pipeline may use. It has Node.js built in (no
 * `runtime-versions`), HOME=/tmp and npm's global prefix under /tmp, so `npm install -g` works
 * without root (aws/aws-codebuild-docker-images, al-lambda/x86_64/nodejs22/Dockerfile).
 */
const LAMBDA_IMAGES: Record<string, codebuild.IBuildImage> = {
  '22': codebuild.LinuxLambdaBuildImage.AMAZON_LINUX_2023_NODE_22,
};

/** Standard 7.0 on the smallest on-demand EC2 instance, Node.js chosen by `runtime-versions`. */
export const EC2_BUILD: CodeBuildOptions = {
  buildEnvironment: {
    buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
    computeType: codebuild.ComputeType.SMALL,
  },
  partialBuildSpec: codebuild.BuildSpec.fromObject({
    phases: { install: { 'runtime-versions': { nodejs: CODEBUILD_NODE_VERSION } } },
  }),
  timeout: Duration.minutes(60),
};

/**
 * Lambda compute takes no timeout (aws-cdk-lib throws on one): every build stops at 15 minutes.
 * 1 GB, the smallest: the steps run one CLI or one bundled script each.
 */
const LAMBDA_BUILD: CodeBuildOptions = {
  buildEnvironment: {
    buildImage: lambdaImage(CODEBUILD_NODE_VERSION),
    computeType: codebuild.ComputeType.LAMBDA_1GB,
  },
};

/** Every pipeline CodeBuild project's environment, unless a step sets its own (`EC2_BUILD`). */
export function codeBuildDefaults(compute: PipelineCompute): CodeBuildOptions {
  return compute === 'lambda' ? LAMBDA_BUILD : EC2_BUILD;
}

export function lambdaImage(nodeVersion: string): codebuild.IBuildImage {
  const image = LAMBDA_IMAGES[nodeVersion];
  if (!image) {
    throw new Error(
      `CodeBuild Lambda compute has no image here for Node.js ${nodeVersion}: add it to LAMBDA_IMAGES ` +
        "(infra/pipeline/compute.ts), or set pipeline.compute to 'ec2'",
    );
  }
  return image;
}
