import { CfnOutput, DefaultStackSynthesizer, LegacyStackSynthesizer, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { GITHUB_OIDC_HOST, githubRoleNamePattern } from '../config/github';
import { RETIRING_ROLE_TAG } from '../config/ephemeral';
import { previewBootstrapNames } from '../config/names';
import { acknowledgeFindings } from '../nag/acknowledge';

/** The services previews create resources in, plus S3 and SSM (assets, bootstrap version). */
export const PREVIEW_SERVICES = [
  'batch',
  'cloudwatch',
  'ec2',
  'events',
  'iam',
  'kms',
  'lambda',
  'logs',
  'scheduler',
  'sns',
  'sqs',
  'states',
  's3',
  'ssm',
] as const;

/**
 * Actions outside those services that the resource handlers of previews' resources list (AWS's resource
 * provider schemas): lookups for features previews do not use (EKS environments, EFS mounts), and the
 * log group handler's tagging of a delivery stream. `test/infra/preview-account-deploys.test.ts` checks
 * every handler action against this policy.
 */
export const HANDLER_EXTRA_ACTIONS = [
  'eks:DescribeCluster',
  'autoscaling:DescribeTags',
  'elasticfilesystem:DescribeMountTargets',
  's3files:ListMountTargets',
  'firehose:TagDeliveryStream',
] as const;

const BOUNDARY_REASON =
  'A permissions boundary grants nothing: it caps the roles it is attached to at everything but its ' +
  'explicit denies, which protect the workflows trust and require the boundary on every new role';
const EXECUTION_REASON =
  "CloudFormation creates, changes and deletes the resources of every preview's stacks, named per " +
  'preview, in these services only; the boundary on the execution role caps it';

export interface PreviewBootstrapStackProps extends StackProps {
  readonly appName: string;
}

/**
 * The preview account's CDK bootstrap policies instead of AdministratorAccess: an execution policy
 * for the services previews use, and a boundary every role must carry, which keeps previews away from
 * what holds the workflows' trust and from new identities and keys.
 *
 * Deployed by hand with the operator's credentials, since the boundary forbids the execution role to
 * change it: `LegacyStackSynthesizer` names no bootstrap role or bucket (the template goes inline).
 */
export class PreviewBootstrapStack extends Stack {
  public readonly executionPolicy: iam.ManagedPolicy;
  public readonly boundary: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: PreviewBootstrapStackProps) {
    super(scope, id, { ...props, synthesizer: new LegacyStackSynthesizer() });
    const names = previewBootstrapNames(props.appName);
    const qualifier = DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const iamArn = (resource: string): string => this.formatArn({ service: 'iam', region: '', resource });
    const boundaryArn = iamArn(`policy/${names.boundaryName}`);

    this.boundary = new iam.ManagedPolicy(this, 'Boundary', {
      managedPolicyName: names.boundaryName,
      description: `${props.appName} previews: the boundary of the CDK execution role and of every role a preview creates`,
      statements: [
        new iam.PolicyStatement({ sid: 'WithinTheBoundary', actions: ['*'], resources: ['*'] }),
        ...protections(
          [
            iamArn(`oidc-provider/${GITHUB_OIDC_HOST}`),
            iamArn(`role/${githubRoleNamePattern(props.appName)}`),
            iamArn(`role/cdk-${qualifier}-*`),
          ],
          iamArn(`policy/${props.appName}-preview-*`),
          boundaryArn,
        ),
      ],
    });

    this.executionPolicy = new iam.ManagedPolicy(this, 'ExecutionPolicy', {
      managedPolicyName: names.executionPolicyName,
      description: `${props.appName} previews: what CloudFormation may do in the preview account (CDK bootstrap execution policy)`,
      statements: [
        new iam.PolicyStatement({
          sid: 'PreviewServices',
          actions: PREVIEW_SERVICES.map((service) => `${service}:*`),
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'HandlerLookups',
          actions: [...HANDLER_EXTRA_ACTIONS],
          resources: ['*'],
        }),
      ],
    });

    acknowledgeFindings(this.boundary, [
      { id: 'AwsSolutions-IAM5[Action::*]', reason: BOUNDARY_REASON },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: BOUNDARY_REASON },
    ]);
    acknowledgeFindings(this.executionPolicy, [
      ...PREVIEW_SERVICES.map((service) => ({
        id: `AwsSolutions-IAM5[Action::${service}:*]`,
        reason: EXECUTION_REASON,
      })),
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: EXECUTION_REASON },
    ]);

    new CfnOutput(this, 'ExecutionPolicyArn', { value: this.executionPolicy.managedPolicyArn });
    new CfnOutput(this, 'BoundaryName', { value: names.boundaryName });
  }
}

/** The boundary's explicit denies, which hold whatever any other policy allows. */
function protections(
  protectedIdentities: string[],
  protectedPolicies: string,
  boundaryArn: string,
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ProtectTheWorkflowsTrust',
      effect: iam.Effect.DENY,
      actions: ['iam:*'],
      resources: protectedIdentities,
    }),
    new iam.PolicyStatement({
      sid: 'ProtectTheBootstrapPolicies',
      effect: iam.Effect.DENY,
      actions: [
        'iam:CreatePolicyVersion',
        'iam:DeletePolicy',
        'iam:DeletePolicyVersion',
        'iam:SetDefaultPolicyVersion',
        'iam:TagPolicy',
        'iam:UntagPolicy',
      ],
      resources: [protectedPolicies],
    }),
    new iam.PolicyStatement({
      sid: 'EveryNewRoleCarriesTheBoundary',
      effect: iam.Effect.DENY,
      actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn } },
    }),
    new iam.PolicyStatement({
      sid: 'NoRoleLosesTheBoundary',
      effect: iam.Effect.DENY,
      actions: ['iam:DeleteRolePermissionsBoundary'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'NoChangeToARetiringRole',
      effect: iam.Effect.DENY,
      actions: ['iam:*'],
      resources: ['*'],
      conditions: { StringEquals: { [`aws:ResourceTag/${RETIRING_ROLE_TAG}`]: 'true' } },
    }),
    new iam.PolicyStatement({
      sid: 'NoNewIdentitiesOrLongTermKeys',
      effect: iam.Effect.DENY,
      actions: [
        'iam:CreateUser',
        'iam:CreateAccessKey',
        'iam:CreateLoginProfile',
        'iam:UpdateLoginProfile',
        'iam:CreateServiceSpecificCredential',
        'iam:UploadSSHPublicKey',
        'iam:CreateOpenIDConnectProvider',
        'iam:UpdateOpenIDConnectProviderThumbprint',
        'iam:AddClientIDToOpenIDConnectProvider',
        'iam:CreateSAMLProvider',
        'iam:UpdateSAMLProvider',
      ],
      resources: ['*'],
    }),
  ];
}
