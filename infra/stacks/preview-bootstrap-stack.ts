import { CfnOutput, LegacyStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { GITHUB_OIDC_HOST, githubRoleNamePattern } from '../config/github';
import { previewBootstrapNames } from '../config/names';
import { acknowledgeFindings } from '../nag/acknowledge';

/**
 * The services a preview's stacks (JobBase and the integration scenario) create resources in, and
 * so all that CloudFormation may do in the preview account. S3 and SSM are what CloudFormation reads
 * assets and the bootstrap version with.
 */
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

const BOUNDARY_REASON =
  'A permissions boundary grants nothing: it caps the roles it is attached to at everything but its ' +
  'explicit denies, which protect the workflows trust and require the boundary on every new role';
const EXECUTION_REASON =
  "CloudFormation creates, changes and deletes the resources of every preview's stacks, named per " +
  'preview, in these services only; the boundary on the execution role caps it';

export interface PreviewBootstrapStackProps extends StackProps {
  readonly appName: string;
  /** @default 'hnb659fds' */
  readonly bootstrapQualifier?: string;
}

/**
 * What the preview account's CDK bootstrap gives CloudFormation, instead of AdministratorAccess:
 * an execution policy for the services previews use, and a permissions boundary on the execution
 * role and on every role a preview creates. Together they keep every job of the `preview`
 * environment away from what holds the workflows' trust: the GitHub OIDC provider, the project's
 * GitHub roles, the bootstrap roles and these two policies; and from new identity providers, users
 * and keys. Roles must carry the boundary, and it cannot be removed, so no role a preview creates
 * can do more.
 *
 * Deployed by hand with the operator's own credentials, before `cdk bootstrap` uses it and for every
 * later change: the bootstrap's execution role could not deploy it (the boundary on that role forbids
 * changing these policies), and on a fresh account that role does not exist yet. So the stack names no
 * bootstrap role and no bootstrap bucket: `LegacyStackSynthesizer` writes neither into the manifest
 * (`BootstraplessSynthesizer` names the default roles, `CliCredentialsStackSynthesizer` uploads the
 * template to the bootstrap bucket), and the CLI passes the small template inline (under 51,200 bytes).
 */
export class PreviewBootstrapStack extends Stack {
  public readonly executionPolicy: iam.ManagedPolicy;
  public readonly boundary: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: PreviewBootstrapStackProps) {
    super(scope, id, { ...props, synthesizer: new LegacyStackSynthesizer() });
    const names = previewBootstrapNames(props.appName);
    const qualifier = props.bootstrapQualifier ?? 'hnb659fds';
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

/**
 * The explicit denies of the boundary: they hold whatever any other policy allows. No preview may
 * change, pass or read `protectedIdentities` (the OIDC provider and the roles that hold the trust),
 * change the bootstrap policies (`protectedPolicies`), or create a role without `boundaryArn`.
 */
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
