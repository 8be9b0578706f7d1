import { previewBootstrapNames } from '../../../infra/config/names';
import { isAllowed, type IamRequest } from '../../support/iam-evaluation';
import { previewAccountPolicies, previewArn } from '../../support/preview-policies';

const NAMES = previewBootstrapNames('jobs');
const ARN = previewArn;
const BOUNDARY_ARN = ARN(`policy/${NAMES.boundaryName}`);

describe('PreviewBootstrapStack', () => {
  const { app, template, execution, boundary } = previewAccountPolicies();

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

  test.each(['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:UntagRole'])(
    'keeps CloudFormation and every preview role from %s on a role clean-roles is retiring',
    (action) => {
      const resource = ARN('role/jobs-pr-42-JobBase-HandlerRole-AbC123');
      const retiring = { action, resource, context: { 'aws:ResourceTag/ephemeral:retiring': 'true' } };
      expect([executionRole(retiring), previewRole(retiring)]).toEqual([false, false]);
      expect(executionRole({ action, resource })).toBe(true);
    },
  );

  test.each(['organizations:LeaveOrganization', 'cloudtrail:StopLogging'])(
    'gives CloudFormation no service that previews do not use: %s',
    (action) => {
      expect(executionRole({ action, resource: '*' })).toBe(false);
    },
  );
});
