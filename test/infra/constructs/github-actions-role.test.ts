import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  GithubActionsRole,
  type GithubActionsRoleProps,
} from '../../../infra/constructs/github-actions-role';
import { testApp } from '../../support/cdk';

const HOST = 'token.actions.githubusercontent.com';
const MAIN = 'repo:octo-org/octo-repo:ref:refs/heads/main';
const PROVIDER_ARN = `arn:aws:iam::111111111111:oidc-provider/${HOST}`;

function synth(overrides: Partial<GithubActionsRoleProps> = {}): Template {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'ap-northeast-1' } });
  new GithubActionsRole(stack, 'Role', {
    provider: iam.OidcProviderNative.fromOidcProviderArn(stack, 'Provider', PROVIDER_ARN),
    issuerHost: HOST,
    audience: 'sts.amazonaws.com',
    subjects: [MAIN],
    description: 'test',
    ...overrides,
  });
  return Template.fromStack(stack);
}

describe('GithubActionsRole', () => {
  const PR = 'repo:octo-org/octo-repo:pull_request';
  const RELEASES = 'repo:octo-org/octo-repo:ref:refs/heads/release/*';

  // The whole trust statement: test/infra/stacks/github-oidc-stack.test.ts.
  test('trusts for one hour by default', () => {
    synth().hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 3600 });
  });

  // Patterns only when one needs a wildcard, and never ForAllValues.
  test.each([
    [
      'one subject exactly',
      [MAIN],
      { StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com', [`${HOST}:sub`]: MAIN } },
    ],
    [
      'several subjects as alternatives of one condition',
      [MAIN, PR],
      { StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com', [`${HOST}:sub`]: [MAIN, PR] } },
    ],
    [
      'a subject with a wildcard as a pattern',
      [RELEASES],
      { StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${HOST}:sub`]: RELEASES } },
    ],
  ])('matches the audience exactly, and %s', (_case, subjects, condition) => {
    const [role] = Object.values(synth({ subjects }).findResources('AWS::IAM::Role'));
    expect(role?.Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual(condition);
  });

  test.each<[string, Partial<GithubActionsRoleProps>, RegExp]>([
    ['no subject', { subjects: [] }, /subjects: list at least one subject/],
    [
      'a subject that is not a GitHub subject',
      { subjects: ['octo-org/octo-repo'] },
      /'octo-org\/octo-repo' is not a GitHub subject/,
    ],
    [
      'a wildcard in the repository, which would trust other repositories',
      { subjects: ['repo:octo-org/*:ref:refs/heads/main'] },
      /has a wildcard in the repository/,
    ],
    [
      'a session longer than 12 hours, reporting every problem at once',
      { subjects: [], maxSessionDuration: Duration.hours(13) },
      /subjects: list at least one subject.*maxSessionDuration: must be between 1 and 12 hours, got 46800 seconds/,
    ],
  ])('fails on %s', (_case, overrides, message) => {
    expect(() => synth(overrides)).toThrow(message);
  });
});
