import {
  deployRoleSubjects,
  githubRoleArn,
  githubSubject,
  githubVariables,
  previewRoleSubjects,
  type GithubConfig,
} from '../../../infra/config/github';
import { parseConfig } from '../../../infra/config/load';
import type { AppConfigInput } from '../../../infra/config/schema';
import { appConfig } from '../../../infra/config/stages';
import { problemsOf } from '../../support/cdk';

function github(overrides: Partial<GithubConfig> = {}): GithubConfig {
  return {
    owner: 'octo-org',
    repository: 'octo-repo',
    branch: 'main',
    oidcProviderArns: [],
    deployEnvironment: 'deploy',
    previewEnvironment: 'preview',
    ...overrides,
  };
}

function configWith(githubOverrides: Partial<AppConfigInput['github']>, rest: Partial<AppConfigInput> = {}) {
  return { ...appConfig, ...rest, github: { ...appConfig.github, ...githubOverrides } };
}

describe('githubSubject', () => {
  test.each([
    [{ ref: 'refs/heads/main' }, 'repo:octo-org/octo-repo:ref:refs/heads/main'],
    [{ pullRequest: true } as const, 'repo:octo-org/octo-repo:pull_request'],
    [{ environment: 'Production' }, 'repo:octo-org/octo-repo:environment:Production'],
  ])('names the repository by name when no ids are configured: %j', (context, expected) => {
    expect(githubSubject(github(), context)).toBe(expected);
  });

  test('uses the immutable form when the owner and repository ids are configured', () => {
    // GIVEN a repository created after 15 July 2026
    const config = github({ ownerId: 123456, repositoryId: 456789 });
    // THEN its subjects carry both ids
    expect(githubSubject(config, { ref: 'refs/heads/main' })).toBe(
      'repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main',
    );
    expect(githubSubject(config, { environment: 'preview' })).toBe(
      'repo:octo-org@123456/octo-repo@456789:environment:preview',
    );
  });

  test('writes a colon inside a value as %3A, as GitHub does', () => {
    expect(githubSubject(github(), { environment: 'Production:V1' })).toBe(
      'repo:octo-org/octo-repo:environment:Production%3AV1',
    );
  });
});

describe('role subjects', () => {
  test('the deploy role trusts the deploy environment alone, not the branch', () => {
    expect(deployRoleSubjects(github({ deployEnvironment: 'pipeline' }))).toEqual([
      'repo:octo-org/octo-repo:environment:pipeline',
    ]);
  });

  test('the preview role trusts the preview environment alone', () => {
    expect(previewRoleSubjects(github({ previewEnvironment: 'previews' }))).toEqual([
      'repo:octo-org/octo-repo:environment:previews',
    ]);
  });
});

describe('githubVariables', () => {
  test('names the roles, the pipeline and its bucket from the configuration', () => {
    // GIVEN previews in another account than the pipeline
    const config = parseConfig(
      configWith({}, { preview: { ...appConfig.preview, account: '333333333333' } }),
    );
    // THEN
    expect(githubVariables(config)).toEqual({
      DEPLOY_ROLE_ARN: 'arn:aws:iam::111111111111:role/jobs-github-deploy',
      PIPELINE_REGION: 'ap-northeast-1',
      PIPELINE_NAME: 'jobs-pipeline',
      PIPELINE_SOURCE_BUCKET: 'jobs-pipeline-source-111111111111-ap-northeast-1',
      PREVIEW_ROLE_ARN: 'arn:aws:iam::333333333333:role/jobs-github-preview',
      PREVIEW_REGION: 'ap-northeast-1',
    });
  });

  test('puts the preview role in the pipeline account when no preview account is configured', () => {
    const preview = { ...appConfig.preview, account: undefined };
    const config = parseConfig({
      ...appConfig,
      pipeline: { ...appConfig.pipeline, account: '444444444444' },
      preview,
    });
    expect(githubVariables(config).PREVIEW_ROLE_ARN).toBe(githubRoleArn('jobs', 'preview', '444444444444'));
  });

  test('fails on pipeline.connectionArn, which the pipeline no longer reads, naming why', () => {
    // GIVEN a configuration from before the pipeline took the tested cloud assembly
    const input = {
      ...appConfig,
      pipeline: {
        ...appConfig.pipeline,
        connectionArn:
          'arn:aws:codeconnections:ap-northeast-1:111111111111:connection/0123abcd-0123-4567-89ab-0123456789ab',
      },
    };
    // THEN it is refused with the reason and the fix
    expect(problemsOf(input)).toEqual([
      expect.stringMatching(
        /^pipeline\.connectionArn: is no longer supported: .*cloud assembly.*remove the setting$/,
      ),
    ]);
  });
});

describe('github configuration', () => {
  test('defaults to no existing provider, a deploy environment and a preview environment', () => {
    const config = parseConfig(appConfig);
    expect(config.github.oidcProviderArns).toEqual([]);
    expect(config.github.deployEnvironment).toBe('deploy');
    expect(config.github.previewEnvironment).toBe('preview');
  });

  test('fails on an ARN that is not a GitHub OIDC provider', () => {
    const problems = problemsOf(
      configWith({ oidcProviderArns: ['arn:aws:iam::111111111111:oidc-provider/accounts.google.com'] }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^github\.oidcProviderArns\[0\]: must be the ARN of a GitHub OIDC provider/),
    ]);
  });

  test('fails on two providers in one account', () => {
    const arn = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';
    expect(problemsOf(configWith({ oidcProviderArns: [arn, arn] }))).toEqual([
      'github.oidcProviderArns[1]: account 111111111111 is listed twice: an account holds one GitHub OIDC provider',
    ]);
  });

  test('fails when the deploy job would share the preview environment', () => {
    expect(problemsOf(configWith({ deployEnvironment: 'preview' }))).toEqual([
      "github.deployEnvironment: 'preview' is the preview environment: the deploy job needs its own",
    ]);
  });

  test('fails on an environment name the subject claim would not carry verbatim', () => {
    expect(problemsOf(configWith({ previewEnvironment: 'pre view:1' }))).toEqual([
      "github.previewEnvironment: use letters, digits, '.', '_' and '-', e.g. preview",
    ]);
  });
});
