import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { previewBootstrapNames } from '../../../infra/config/names';
import { buildPlatform } from '../../../infra/platform';
import { PreviewBootstrapStack } from '../../../infra/stacks/preview-bootstrap-stack';
import { exampleConfig, testApp } from '../../support/cdk';
import { isAllowed, type IamRequest, type IamStatement } from '../../support/iam-evaluation';

const PREVIEW_ACCOUNT = '333333333333';
const NAMES = previewBootstrapNames('jobs');
const ARN = (resource: string): string => `arn:aws:iam::${PREVIEW_ACCOUNT}:${resource}`;
const BOUNDARY_ARN = ARN(`policy/${NAMES.boundaryName}`);

/** A template value with the partition resolved to `aws`, as CloudFormation would in that partition. */
function resolved(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolved);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if (object.Ref === 'AWS::Partition') return 'aws';
  const join = object['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(resolved).join(join[0]);
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolved(v)]));
}

describe('PreviewBootstrapStack', () => {
  let app: App;
  let template: Template;
  let execution: IamStatement[];
  let boundary: IamStatement[];
  beforeAll(() => {
    app = testApp();
    const stack = new PreviewBootstrapStack(app, 'PreviewBootstrap', {
      env: { account: PREVIEW_ACCOUNT, region: 'ap-northeast-1' },
      appName: 'jobs',
    });
    template = Template.fromStack(stack);
    const policy = (name: string): IamStatement[] => {
      const [found] = Object.values(
        template.findResources('AWS::IAM::ManagedPolicy', { Properties: { ManagedPolicyName: name } }),
      );
      return (resolved(found?.Properties.PolicyDocument) as { Statement: IamStatement[] }).Statement;
    };
    execution = policy(NAMES.executionPolicyName);
    boundary = policy(NAMES.boundaryName);
  });

  /** What the CDK execution role may do: its execution policy, capped by the boundary on it. */
  const executionRole = (request: IamRequest): boolean => isAllowed(request, execution, boundary);
  /** What a role a preview creates may do with a policy of `*`, capped by the boundary it must carry. */
  const previewRole = (request: IamRequest): boolean =>
    isAllowed(request, [{ Effect: 'Allow', Action: '*', Resource: '*' }], boundary);

  test("deploys with the operator's credentials: no bootstrap version check, role, bucket or asset", () => {
    expect(template.toJSON().Rules).toBeUndefined();
    expect(template.toJSON().Parameters).toBeUndefined();
    const artifact = app.synth().getStackArtifact('PreviewBootstrap');
    // No role to assume (a fresh account lacks them), and the template passed inline.
    expect(artifact.manifest.properties).toEqual({
      templateFile: 'PreviewBootstrap.template.json',
      terminationProtection: false,
      validateOnSynth: false,
    });
    expect(artifact.dependencies).toEqual([]);
    expect(JSON.stringify(artifact.template).length).toBeLessThan(51_200);
  });

  test.each([
    [
      'lambda:CreateFunction',
      'arn:aws:lambda:ap-northeast-1:333333333333:function:jobs-pr-42-BatchSuccessHandler',
    ],
    ['batch:CreateComputeEnvironment', '*'],
    ['ec2:CreateSecurityGroup', '*'],
    ['sns:CreateTopic', 'arn:aws:sns:ap-northeast-1:333333333333:jobs-pr-42-JobBase-Notifications'],
    ['iam:PutRolePolicy', ARN('role/jobs-pr-42-BatchLambdaRole')],
    ['states:CreateStateMachine', '*'],
  ])('lets CloudFormation deploy a preview: %s', (action, resource) => {
    expect(executionRole({ action, resource })).toBe(true);
  });

  test('lets CloudFormation create a role only with the boundary', () => {
    const createRole = (boundaryArn?: string): IamRequest => ({
      action: 'iam:CreateRole',
      resource: ARN('role/jobs-pr-42-BatchLambdaRole'),
      context: boundaryArn ? { 'iam:PermissionsBoundary': boundaryArn } : {},
    });
    expect(executionRole(createRole(BOUNDARY_ARN))).toBe(true);
    expect(executionRole(createRole())).toBe(false);
    expect(executionRole(createRole(ARN('policy/AdministratorAccess')))).toBe(false);
  });

  test.each([
    ['iam:UpdateAssumeRolePolicy', ARN('role/jobs-github-preview')],
    ['iam:AttachRolePolicy', ARN('role/jobs-github-deploy')],
    ['iam:PassRole', ARN('role/jobs-github-preview')],
    ['iam:DeleteOpenIDConnectProvider', ARN('oidc-provider/token.actions.githubusercontent.com')],
    ['iam:AddClientIDToOpenIDConnectProvider', ARN('oidc-provider/token.actions.githubusercontent.com')],
    ['iam:AttachRolePolicy', ARN('role/cdk-hnb659fds-cfn-exec-role-333333333333-ap-northeast-1')],
    ['iam:PutRolePolicy', ARN('role/cdk-hnb659fds-deploy-role-333333333333-ap-northeast-1')],
    ['iam:CreatePolicyVersion', BOUNDARY_ARN],
    ['iam:CreatePolicyVersion', ARN(`policy/${NAMES.executionPolicyName}`)],
    ['iam:DeleteRolePermissionsBoundary', ARN('role/jobs-pr-42-BatchLambdaRole')],
    ['iam:CreateOpenIDConnectProvider', '*'],
    ['iam:CreateUser', ARN('user/backdoor')],
    ['iam:CreateAccessKey', ARN('user/backdoor')],
  ])('keeps CloudFormation, and every role a preview creates, from %s on %s', (action, resource) => {
    expect(executionRole({ action, resource })).toBe(false);
    expect(previewRole({ action, resource })).toBe(false);
  });

  test('lets CloudFormation manage every resource type a preview and the preview network hold', () => {
    const app = testApp();
    const { stage } = buildPlatform(app, exampleConfig(), { stage: 'pr-42' });
    const network = app.node.findAll().find((c) => c.node.id === 'PreviewNetwork');
    const types = [stage!.stack, ...(network ? [network as never] : [])].flatMap((stack) =>
      Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>).map(
        (r) => r.Type,
      ),
    );
    const services = [
      ...new Set(types.filter((t) => t.startsWith('AWS::') && t !== 'AWS::CDK::Metadata')),
    ].map((type) => type.split('::')[1]!.toLowerCase());
    // Custom resources are Lambda functions, covered too.
    expect(services).toContain('scheduler');
    for (const service of services) {
      expect(executionRole({ action: `${service}:CreateSomething`, resource: '*' })).toBe(true);
    }
  });

  test.each(['organizations:LeaveOrganization', 'cloudtrail:StopLogging'])(
    'gives CloudFormation no service that previews do not use: %s',
    (action) => {
      expect(executionRole({ action, resource: '*' })).toBe(false);
    },
  );
});
