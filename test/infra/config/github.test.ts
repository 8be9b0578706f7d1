import {
  githubRoleArn,
  githubSubject,
  githubVariables,
  roleSubjects,
  type GithubConfig,
  type GithubSubjectContext,
} from '../../../infra/config/github';
import { parseConfig } from '../../../infra/config/load';
import { exampleWith } from '../../support/cdk';

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

const IDS = { ownerId: 123456, repositoryId: 456789 };

describe('githubSubject', () => {
  test.each<[string, Partial<GithubConfig>, GithubSubjectContext, string]>([
    ['a ref', {}, { ref: 'refs/heads/main' }, 'repo:octo-org/octo-repo:ref:refs/heads/main'],
    ['a pull request', {}, { pullRequest: true }, 'repo:octo-org/octo-repo:pull_request'],
    ['an environment', {}, { environment: 'Production' }, 'repo:octo-org/octo-repo:environment:Production'],
    // Repositories created after 15 July 2026 present the immutable form, with both ids.
    [
      'a ref, with ids',
      IDS,
      { ref: 'refs/heads/main' },
      'repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main',
    ],
    [
      'an environment, with ids',
      IDS,
      { environment: 'preview' },
      'repo:octo-org@123456/octo-repo@456789:environment:preview',
    ],
    // GitHub writes a colon inside a value as %3A.
    ['a colon', {}, { environment: 'Production:V1' }, 'repo:octo-org/octo-repo:environment:Production%3AV1'],
  ])('names %s', (_case, overrides, context, expected) => {
    expect(githubSubject(github(overrides), context)).toBe(expected);
  });
});

test("names the customized subject as GitHub's documentation shows it", () => {
  // docs.github.com, "Customizing the subject claims": repo, context, job_workflow_ref.
  expect(
    githubSubject(github({}), { environment: 'prod' }, { file: 'oidc.yml', ref: 'refs/heads/main' }),
  ).toBe(
    'repo:octo-org/octo-repo:environment:prod:job_workflow_ref:octo-org/octo-repo/.github/workflows/oidc.yml@refs/heads/main',
  );
});

test('each role trusts its environment and its workflows, the deploy role on the deploy branch alone', () => {
  const config = github({ deployEnvironment: 'pipeline', previewEnvironment: 'previews', branch: 'trunk' });
  const at = (file: string, ref: string) => `octo-org/octo-repo/.github/workflows/${file}@${ref}`;
  expect(roleSubjects(config, 'deploy')).toEqual([
    `repo:octo-org/octo-repo:environment:pipeline:job_workflow_ref:${at('ci.yml', 'refs/heads/trunk')}`,
  ]);
  expect(roleSubjects(config, 'preview')).toEqual(
    ['integ.yml', 'preview.yml', 'sweep.yml'].map(
      (file) => `repo:octo-org/octo-repo:environment:previews:job_workflow_ref:${at(file, '*')}`,
    ),
  );
});

test('while migrating, each role trusts the environment-only subject as well', () => {
  expect(roleSubjects(github({}), 'deploy', true)).toContain('repo:octo-org/octo-repo:environment:deploy');
  expect(roleSubjects(github({}), 'deploy')).not.toContain('repo:octo-org/octo-repo:environment:deploy');
});

describe('githubVariables', () => {
  test('names the roles, the pipeline and its bucket from the configuration', () => {
    const config = parseConfig(exampleWith('preview', { account: '333333333333' }));
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
    const config = parseConfig({
      ...exampleWith('pipeline', { account: '444444444444' }),
      preview: exampleWith('preview', { account: undefined }).preview,
    });
    expect(githubVariables(config).PREVIEW_ROLE_ARN).toBe(githubRoleArn('jobs', 'preview', '444444444444'));
  });
});
