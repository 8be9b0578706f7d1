import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseConfig, type AppConfig } from '../../../infra/config/load';
import type { AppConfigInput } from '../../../infra/config/schema';
import { appConfig } from '../../../infra/config/stages';
import {
  GithubOidcStack,
  githubOidcStacks,
  type GithubOidcStackPlan,
} from '../../../infra/stacks/github-oidc-stack';
import { testApp } from '../../support/cdk';

const HOST = 'token.actions.githubusercontent.com';
const REPO = 'repo:example-org/batch-job-platform';
const PROVIDER_ARN = `arn:aws:iam::111111111111:oidc-provider/${HOST}`;

/** The example configuration with previews in the pipeline's account, unless overridden. */
function config(overrides: Partial<AppConfigInput> = {}): AppConfig {
  const preview = { ...appConfig.preview, account: appConfig.pipeline.account };
  return parseConfig({ ...appConfig, preview, ...overrides });
}

function synth(plans: GithubOidcStackPlan[]): Record<string, GithubOidcStack> {
  const app = testApp();
  return Object.fromEntries(plans.map(({ id, props }) => [id, new GithubOidcStack(app, id, props)]));
}

function template(cfg: AppConfig = config(), id = 'GithubOidc'): Template {
  const stack = synth(githubOidcStacks(cfg))[id];
  if (!stack) throw new Error(`no stack ${id}`);
  return Template.fromStack(stack);
}

type Resources<P> = Record<string, { Properties: P }>;

function roleNamed(
  t: Template,
  roleName: string,
): { logicalId: string; properties: Record<string, unknown> } {
  const roles = t.findResources('AWS::IAM::Role', { Properties: { RoleName: roleName } }) as Resources<
    Record<string, unknown>
  >;
  const [entry] = Object.entries(roles);
  if (!entry) throw new Error(`no role ${roleName}`);
  return { logicalId: entry[0], properties: entry[1].Properties };
}

function policyStatementsOf(t: Template, roleLogicalId: string): unknown[] {
  const policies = t.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleLogicalId }] },
  }) as Resources<{ PolicyDocument: { Statement: unknown[] } }>;
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('githubOidcStacks', () => {
  test('holds both roles in one stack when previews deploy to the pipeline account', () => {
    // GIVEN the example configuration (one account for the pipeline and the previews)
    const plans = githubOidcStacks(config());
    // THEN
    expect(plans.map((p) => p.id)).toEqual(['GithubOidc']);
    expect(plans[0]?.props).toMatchObject({
      env: { account: '111111111111', region: 'ap-northeast-1' },
      stackName: 'jobs-GithubOidc',
      deploy: { pipeline: { pipelineName: 'jobs-pipeline' } },
      preview: { region: 'ap-northeast-1' },
    });
  });

  test('puts the preview role in a second stack in the preview account, importing its provider', () => {
    // GIVEN previews in their own account, whose GitHub provider exists already
    const previewProvider = `arn:aws:iam::333333333333:oidc-provider/${HOST}`;
    const plans = githubOidcStacks(
      config({
        preview: { ...appConfig.preview, account: '333333333333', region: 'us-east-1' },
        github: { ...appConfig.github, oidcProviderArns: [previewProvider] },
      }),
    );
    // THEN
    expect(
      plans.map((p) => [p.id, p.props.env, p.props.existingProviderArn, !!p.props.deploy, !!p.props.preview]),
    ).toEqual([
      ['GithubOidc', { account: '111111111111', region: 'ap-northeast-1' }, undefined, true, false],
      ['GithubOidcPreview', { account: '333333333333', region: 'us-east-1' }, previewProvider, false, true],
    ]);
  });
});

describe('GithubOidcStack', () => {
  test('creates the GitHub OIDC provider natively, for the STS audience, and keeps it on deletion', () => {
    const t = template();
    t.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    t.resourceCountIs('AWS::CloudFormation::CustomResource', 0);
    t.hasResource('AWS::IAM::OIDCProvider', {
      Properties: { Url: `https://${HOST}`, ClientIdList: ['sts.amazonaws.com'] },
      DeletionPolicy: 'Retain',
    });
  });

  test('imports the provider when the account has one already', () => {
    // GIVEN
    const t = template(config({ github: { ...appConfig.github, oidcProviderArns: [PROVIDER_ARN] } }));
    // THEN no provider is created and the roles trust the existing one
    t.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    const { properties } = roleNamed(t, 'jobs-github-deploy');
    expect(properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Principal: { Federated: PROVIDER_ARN } }],
    });
  });

  test('the deploy role trusts only the deploy environment, with the audience, for one hour', () => {
    const t = template();
    const [providerId] = Object.keys(t.findResources('AWS::IAM::OIDCProvider'));
    const { properties } = roleNamed(t, 'jobs-github-deploy');
    expect(properties.MaxSessionDuration).toBe(3600);
    expect(properties.ManagedPolicyArns).toBeUndefined();
    expect(properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: { Ref: providerId } },
          Condition: {
            StringEquals: {
              [`${HOST}:aud`]: 'sts.amazonaws.com',
              [`${HOST}:sub`]: `${REPO}:environment:deploy`,
            },
          },
        },
      ],
    });
  });

  test('the deploy role may upload the source object and start and read the pipeline, nothing else', () => {
    const t = template();
    const { logicalId } = roleNamed(t, 'jobs-github-deploy');
    expect(policyStatementsOf(t, logicalId)).toEqual([
      {
        Sid: 'UploadSource',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::jobs-pipeline-source-111111111111-ap-northeast-1/cloud-assembly.zip',
      },
      {
        Sid: 'StartAndReadPipeline',
        Effect: 'Allow',
        Action: [
          'codepipeline:GetPipelineExecution',
          'codepipeline:GetPipelineState',
          'codepipeline:ListPipelineExecutions',
          'codepipeline:StartPipelineExecution',
        ],
        Resource: 'arn:aws:codepipeline:ap-northeast-1:111111111111:jobs-pipeline',
      },
    ]);
  });

  test('the preview role trusts only the preview environment, with the audience, for two hours', () => {
    const { properties } = roleNamed(template(), 'jobs-github-preview');
    // Longer than the longest job that assumes it (the integration tests), whose CLI chains from it.
    expect(properties.MaxSessionDuration).toBe(7200);
    expect(properties.ManagedPolicyArns).toBeUndefined();
    expect(properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              [`${HOST}:aud`]: 'sts.amazonaws.com',
              [`${HOST}:sub`]: `${REPO}:environment:preview`,
            },
          },
        },
      ],
    });
  });

  test("the preview role may only assume the preview account's CDK bootstrap roles, not the execution role", () => {
    const t = template();
    const { logicalId } = roleNamed(t, 'jobs-github-preview');
    const suffix = '111111111111-ap-northeast-1';
    expect(policyStatementsOf(t, logicalId)).toEqual([
      {
        Sid: 'AssumeCdkBootstrapRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: [
          `arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-${suffix}`,
          `arn:aws:iam::111111111111:role/cdk-hnb659fds-file-publishing-role-${suffix}`,
          `arn:aws:iam::111111111111:role/cdk-hnb659fds-image-publishing-role-${suffix}`,
          `arn:aws:iam::111111111111:role/cdk-hnb659fds-lookup-role-${suffix}`,
        ],
      },
    ]);
  });

  test('trusts the immutable subjects of a repository with configured ids', () => {
    const t = template(config({ github: { ...appConfig.github, ownerId: 123, repositoryId: 456 } }));
    const { properties } = roleNamed(t, 'jobs-github-deploy');
    expect(properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Condition: {
            StringEquals: {
              [`${HOST}:sub`]: 'repo:example-org@123/batch-job-platform@456:environment:deploy',
            },
          },
        },
      ],
    });
  });

  test('outputs the role and provider ARNs for the repository variables', () => {
    const outputs = template().findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(['DeployRoleArn', 'PreviewRoleArn', 'ProviderArn']);
  });

  test('passes the AwsSolutions checks with nothing acknowledged', () => {
    // GIVEN both stack shapes: one account, and previews in an account of their own
    const stacks = [
      ...Object.values(synth(githubOidcStacks(config()))),
      ...Object.values(
        synth(githubOidcStacks(config({ preview: { ...appConfig.preview, account: '333333333333' } }))),
      ),
    ];
    for (const stack of stacks) {
      // WHEN
      const report = new AwsSolutionsChecks().validateScope(stack);
      // THEN
      expect(report.violations).toEqual([]);
      const acknowledged = stack.node
        .findAll()
        .filter((c) => c.node.metadata.some((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY));
      expect(acknowledged).toEqual([]);
    }
  });

  test('fails with neither role', () => {
    const [plan] = githubOidcStacks(config());
    expect(() =>
      synth([{ id: 'Empty', props: { ...plan!.props, deploy: undefined, preview: undefined } }]),
    ).toThrow(/GithubOidcStack Empty: set deploy, preview or both/);
  });
});
