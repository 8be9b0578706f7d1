import {
  CfnOutput,
  CliCredentialsStackSynthesizer,
  DefaultStackSynthesizer,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import {
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  githubRoleName,
  previewAccount,
  roleSubjects,
  type GithubConfig,
} from '../config/github';
import { pipelineNames, type PipelineNames } from '../config/names';
import type { AppConfig } from '../config/schema';
import { GithubActionsRole } from '../constructs/github-actions-role';

/** The CDK bootstrap roles a deploy (and its asset publishing and lookups) assumes. */
export const BOOTSTRAP_ROLE_TYPES = [
  'deploy-role',
  'file-publishing-role',
  'image-publishing-role',
  'lookup-role',
] as const;

/**
 * The preview role's session outlives its longest job (integration tests, 75 minutes), whose chained
 * bootstrap-role sessions all end with it (test/workflows/lifecycle.test.ts checks the timeouts).
 */
/**
 * `cdk deploy -c github-subject-migration=true`: the roles trust the environment-only subject as well,
 * while the repository's subject customization is switched on (docs/github-setup.md).
 */
export const SUBJECT_MIGRATION_CONTEXT = 'github-subject-migration';

export const ROLE_MAX_SESSION_SECONDS = { deploy: 3600, preview: 7200 } as const;

export interface GithubOidcStackProps extends StackProps {
  readonly appName: string;
  readonly github: GithubConfig;
  /** @default - the stack creates the provider */
  readonly existingProviderArn?: string;
  /** The role that uploads the source object and starts the pipeline. @default - none */
  readonly deploy?: { readonly pipeline: PipelineNames };
  /** The role that deploys previews through the CDK bootstrap roles in `region`. @default - none */
  readonly preview?: { readonly region: string };
}

/** An account's GitHub OIDC provider and workflow roles, each trusting and allowing what its jobs need. */
export class GithubOidcStack extends Stack {
  public readonly provider: iam.IOidcProvider;
  public readonly deployRole?: iam.Role;
  public readonly previewRole?: iam.Role;

  constructor(scope: Construct, id: string, props: GithubOidcStackProps) {
    // Deployed by hand with the operator's own credentials, not through the bootstrap roles: in the
    // preview account those may not touch the OIDC provider or the GitHub roles (PreviewBootstrapStack).
    super(scope, id, { synthesizer: new CliCredentialsStackSynthesizer(), ...props });
    if (!props.deploy && !props.preview) {
      throw new Error(`GithubOidcStack ${id}: set deploy, preview or both; a stack with no role has no use`);
    }
    this.provider = props.existingProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'Provider', props.existingProviderArn)
      : this.createProvider();
    if (props.deploy)
      this.deployRole = this.addDeployRole(props.appName, props.github, props.deploy.pipeline);
    if (props.preview)
      this.previewRole = this.addPreviewRole(props.appName, props.github, props.preview.region);
    new CfnOutput(this, 'ProviderArn', { value: this.provider.oidcProviderArn });
  }

  /** Retained: other roles may trust it, and an account holds one. No thumbprints: IAM trusts its CAs. */
  private createProvider(): iam.OidcProviderNative {
    return new iam.OidcProviderNative(this, 'Provider', {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIds: [GITHUB_OIDC_AUDIENCE],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** A role the jobs of one GitHub environment assume, allowed `statements` alone, its ARN an output. */
  private addRole(
    role: 'deploy' | 'preview',
    props: { appName: string; subjects: string[]; description: string },
    statements: iam.PolicyStatement[],
  ): iam.Role {
    const id = role === 'deploy' ? 'DeployRole' : 'PreviewRole';
    const { role: created } = new GithubActionsRole(this, id, {
      maxSessionDuration: Duration.seconds(ROLE_MAX_SESSION_SECONDS[role]),
      provider: this.provider,
      issuerHost: GITHUB_OIDC_HOST,
      audience: GITHUB_OIDC_AUDIENCE,
      subjects: props.subjects,
      roleName: githubRoleName(props.appName, role),
      description: props.description,
    });
    for (const statement of statements) created.addToPrincipalPolicy(statement);
    new CfnOutput(this, `${id}Arn`, { value: created.roleArn });
    return created;
  }

  private subjects(github: GithubConfig, role: 'deploy' | 'preview'): string[] {
    return roleSubjects(github, role, String(this.node.tryGetContext(SUBJECT_MIGRATION_CONTEXT)) === 'true');
  }

  /** The source bucket is SSE-S3 encrypted, so no KMS permission is needed. */
  private addDeployRole(appName: string, github: GithubConfig, pipeline: PipelineNames): iam.Role {
    const description = `GitHub Actions deploy job (${github.owner}/${github.repository}): start ${pipeline.pipelineName}`;
    return this.addRole('deploy', { appName, subjects: this.subjects(github, 'deploy'), description }, [
      new iam.PolicyStatement({
        sid: 'UploadSource',
        actions: ['s3:PutObject'],
        resources: [`arn:${this.partition}:s3:::${pipeline.sourceBucketName}/${pipeline.sourceObjectKey}`],
      }),
      new iam.PolicyStatement({
        sid: 'StartAndReadPipeline',
        actions: [
          'codepipeline:StartPipelineExecution',
          'codepipeline:GetPipelineExecution',
          'codepipeline:GetPipelineState',
          'codepipeline:ListPipelineExecutions',
        ],
        resources: [this.formatArn({ service: 'codepipeline', resource: pipeline.pipelineName })],
      }),
    ]);
  }

  /** The bootstrap roles trust any principal of their account allowed to assume them. */
  private addPreviewRole(appName: string, github: GithubConfig, region: string): iam.Role {
    const qualifier = DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const description = `GitHub Actions previews (${github.owner}/${github.repository}): CDK bootstrap roles in ${region}`;
    return this.addRole('preview', { appName, subjects: this.subjects(github, 'preview'), description }, [
      new iam.PolicyStatement({
        sid: 'AssumeCdkBootstrapRoles',
        actions: ['sts:AssumeRole'],
        resources: BOOTSTRAP_ROLE_TYPES.map(
          (type) =>
            `arn:${this.partition}:iam::${this.account}:role/cdk-${qualifier}-${type}-${this.account}-${region}`,
        ),
      }),
    ]);
  }
}

/** One stack in the pipeline account, and a second for the preview role if previews deploy elsewhere. */
export function githubOidcStacks(config: AppConfig): { id: string; props: GithubOidcStackProps }[] {
  const { appName, github, pipeline } = config;
  const existingProviderArn = (account: string): string | undefined =>
    github.oidcProviderArns.find((arn) => arn.split(':')[4] === account);
  const preview = { region: config.preview.region };
  const previewIn = previewAccount(config);
  const plan = (id: string, account: string, region: string, roles: Partial<GithubOidcStackProps>) => ({
    id,
    props: {
      env: { account, region },
      stackName: `${appName}-${id}`,
      description: `Batch job platform (${appName}): GitHub Actions OIDC provider and workflow roles`,
      appName,
      github,
      existingProviderArn: existingProviderArn(account),
      ...roles,
    },
  });
  const deploy = { pipeline: pipelineNames(appName, pipeline.account, pipeline.region) };
  if (previewIn === pipeline.account) {
    return [plan('GithubOidc', pipeline.account, pipeline.region, { deploy, preview })];
  }
  return [
    plan('GithubOidc', pipeline.account, pipeline.region, { deploy }),
    plan('GithubOidcPreview', previewIn, config.preview.region, { preview }),
  ];
}
