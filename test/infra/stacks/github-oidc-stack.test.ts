import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseConfig, type AppConfig } from '../../../infra/config/load';
import type { AppConfigInput } from '../../../infra/config/schema';
import { appConfig } from '../../../infra/config/stages';
import {
  GithubOidcStack,
  SUBJECT_MIGRATION_CONTEXT,
  githubOidcStacks,
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

function stacks(cfg: AppConfig): Record<string, GithubOidcStack> {
  const app = testApp();
  return Object.fromEntries(
    githubOidcStacks(cfg).map(({ id, props }) => [id, new GithubOidcStack(app, id, props)]),
  );
}

function template(cfg: AppConfig): Template {
  return Template.fromStack(stacks(cfg).GithubOidc!);
}

describe('githubOidcStacks', () => {
  test('holds both roles in one stack when previews deploy to the pipeline account', () => {
    const plans = githubOidcStacks(config());
    expect(plans.map((p) => p.id)).toEqual(['GithubOidc']);
    expect(plans[0]?.props).toMatchObject({
      env: { account: '111111111111', region: 'ap-northeast-1' },
      stackName: 'jobs-GithubOidc',
      deploy: { pipeline: { pipelineName: 'jobs-pipeline' } },
      preview: { region: 'ap-northeast-1' },
    });
  });

  test('puts the preview role in a second stack in the preview account, importing its provider', () => {
    const previewProvider = `arn:aws:iam::333333333333:oidc-provider/${HOST}`;
    const plans = githubOidcStacks(
      config({
        preview: {
          ...appConfig.preview,
          account: '333333333333',
          region: 'us-east-1',
          vpc: { shared: { availabilityZones: ['us-east-1a', 'us-east-1b'] } },
        },
        github: { ...appConfig.github, oidcProviderArns: [previewProvider] },
      }),
    );
    expect(
      plans.map((p) => [p.id, p.props.env, p.props.existingProviderArn, !!p.props.deploy, !!p.props.preview]),
    ).toEqual([
      ['GithubOidc', { account: '111111111111', region: 'ap-northeast-1' }, undefined, true, false],
      ['GithubOidcPreview', { account: '333333333333', region: 'us-east-1' }, previewProvider, false, true],
    ]);
  });
});

describe('GithubOidcStack of the example configuration', () => {
  const t = template(config());
  const [providerId] = Object.keys(t.findResources('AWS::IAM::OIDCProvider'));

  test('creates the GitHub OIDC provider natively, for the STS audience, and keeps it on deletion', () => {
    t.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    t.resourceCountIs('AWS::CloudFormation::CustomResource', 0);
    t.hasResource('AWS::IAM::OIDCProvider', {
      Properties: { Url: `https://${HOST}`, ClientIdList: ['sts.amazonaws.com'] },
      DeletionPolicy: 'Retain',
    });
  });

  // The preview role's session outlives the longest job that assumes it (the integration tests),
  // whose CLI chains from it.
  const WORKFLOWS = 'job_workflow_ref:example-org/batch-job-platform/.github/workflows';
  test.each<[string, number, Record<string, Record<string, unknown>>]>([
    [
      'deploy',
      3600,
      { StringEquals: { [`${HOST}:sub`]: `${REPO}:environment:deploy:${WORKFLOWS}/ci.yml@refs/heads/main` } },
    ],
    [
      'preview',
      7200,
      {
        StringLike: {
          [`${HOST}:sub`]: ['integ', 'preview', 'sweep'].map(
            (f) => `${REPO}:environment:preview:${WORKFLOWS}/${f}.yml@*`,
          ),
        },
      },
    ],
  ])(
    'the %s role trusts only its environment in its workflows, with the audience, for %p seconds',
    (role, seconds, subject) => {
      t.hasResourceProperties('AWS::IAM::Role', {
        RoleName: `jobs-github-${role}`,
        MaxSessionDuration: seconds,
        ManagedPolicyArns: Match.absent(),
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Action: 'sts:AssumeRoleWithWebIdentity',
              Effect: 'Allow',
              Principal: { Federated: { Ref: providerId } },
              Condition: Match.objectEquals({
                ...subject,
                StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com', ...subject.StringEquals },
              }),
            },
          ],
        },
      });
    },
  );

  test(`with -c ${SUBJECT_MIGRATION_CONTEXT}=true, the deploy role also trusts its environment alone, for the switch`, () => {
    const app = testApp();
    app.node.setContext(SUBJECT_MIGRATION_CONTEXT, 'true');
    const [plan] = githubOidcStacks(config());
    const role = Template.fromStack(new GithubOidcStack(app, plan!.id, plan!.props)).findResources(
      'AWS::IAM::Role',
      {
        Properties: { RoleName: 'jobs-github-deploy' },
      },
    );
    const condition = Object.values(role)[0]?.Properties.AssumeRolePolicyDocument.Statement[0].Condition;
    expect(condition.StringEquals[`${HOST}:sub`]).toEqual([
      `${REPO}:environment:deploy:${WORKFLOWS}/ci.yml@refs/heads/main`,
      `${REPO}:environment:deploy`,
    ]);
  });

  const suffix = '111111111111-ap-northeast-1';
  test.each([
    [
      'deploy role may upload the source object and start and read the pipeline',
      'DeployRole',
      [
        {
          Sid: 'UploadSource',
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::jobs-pipeline-source-${suffix}/cloud-assembly.zip`,
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
      ],
    ],
    [
      "preview role may only assume the preview account's CDK bootstrap roles, not the execution role",
      'PreviewRole',
      [
        {
          Sid: 'AssumeCdkBootstrapRoles',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: ['deploy-role', 'file-publishing-role', 'image-publishing-role', 'lookup-role'].map(
            (type) => `arn:aws:iam::111111111111:role/cdk-hnb659fds-${type}-${suffix}`,
          ),
        },
      ],
    ],
  ])('the %s, nothing else', (_case, role, statements) => {
    t.resourceCountIs('AWS::IAM::Policy', 2);
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp(`^${role}`) }],
      PolicyDocument: { Statement: statements },
    });
  });

  test('outputs the role and provider ARNs for the repository variables', () => {
    expect(Object.keys(t.findOutputs('*')).sort()).toEqual([
      'DeployRoleArn',
      'PreviewRoleArn',
      'ProviderArn',
    ]);
  });
});

describe('GithubOidcStack', () => {
  test('imports the provider when the account has one already', () => {
    const t = template(config({ github: { ...appConfig.github, oidcProviderArns: [PROVIDER_ARN] } }));
    t.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'jobs-github-deploy',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: PROVIDER_ARN } })] },
    });
  });

  test.each([
    ['one account', config()],
    [
      'previews in an account of their own',
      config({ preview: { ...appConfig.preview, account: '333333333333' } }),
    ],
  ])('passes the AwsSolutions checks with nothing acknowledged: %s', (_case, cfg) => {
    for (const stack of Object.values(stacks(cfg))) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(report.violations).toEqual([]);
      const acknowledged = stack.node
        .findAll()
        .filter((c) => c.node.metadata.some((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY));
      expect(acknowledged).toEqual([]);
    }
  });

  test('fails with neither role', () => {
    const [plan] = githubOidcStacks(config());
    expect(
      () =>
        new GithubOidcStack(testApp(), 'Empty', { ...plan!.props, deploy: undefined, preview: undefined }),
    ).toThrow(/GithubOidcStack Empty: set deploy, preview or both/);
  });
});
