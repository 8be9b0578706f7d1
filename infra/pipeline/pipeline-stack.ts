import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { S3Trigger } from 'aws-cdk-lib/aws-codepipeline-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CodeBuildStep, CodePipeline, CodePipelineSource, ManualApprovalStep } from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { pipelineNames } from '../config/names';
import { acknowledgeFindings } from '../nag/acknowledge';
import type { AppConfig, StageConfig } from '../config/schema';
import { JobBaseStage } from '../stages/job-base-stage';
import { acknowledgePipelineFindings } from './pipeline-findings';
import { smokeTestStep } from './smoke-test-step';
import { CDK_ASSETS_VERSION, CDK_CLI_VERSION } from './toolchain';

/** The Node.js major version CodeBuild runs, as `.nvmrc` sets it for workflows and laptops. */
export const CODEBUILD_NODE_VERSION = '22';

export interface PipelineStackProps extends StackProps {
  readonly config: AppConfig;
}

/**
 * The self-mutating pipeline that deploys JobBase to every configured stage, in order.
 *
 * It is fed by the merge workflow, not by a stored GitHub token: the workflow uploads the commit to
 * the versioned source bucket and starts the pipeline for exactly that object version. With a
 * CodeConnections connection configured, the pipeline reads the repository through it instead.
 */
export class PipelineStack extends Stack {
  public readonly pipeline: CodePipeline;
  public readonly stages: readonly JobBaseStage[];
  public readonly sourceBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = pipelineNames(config.appName, config.pipeline.account, config.pipeline.region);

    let source: CodePipelineSource;
    if (config.pipeline.connectionArn) {
      source = CodePipelineSource.connection(
        `${config.github.owner}/${config.github.repository}`,
        config.github.branch,
        {
          connectionArn: config.pipeline.connectionArn,
          actionName: names.sourceActionName,
          triggerOnPush: true,
        },
      );
    } else {
      this.sourceBucket = this.createSourceBucket(names.sourceBucketName);
      source = CodePipelineSource.s3(this.sourceBucket, names.sourceObjectKey, {
        actionName: names.sourceActionName,
        trigger: S3Trigger.NONE,
      });
      new CfnOutput(this, 'SourceBucketName', { value: this.sourceBucket.bucketName });
    }

    // Stages in other accounts need the artifact bucket encrypted with a key they can be granted.
    const crossAccountKeys = config.stages.some((s) => s.account !== config.pipeline.account);
    this.pipeline = new CodePipeline(this, 'Pipeline', {
      codePipeline: new codepipeline.Pipeline(this, 'CodePipeline', {
        pipelineName: names.pipelineName,
        pipelineType: codepipeline.PipelineType.V2,
        // A newer execution supersedes an older one waiting between stages, so an older commit is
        // never deployed over a newer one, and commits that queue up behind a deploy are skipped.
        executionMode: codepipeline.ExecutionMode.SUPERSEDED,
        restartExecutionOnUpdate: true,
        crossAccountKeys,
        // Rotation applies to that key only; CodePipeline rejects it when there is no key.
        enableKeyRotation: crossAccountKeys,
      }),
      synth: new CodeBuildStep('Synth', {
        input: source,
        installCommands: ['npm ci'],
        commands: ['npm test', 'npm run synth'],
        primaryOutputDirectory: 'cdk.out',
      }),
      selfMutation: true,
      cliVersion: CDK_CLI_VERSION,
      cdkAssetsCliVersion: CDK_ASSETS_VERSION,
      codeBuildDefaults: {
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0 },
        partialBuildSpec: codebuild.BuildSpec.fromObject({
          phases: { install: { 'runtime-versions': { nodejs: CODEBUILD_NODE_VERSION } } },
        }),
        timeout: Duration.minutes(60),
      },
    });

    this.stages = this.addStages(config, source);
    new CfnOutput(this, 'PipelineName', { value: names.pipelineName });
    // Build now rather than at synthesis, so that the generated roles can be checked and explained.
    this.pipeline.buildPipeline();
    acknowledgePipelineFindings(this, this.pipeline);
  }

  /** Stages deploy in the configured order; stages that share a `wave` deploy in parallel. */
  private addStages(config: AppConfig, source: CodePipelineSource): JobBaseStage[] {
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
        wave.addStage(stage, {
          pre: stageConfig.production ? [new ManualApprovalStep(`Approve-${stageConfig.name}`)] : [],
          post: stageConfig.smokeTest
            ? [smokeTestStep({ appName: config.appName, stage, input: source })]
            : [],
        });
        return stage;
      });
    });
  }

  /** Private, encrypted, TLS-only and versioned: each deploy pins one object version. */
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
    acknowledgeFindings(bucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'Only the deploy role writes here, one object per merge; each version is kept 30 days and each ' +
          'pipeline execution records the version it deployed',
      },
    ]);
    return bucket;
  }
}
