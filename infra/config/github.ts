import { pipelineNames, type GivenName } from './names';
import type { AppConfig, ConfigProblem } from './schema';

/** What GitHub Actions and AWS know each other by, derived from the configuration alone. */

export type GithubConfig = AppConfig['github'];

export function githubProblems(github: GithubConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if ((github.ownerId === undefined) !== (github.repositoryId === undefined))
    problems.push({ path: [], message: 'set both ownerId and repositoryId, or neither' });
  if (github.deployEnvironment === github.previewEnvironment) {
    problems.push({
      path: ['deployEnvironment'],
      message: `'${github.previewEnvironment}' is the preview environment: the deploy job needs its own`,
    });
  }
  const accounts = github.oidcProviderArns.map((arn) => arn.split(':')[4] ?? '');
  accounts.forEach((account, index) => {
    if (accounts.indexOf(account) < index) {
      problems.push({
        path: ['oidcProviderArns', index],
        message: `account ${account} is listed twice: an account holds one GitHub OIDC provider`,
      });
    }
  });
  return problems;
}

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** What aws-actions/configure-aws-credentials requests by default. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/** What a job's `sub` claim names, in GitHub's precedence: environment, pull request, else ref. */
export type GithubSubjectContext =
  { readonly environment: string } | { readonly pullRequest: true } | { readonly ref: string };

/**
 * The claims of the repository's OIDC subject, in order, as the setup sets them
 * (`PUT /repos/{owner}/{repo}/actions/oidc/customization/sub`, docs/github-setup.md).
 */
export const GITHUB_SUBJECT_CLAIMS = ['repo', 'context', 'job_workflow_ref'] as const;

/** The workflow file a job runs from, and the ref it runs at (`*` for any). */
export interface GithubWorkflowRef {
  readonly file: string;
  readonly ref: string;
}

/**
 * The `sub` claim a job presents: with `ownerId` and `repositoryId`, the immutable form of repositories
 * created or renamed since 15 July 2026. GitHub writes `:` inside a value as `%3A`. With `workflow`,
 * the customized form GITHUB_SUBJECT_CLAIMS names, ending in `job_workflow_ref:OWNER/REPO/.github/workflows/FILE@REF`.
 */
export function githubSubject(
  github: GithubConfig,
  context: GithubSubjectContext,
  workflow?: GithubWorkflowRef,
): string {
  const repo =
    github.ownerId !== undefined && github.repositoryId !== undefined
      ? `${github.owner}@${github.ownerId}/${github.repository}@${github.repositoryId}`
      : `${github.owner}/${github.repository}`;
  const escape = (value: string): string => value.replaceAll(':', '%3A');
  const base =
    'environment' in context
      ? `repo:${repo}:environment:${escape(context.environment)}`
      : 'pullRequest' in context
        ? `repo:${repo}:pull_request`
        : `repo:${repo}:ref:${escape(context.ref)}`;
  if (!workflow) return base;
  const path = `${github.owner}/${github.repository}/.github/workflows/${workflow.file}@${workflow.ref}`;
  return `${base}:job_workflow_ref:${escape(path)}`;
}

/** The workflows whose jobs assume each role. */
export const ROLE_WORKFLOWS = {
  deploy: ['ci.yml'],
  preview: ['integ.yml', 'preview.yml', 'sweep.yml'],
} as const;

/**
 * The subjects each role trusts: its environment, and a job of its workflows (the deploy role's at the
 * deploy branch alone). `migrating` adds the environment-only subject GitHub presents until the
 * repository's subject is customized, for the switch without a window (docs/github-setup.md).
 */
export function roleSubjects(github: GithubConfig, role: 'deploy' | 'preview', migrating = false): string[] {
  const environment = role === 'deploy' ? github.deployEnvironment : github.previewEnvironment;
  const ref = role === 'deploy' ? `refs/heads/${github.branch}` : '*';
  return [
    ...ROLE_WORKFLOWS[role].map((file) => githubSubject(github, { environment }, { file, ref })),
    ...(migrating ? [githubSubject(github, { environment })] : []),
  ];
}

/** The roles' names: fixed, so that their ARNs can be set as repository variables before a deploy. */
export function githubRoleName(appName: string, role: 'deploy' | 'preview'): string {
  return `${appName}-github-${role}`;
}

export function githubRoleNamePattern(appName: string): string {
  return `${appName}-github-*`;
}

/** The roles and stacks the GitHub OIDC stacks name (`githubOidcStacks`), for the limit checks. */
export function githubGivenNames(appName: string): GivenName[] {
  return [
    ...(['deploy', 'preview'] as const).map(
      (role) => ({ name: githubRoleName(appName, role), resource: 'iamRole' }) as const,
    ),
    ...['GithubOidc', 'GithubOidcPreview'].map(
      (id) => ({ name: `${appName}-${id}`, resource: 'cloudFormationStack' }) as const,
    ),
  ];
}

export function githubRoleArn(appName: string, role: 'deploy' | 'preview', account: string): string {
  return `arn:aws:iam::${account}:role/${githubRoleName(appName, role)}`;
}

/** The account the preview role lives in: the preview account, or the pipeline's when none is set. */
export function previewAccount(config: AppConfig): string {
  return config.preview.account ?? config.pipeline.account;
}

/** Whether previews have an account no stage shares; only then do the preview bootstrap and boundary hold. */
export function previewAccountIsOwn(config: AppConfig): boolean {
  const account = config.preview.account;
  return (
    account !== undefined &&
    account !== config.pipeline.account &&
    config.stages.every((stage) => stage.account !== account)
  );
}

/** The repository variables the workflows read as `vars.NAME`. */
/**
 * The label a maintainer gives a bot's pull request (Dependabot's, whose branches live in the
 * repository) before it may have a preview or integration tests: until then, code no one has read.
 */
export const BOT_APPROVED_LABEL = 'bot-approved';

export const GITHUB_VARIABLES = {
  DEPLOY_ROLE_ARN: 'the role the deploy job of ci.yml assumes',
  PIPELINE_REGION: "the pipeline's region",
  PIPELINE_NAME: 'the pipeline the deploy job starts',
  PIPELINE_SOURCE_BUCKET:
    "the pipeline's source bucket, where the deploy job uploads each tested cloud assembly",
  PREVIEW_ROLE_ARN: 'the role the preview, integration-test and sweep workflows assume',
  PREVIEW_REGION: 'the region previews and integration tests deploy to',
} as const;

export type GithubVariable = keyof typeof GITHUB_VARIABLES;

export function githubVariables(config: AppConfig): Partial<Record<GithubVariable, string>> {
  const { appName, pipeline, preview } = config;
  const names = pipelineNames(appName, pipeline.account, pipeline.region);
  return {
    DEPLOY_ROLE_ARN: githubRoleArn(appName, 'deploy', pipeline.account),
    PIPELINE_REGION: pipeline.region,
    PIPELINE_NAME: names.pipelineName,
    PIPELINE_SOURCE_BUCKET: names.sourceBucketName,
    PREVIEW_ROLE_ARN: githubRoleArn(appName, 'preview', previewAccount(config)),
    PREVIEW_REGION: preview.region,
  };
}
