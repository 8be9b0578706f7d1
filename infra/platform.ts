import { Aspects, PermissionsBoundary, type App } from 'aws-cdk-lib';
import { RetainRoles } from './constructs/retain-roles';
import { ephemeralKindOf, ephemeralTags, type Provenance } from './config/ephemeral';
import { previewAccount, previewAccountIsOwn } from './config/github';
import { ConfigError } from './config/config-error';
import { selectStage, type AppConfig } from './config/load';
import { pipelineNames, previewBootstrapNames } from './config/names';
import { PREVIEW_NETWORK_ID, previewNetworkNames } from './config/preview-network';
import { isPreviewStageName } from './config/stage-name';
import { PipelineStack } from './pipeline/pipeline-stack';
import { GithubOidcStack, githubOidcStacks } from './stacks/github-oidc-stack';
import { SHARED_STAGE_TAG, tagForCostAllocation } from './constructs/cost-allocation-tags';
import { PreviewBootstrapStack } from './stacks/preview-bootstrap-stack';
import { PreviewNetworkStack } from './stacks/preview-network-stack';
import { JobBaseStage } from './stages/job-base-stage';

export interface PlatformOptions {
  /** `-c stage=NAME`: synthesize only this stage (a configured one, or a `pr-`/`br-` preview). */
  readonly stage?: string;
  /** The account previews deploy to when the configuration names none. */
  readonly defaultAccount?: string;
  /** Where a preview came from, known at deploy time only (`provenanceFromEnv`). @default - none */
  readonly provenance?: Provenance;
}

export interface Platform {
  /** The pipeline, which holds every configured stage; absent when one stage was asked for. */
  readonly pipeline?: PipelineStack;
  /** The stage asked for with `-c stage=NAME`, deployed directly (previews, hand deploys). */
  readonly stage?: JobBaseStage;
  /** The network previews import, deployed by hand once; with `preview.vpc.shared` only. */
  readonly previewNetwork?: PreviewNetworkStack;
}

/** The pipeline with every configured stage, or, with a stage named in the context, that stage alone. */
export function buildPlatform(app: App, config: AppConfig, options: PlatformOptions = {}): Platform {
  const platform = buildStacks(app, config, options);
  // Aspects stop at a stage: this tags the stacks outside them; each stage's stack tags itself.
  tagForCostAllocation(app, config.appName, SHARED_STAGE_TAG);
  return platform;
}

function buildStacks(app: App, config: AppConfig, options: PlatformOptions): Platform {
  const names = previewBootstrapNames(config.appName);
  // What the preview account's scoped bootstrap (PreviewBootstrapStack) requires on every role.
  const boundary = previewAccountIsOwn(config) ? PermissionsBoundary.fromName(names.boundaryName) : undefined;
  if (options.stage) {
    const stage = selectStage(config, options.stage, { defaultAccount: options.defaultAccount });
    const bounded = isPreviewStageName(stage.name) ? boundary : undefined;
    const built = new JobBaseStage(app, stage.name, {
      appName: config.appName,
      stage,
      permissionsBoundary: bounded,
      stackTags: previewTags(config, stage.name, options.provenance),
    });
    if (bounded) Aspects.of(built).add(new RetainRoles());
    return { stage: built };
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
  const previewNetwork = buildPreviewNetwork(app, config, options.defaultAccount, boundary);
  const { account, region } = config.pipeline;
  const pipeline = new PipelineStack(app, 'Pipeline', {
    config,
    env: { account, region },
    stackName: pipelineNames(config.appName, account, region).stackName,
    description: `Batch job platform (${config.appName}): the pipeline that deploys every stage`,
  });
  return { pipeline, previewNetwork };
}

/** The provenance tags of a preview stage; none for a configured stage deployed by hand. */
function previewTags(
  config: AppConfig,
  stage: string,
  provenance?: Provenance,
): Record<string, string> | undefined {
  if (ephemeralKindOf(stage) === undefined || config.stages.some((s) => s.name === stage)) return undefined;
  try {
    return ephemeralTags({
      stage,
      repository: `${config.github.owner}/${config.github.repository}`,
      provenance,
    });
  } catch (error) {
    throw new ConfigError([`context stage: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

/** The shared preview network, deployed by hand once (`npx cdk deploy PreviewNetwork`). */
function buildPreviewNetwork(
  app: App,
  config: AppConfig,
  defaultAccount: string | undefined,
  permissionsBoundary: PermissionsBoundary | undefined,
): PreviewNetworkStack | undefined {
  const shared = config.preview.vpc.shared;
  if (!shared) return undefined;
  const { appName, preview } = config;
  const stack = new PreviewNetworkStack(app, PREVIEW_NETWORK_ID, {
    env: { account: preview.account ?? defaultAccount, region: preview.region },
    stackName: previewNetworkNames(appName, shared.availabilityZones.length).stackName,
    description: `Batch job platform (${appName}): the network every preview runs in`,
    appName,
    availabilityZones: shared.availabilityZones,
    cidr: shared.cidr,
    terminationProtection: true,
    // Deployed through the preview account's bootstrap roles.
    permissionsBoundary,
  });
  if (permissionsBoundary) Aspects.of(stack).add(new RetainRoles());
  return stack;
}
