import { pipelineNames, type GivenName } from './names';
import type { AppConfig, ConfigProblem } from './schema';

/**
 * What GitHub Actions and AWS know each other by: the OIDC issuer and audience, the subject (`sub`)
 * a job presents, the roles the workflows assume and the repository variables that name them.
 * Pure functions of the configuration, so that the stacks and the tests derive the same values.
 */

export type GithubConfig = AppConfig['github'];

/** What is wrong with the GitHub settings together (paths below `github`). */
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

/** The issuer host of GitHub Actions' OIDC tokens, and the IAM condition-key prefix. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** The audience aws-actions/configure-aws-credentials requests by default. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/**
 * What a job's `sub` claim names, in GitHub's order of precedence: the job's environment if it has
 * one, else `pull_request` for pull-request events, else the git ref the workflow runs on.
 */
export type GithubSubjectContext =
  { readonly environment: string } | { readonly pullRequest: true } | { readonly ref: string };

/**
 * The `sub` claim a job presents. Repositories created or renamed since 15 July 2026 (or opted in)
 * present the immutable form `repo:OWNER@OWNER_ID/REPO@REPO_ID:...`; with `ownerId` and `repositoryId`
 * configured this returns that form, else `repo:OWNER/REPO:...`. GitHub writes `:` inside a value
 * as `%3A`.
 */
export function githubSubject(github: GithubConfig, context: GithubSubjectContext): string {
  const repo =
    github.ownerId !== undefined && github.repositoryId !== undefined
      ? `${github.owner}@${github.ownerId}/${github.repository}@${github.repositoryId}`
      : `${github.owner}/${github.repository}`;
  const escape = (value: string): string => value.replaceAll(':', '%3A');
  if ('environment' in context) return `repo:${repo}:environment:${escape(context.environment)}`;
  if ('pullRequest' in context) return `repo:${repo}:pull_request`;
  return `repo:${repo}:ref:${escape(context.ref)}`;
}

/**
 * The subjects the deploy role trusts: the deploy environment alone, whose deployment-branch rule
 * keeps it to the deploy branch. A job on that branch without the environment is refused.
 */
export function deployRoleSubjects(github: GithubConfig): string[] {
  return [githubSubject(github, { environment: github.deployEnvironment })];
}

/**
 * The subjects the preview role trusts: the preview environment, which every job that assumes the role
 * runs in. Pull requests, manual branch previews, nightly integration tests and the sweep all present
 * it, and none of them presents the deploy branch, which the deploy role alone trusts.
 */
export function previewRoleSubjects(github: GithubConfig): string[] {
  return [githubSubject(github, { environment: github.previewEnvironment })];
}

/** The roles' names: fixed, so that their ARNs can be set as repository variables before a deploy. */
export function githubRoleName(appName: string, role: 'deploy' | 'preview'): string {
  return `${appName}-github-${role}`;
}

/** Every GitHub role of the app, as an IAM resource-name pattern. */
export function githubRoleNamePattern(appName: string): string {
  return `${appName}-github-*`;
}

/**
 * The names the GitHub OIDC stacks give: the roles, and the stacks themselves, named
 * `<app>-GithubOidc` and `<app>-GithubOidcPreview` (`githubOidcStacks`), so that the configuration
 * can check them against the services' limits.
 */
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

/**
 * Whether previews have an account of their own, which no pipeline stage shares. Only then is the
 * preview account bootstrapped with the scoped policies of `PreviewBootstrapStack`, and do preview
 * stacks give their roles its permissions boundary.
 */
export function previewAccountIsOwn(config: AppConfig): boolean {
  const account = config.preview.account;
  return (
    account !== undefined &&
    account !== config.pipeline.account &&
    config.stages.every((stage) => stage.account !== account)
  );
}

/** The repository variables the workflows read as `vars.NAME`. */
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

/** The repository variables' values for a configuration. */
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
