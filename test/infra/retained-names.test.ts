import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildPlatform } from '../../infra/platform';
import { exampleConfig, testApp } from '../support/cdk';
import { references } from '../support/templates';

/** The property that gives each type of resource its physical name. */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::IAM::OIDCProvider': 'Url',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Batch::ComputeEnvironment': 'ComputeEnvironmentName',
  'AWS::Batch::JobQueue': 'JobQueueName',
};

/**
 * Retained resources whose fixed name a redeploy after the stack's deletion would collide with, and
 * what the configuration or the setup guide says a redeploy does to adopt each.
 */
const ADOPTIONS: Readonly<Record<string, { readonly file: string; readonly says: string }>> = {
  'AWS::S3::Bucket': {
    file: 'docs/configuration.md',
    says: 'npx cdk deploy Pipeline --import-existing-resources',
  },
  'AWS::IAM::OIDCProvider': {
    file: 'docs/setup.md',
    says: 'ARN in `github.oidcProviderArns` and the stack imports it',
  },
};

function allStacks(scope: IConstruct): Stack[] {
  return scope.node.findAll().filter((c): c is Stack => Stack.isStack(c) && !(c instanceof Stage));
}

describe('retained resources', () => {
  test('none has a fixed physical name, unless the docs say how a redeploy adopts it', () => {
    // Every stack: the OIDC stacks, the preview bootstrap, the pipeline, its stages and a preview.
    const app = testApp();
    buildPlatform(app, exampleConfig());
    const stage = testApp();
    buildPlatform(stage, exampleConfig(), { stage: 'pr-42' });
    const named = [...allStacks(app), ...allStacks(stage)].flatMap((stack) =>
      Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, Record<string, unknown>>)
        .filter(([, r]) => r.DeletionPolicy === 'Retain' || r.DeletionPolicy === 'RetainExceptOnCreate')
        .filter(([, r]) => {
          const property = NAME_PROPERTIES[r.Type as string];
          const name = property
            ? (r.Properties as Record<string, unknown> | undefined)?.[property]
            : undefined;
          // A name that refers to another resource changes with it.
          return name !== undefined && !references(name).some((id) => !id.startsWith('AWS::'));
        })
        .map(([id, r]) => ({ where: `${stack.node.path}/${id}`, type: r.Type as string })),
    );
    expect(named.filter((n) => !ADOPTIONS[n.type])).toEqual([]);
    expect(named.map((n) => n.type).sort()).toEqual([
      'AWS::IAM::OIDCProvider',
      'AWS::IAM::OIDCProvider',
      'AWS::S3::Bucket',
    ]);
    for (const { file, says } of Object.values(ADOPTIONS)) {
      expect(readFileSync(path.join(__dirname, '..', '..', file), 'utf8')).toContain(says);
    }
  });
});
