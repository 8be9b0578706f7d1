import {
  CfnOutput,
  DefaultStackSynthesizer,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { S3Trigger } from 'aws-cdk-lib/aws-codepipeline-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { CodePipeline, CodePipelineSource } from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { pipelineNames } from '../config/names';
import { acknowledgeFindings } from '../nag/acknowledge';
import type { AppConfig, StageConfig } from '../config/schema';
import { JobBaseStage } from '../stages/job-base-stage';
import { acknowledgePipelineFindings } from './pipeline-findings';
import { PipelineTools } from './pipeline-tools';
import { addProductionSteps, createApprovalTopic } from './production-steps';
import { smokeTestStep } from './smoke-test-step';
import { codeBuildDefaults } from './compute';
import { CDK_ASSETS_VERSION, CDK_CLI_VERSION } from './toolchain';

export { CODEBUILD_NODE_VERSION } from './toolchain';

export interface PipelineStackProps extends StackProps {
  readonly config: AppConfig;
}

/**
 * The self-mutating pipeline that deploys every configured stage. Its input is the cloud assembly CI
 * tested, uploaded by the merge workflow, so nothing is built, tested or installed in the pipeline.
 */
export class PipelineStack extends Stack {
  public readonly pipeline: CodePipeline;
  public readonly stages: readonly JobBaseStage[];
  public readonly sourceBucket: s3.Bucket;
  public readonly approvalTopic?: sns.Topic;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    // No BootstrapVersion rule: its SSM parameter makes the CLI deploy even an unchanged template, so
    // self-mutation could never skip. The CLI, the only deployer of this stack, still checks the
    // bootstrap version from the assembly's manifest (requiresBootstrapStackVersion).
    super(scope, id, {
      ...props,
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    });
    const { config } = props;
    const names = pipelineNames(config.appName, config.pipeline.account, config.pipeline.region);

    this.sourceBucket = this.createSourceBucket(names.sourceBucketName);
    const cloudAssembly = CodePipelineSource.s3(this.sourceBucket, names.sourceObjectKey, {
      actionName: names.sourceActionName,
      trigger: S3Trigger.NONE,
    });
    new CfnOutput(this, 'SourceBucketName', { value: this.sourceBucket.bucketName });

    // Stages in other accounts need the artifact bucket encrypted with a key they can be granted.
    const crossAccountKeys = config.stages.some((s) => s.account !== config.pipeline.account);
    this.pipeline = new CodePipeline(this, 'Pipeline', {
      codePipeline: new codepipeline.Pipeline(this, 'CodePipeline', {
        pipelineName: names.pipelineName,
        pipelineType: codepipeline.PipelineType.V2,
        // An older commit never deploys over a newer one, and an approved change set is the one that runs.
        executionMode: codepipeline.ExecutionMode.SUPERSEDED,
        restartExecutionOnUpdate: true,
        crossAccountKeys,
        // Rotation applies to that key only; CodePipeline rejects it when there is no key.
        enableKeyRotation: crossAccountKeys,
      }),
      // The uploaded assembly is the cloud assembly: no Build stage.
      synth: cloudAssembly,
      selfMutation: true,
      // One CodeBuild job publishes every file asset, instead of one job per asset.
      publishAssetsInParallel: false,
      cliVersion: CDK_CLI_VERSION,
      cdkAssetsCliVersion: CDK_ASSETS_VERSION,
      codeBuildDefaults: codeBuildDefaults(config.pipeline.compute),
    });

    const tools = new PipelineTools(this, 'Tools');
    if (config.stages.some((s) => s.production)) {
      this.approvalTopic = createApprovalTopic(this, names.approvalTopicDisplayName);
      new CfnOutput(this, 'ApprovalTopicArn', {
        value: this.approvalTopic.topicArn,
        description: 'Subscribe the approvers: change-set summaries and approval requests',
      });
    }
    this.stages = this.addStages(config, cloudAssembly, tools);
    new CfnOutput(this, 'PipelineName', { value: names.pipelineName });
    // Now, so that the generated roles can be explained.
    this.pipeline.buildPipeline();
    acknowledgePipelineFindings(this, this.pipeline);
  }

  /** Stages deploy in the configured order; stages that share a `wave` deploy in parallel. */
  private addStages(config: AppConfig, input: CodePipelineSource, tools: PipelineTools): JobBaseStage[] {
    const waves = new Map<string, StageConfig[]>();
    for (const stage of config.stages) {
      const wave = stage.wave ?? stage.name;
      waves.set(wave, [...(waves.get(wave) ?? []), stage]);
    }
    return [...waves.entries()].flatMap(([waveName, stages]) => {
      const wave = this.pipeline.addWave(waveName);
      return stages.map((stageConfig) => {
        const stage = new JobBaseStage(this, stageConfig.name, {
          appName: config.appName,
          stage: stageConfig,
          smokeTestAccount: config.pipeline.account,
        });
        const deployment = wave.addStage(stage, {
          post: stageConfig.smokeTest
            ? [smokeTestStep({ appName: config.appName, stage, input, tools })]
            : [],
        });
        if (stageConfig.production) {
          for (const stack of deployment.stacks) {
            addProductionSteps({
              stageName: stageConfig.name,
              stack,
              input,
              tools,
              approvalTopic: this.approvalTopic!,
            });
          }
        }
        return stage;
      });
    });
  }

  private createSourceBucket(bucketName: string): s3.Bucket {
    const bucket = new s3.Bucket(this, 'SourceBucket', {
      bucketName,
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const reason =
      'Only the deploy role writes here, one object per merge; each version is kept 30 days and each ' +
      'pipeline execution records the version it deployed';
    acknowledgeFindings(bucket, [{ id: 'AwsSolutions-S1', reason }]);
    return bucket;
  }
}
