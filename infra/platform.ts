import { PermissionsBoundary, type App } from 'aws-cdk-lib';
import { previewAccount, previewAccountIsOwn } from './config/github';
import { selectStage, type AppConfig } from './config/load';
import { pipelineNames, previewBootstrapNames } from './config/names';
import { isPreviewStageName } from './config/stage-name';
import { PipelineStack } from './pipeline/pipeline-stack';
import { GithubOidcStack, githubOidcStacks } from './stacks/github-oidc-stack';
import { PreviewBootstrapStack } from './stacks/preview-bootstrap-stack';
import { JobBaseStage } from './stages/job-base-stage';

export interface PlatformOptions {
  /** `-c stage=NAME`: synthesize only this stage (a configured one, or a `pr-`/`br-` preview). */
  readonly stage?: string;
  /** The account previews deploy to when the configuration names none. */
  readonly defaultAccount?: string;
}

export interface Platform {
  /** The pipeline, which holds every configured stage; absent when one stage was asked for. */
  readonly pipeline?: PipelineStack;
  /** The stage asked for with `-c stage=NAME`, deployed directly (previews, hand deploys). */
  readonly stage?: JobBaseStage;
}

/**
 * Everything the app synthesizes: the pipeline with every configured stage, or, with a stage named
 * in the context, that stage alone.
 */
export function buildPlatform(app: App, config: AppConfig, options: PlatformOptions = {}): Platform {
  const names = previewBootstrapNames(config.appName);
  if (options.stage) {
    const stage = selectStage(config, options.stage, { defaultAccount: options.defaultAccount });
    // A preview's roles carry the boundary its account's bootstrap requires (PreviewBootstrapStack).
    const bounded = isPreviewStageName(stage.name) && previewAccountIsOwn(config);
    return {
      stage: new JobBaseStage(app, stage.name, {
        appName: config.appName,
        stage,
        permissionsBoundary: bounded ? PermissionsBoundary.fromName(names.boundaryName) : undefined,
      }),
    };
  }
  // The workflows' trust in AWS, deployed by hand once per account (see docs/github-setup.md).
  for (const { id, props } of githubOidcStacks(config)) new GithubOidcStack(app, id, props);
  if (previewAccountIsOwn(config)) {
    // Deployed by hand once, before the preview account's bootstrap, which uses its policies.
    new PreviewBootstrapStack(app, 'PreviewBootstrap', {
      env: { account: previewAccount(config), region: config.preview.region },
      stackName: names.stackName,
      description: `Batch job platform (${config.appName}): the preview account's CDK bootstrap policies`,
      appName: config.appName,
    });
  }
  const { account, region } = config.pipeline;
  const pipeline = new PipelineStack(app, 'Pipeline', {
    config,
    env: { account, region },
    stackName: pipelineNames(config.appName, account, region).stackName,
    description: `Batch job platform (${config.appName}): the pipeline that deploys every stage`,
  });
  return { pipeline };
}
