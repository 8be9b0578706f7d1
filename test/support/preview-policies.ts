import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { previewBootstrapNames } from '../../infra/config/names';
import { PreviewBootstrapStack } from '../../infra/stacks/preview-bootstrap-stack';
import { testApp } from './cdk';
import type { IamStatement } from './iam-evaluation';

export const PREVIEW_ACCOUNT = '333333333333';
export const previewArn = (resource: string): string => `arn:aws:iam::${PREVIEW_ACCOUNT}:${resource}`;

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

/** The preview account's execution policy and boundary, as PreviewBootstrapStack synthesizes them. */
export function previewAccountPolicies(): {
  app: App;
  template: Template;
  execution: IamStatement[];
  boundary: IamStatement[];
  boundaryArn: string;
} {
  const names = previewBootstrapNames('jobs');
  const app = testApp();
  const stack = new PreviewBootstrapStack(app, 'PreviewBootstrap', {
    env: { account: PREVIEW_ACCOUNT, region: 'ap-northeast-1' },
    appName: 'jobs',
  });
  const template = Template.fromStack(stack);
  const policy = (name: string): IamStatement[] => {
    const [found] = Object.values(
      template.findResources('AWS::IAM::ManagedPolicy', { Properties: { ManagedPolicyName: name } }),
    );
    return (resolved(found?.Properties.PolicyDocument) as { Statement: IamStatement[] }).Statement;
  };
  return {
    app,
    template,
    execution: policy(names.executionPolicyName),
    boundary: policy(names.boundaryName),
    boundaryArn: previewArn(`policy/${names.boundaryName}`),
  };
}
