/**
 * The pipeline as it was before the cloud-assembly rewrite, for `npm run bench -- pipeline` to compare
 * against: the essentials of `git show c753cb2:infra/pipeline/pipeline-stack.ts` and its smoke-test
 * step, only what the model reads (no CodeConnections source, no waves, no outputs, no cdk-nag notes,
 * no build image, no step environments or roles). The
 * repository comes from S3; a Synth CodeBuild step runs `npm ci`, the whole `npm test` and the synth;
 * the pipeline mutates itself, publishes each asset in a job of its own, and smoke-tests a stage with
 * a second `npm ci` and tsx. Stages are the project's own JobBaseStage, so the deploy actions are real.
 */
import { Stack, type App } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { S3Trigger } from 'aws-cdk-lib/aws-codepipeline-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  CodeBuildStep,
  CodePipeline,
  CodePipelineSource,
  ManualApprovalStep,
  type IFileSetProducer,
} from 'aws-cdk-lib/pipelines';
import * as packageJson from '../package.json';
import type { AppConfig } from '../infra/config/schema';
import { JobBaseStage } from '../infra/stages/job-base-stage';

export interface BaselinePipelineProps {
  readonly config: AppConfig;
}

/** The old smoke test: the whole repository, `npm ci`, then the TypeScript script through tsx. */
const smokeTestStep = (input: IFileSetProducer): CodeBuildStep =>
  new CodeBuildStep('SmokeTest', {
    input,
    installCommands: ['npm ci'],
    commands: ['npx tsx scripts/smoke-test.ts'],
  });

/** The baseline pipeline stack, built (`buildPipeline()`) and ready to synthesize. */
export function baselinePipeline(app: App, id: string, props: BaselinePipelineProps): Stack {
  const { config } = props;
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
      post: stageConfig.smokeTest ? [smokeTestStep(source)] : [],
    });
  }
  pipeline.buildPipeline();
  return stack;
}
