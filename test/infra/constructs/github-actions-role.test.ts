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

function synth(overrides: Partial<GithubActionsRoleProps> = {}): Template {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'ap-northeast-1' } });
  new GithubActionsRole(stack, 'Role', props(stack, overrides));
  return Template.fromStack(stack);
}

function props(stack: Stack, overrides: Partial<GithubActionsRoleProps>): GithubActionsRoleProps {
  return {
    provider: iam.OidcProviderNative.fromOidcProviderArn(
      stack,
      'Provider',
      `arn:aws:iam::111111111111:oidc-provider/${HOST}`,
    ),
    issuerHost: HOST,
    audience: 'sts.amazonaws.com',
    subjects: [MAIN],
    description: 'test',
    ...overrides,
  };
}

interface TrustStatement {
  readonly Condition: Record<string, Record<string, unknown>>;
}

function trustStatement(template: Template): TrustStatement | undefined {
  const roles = template.findResources('AWS::IAM::Role') as Record<
    string,
    { Properties: { AssumeRolePolicyDocument: { Statement: TrustStatement[] } } }
  >;
  return Object.values(roles)[0]?.Properties.AssumeRolePolicyDocument.Statement[0];
}

describe('GithubActionsRole', () => {
  test('trusts the provider with web identity, the audience and the subject matched exactly', () => {
    // GIVEN / WHEN
    const template = synth();
    // THEN
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${HOST}` },
            Condition: {
              StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com', [`${HOST}:sub`]: MAIN },
            },
          },
        ],
      },
    });
  });

  test('matches several subjects as alternatives of one condition', () => {
    const pr = 'repo:octo-org/octo-repo:pull_request';
    const statement = trustStatement(synth({ subjects: [MAIN, pr] }));
    expect(statement?.Condition).toEqual({
      StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com', [`${HOST}:sub`]: [MAIN, pr] },
    });
  });

  test('matches subjects as patterns only when one needs a wildcard, and never uses ForAllValues', () => {
    const branches = 'repo:octo-org/octo-repo:ref:refs/heads/release/*';
    const statement = trustStatement(synth({ subjects: [branches] }));
    expect(statement?.Condition).toEqual({
      StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com' },
      StringLike: { [`${HOST}:sub`]: branches },
    });
  });

  test('bounds sessions to one hour by default', () => {
    synth().hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 3600 });
  });

  test('fails with no subject', () => {
    expect(() => synth({ subjects: [] })).toThrow(/subjects: list at least one subject/);
  });

  test('fails on a subject that is not a GitHub subject', () => {
    expect(() => synth({ subjects: ['octo-org/octo-repo'] })).toThrow(
      /'octo-org\/octo-repo' is not a GitHub subject/,
    );
  });

  test('fails on a wildcard in the repository, which would trust other repositories', () => {
    expect(() => synth({ subjects: ['repo:octo-org/*:ref:refs/heads/main'] })).toThrow(
      /has a wildcard in the repository/,
    );
  });

  test('fails on a session longer than 12 hours, reporting every problem at once', () => {
    expect(() => synth({ subjects: [], maxSessionDuration: Duration.hours(13) })).toThrow(
      /subjects: list at least one subject.*maxSessionDuration: must be between 1 and 12 hours, got 46800 seconds/,
    );
  });
});
