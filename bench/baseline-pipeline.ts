/**
 * The pipeline before the cloud-assembly rewrite (`git show c753cb2:infra/pipeline/pipeline-stack.ts`),
 * for `npm run bench -- pipeline` to compare against, with only what the model reads: Synth runs
 * `npm ci`, the whole `npm test` and the synth; the pipeline mutates itself, publishes each asset in a
 * job of its own, and smoke-tests a stage with a second `npm ci` and tsx. The stages are the real ones.
 */
import { Stack, type App } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { S3Trigger } from 'aws-cdk-lib/aws-codepipeline-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CodeBuildStep, CodePipeline, CodePipelineSource, ManualApprovalStep } from 'aws-cdk-lib/pipelines';
import * as packageJson from '../package.json';
import type { AppConfig } from '../infra/config/schema';
import { JobBaseStage } from '../infra/stages/job-base-stage';

/** The baseline pipeline stack, built (`buildPipeline()`) and ready to synthesize. */
export function baselinePipeline(app: App, id: string, { config }: { readonly config: AppConfig }): Stack {
  const stack = new Stack(app, id, {
    env: { account: config.pipeline.account, region: config.pipeline.region },
  });
  const bucket = new s3.Bucket(stack, 'SourceBucket', { versioned: true, enforceSSL: true });
  const source = CodePipelineSource.s3(bucket, 'source.zip', {
    actionName: 'Source',
    trigger: S3Trigger.NONE,
  });
  const crossAccountKeys = config.stages.some((s) => s.account !== config.pipeline.account);
  const pipeline = new CodePipeline(stack, 'Pipeline', {
    codePipeline: new codepipeline.Pipeline(stack, 'CodePipeline', {
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.SUPERSEDED,
      restartExecutionOnUpdate: true,
      crossAccountKeys,
      enableKeyRotation: crossAccountKeys,
    }),
    synth: new CodeBuildStep('Synth', {
      input: source,
      installCommands: ['npm ci'],
      commands: ['npm test', 'npm run synth'],
      primaryOutputDirectory: 'cdk.out',
    }),
    selfMutation: true,
    cliVersion: packageJson.devDependencies['aws-cdk'],
    cdkAssetsCliVersion: packageJson.devDependencies['cdk-assets'],
  });
  for (const stageConfig of config.stages) {
    const stage = new JobBaseStage(stack, stageConfig.name, {
      appName: config.appName,
      stage: stageConfig,
      smokeTestAccount: config.pipeline.account,
    });
    pipeline.addStage(stage, {
      pre: stageConfig.production ? [new ManualApprovalStep(`Approve-${stageConfig.name}`)] : [],
      post: stageConfig.smokeTest
        ? [
            new CodeBuildStep('SmokeTest', {
              input: source,
              installCommands: ['npm ci'],
              commands: ['npx tsx scripts/smoke-test.ts'],
            }),
          ]
        : [],
    });
  }
  pipeline.buildPipeline();
  return stack;
}
