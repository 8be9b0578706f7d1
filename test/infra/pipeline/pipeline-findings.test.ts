import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { AppConfig } from '../../../infra/config/schema';
import { VARIANTS, synthPipeline } from './synth-pipeline';

describe('acknowledgePipelineFindings (cdk-nag AwsSolutions)', () => {
  // The example configuration is checked with the whole app in test/infra/platform.test.ts.
  test.each<[string, AppConfig]>([
    ['every stage in the pipeline account', VARIANTS.sameAccount],
    ['two production stages and another stage in one wave', VARIANTS.productionWave],
    ['a stage in another region', VARIANTS.otherRegion],
    ['two smoke-tested stages in one wave', VARIANTS.earlyWave],
  ])('no findings on the pipeline and its stages with %s', (_name, config) => {
    const report = new AwsSolutionsChecks().validateScope(synthPipeline(config).app);
    expect(
      report.violations.map(
        (v) => `${v.ruleName} on ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });

  test("fails the check on a role added elsewhere in the stack: the pipeline's acknowledgments do not cover it", () => {
    // A new role granted what the pipeline's roles are acknowledged for.
    const { app, stack } = synthPipeline();
    const role = new iam.Role(stack, 'Extra', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
    });
    stack.pipeline.pipeline.artifactBucket.grantReadWrite(role);
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: ['*'] }),
    );
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining([
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'AwsSolutions-IAM5[Resource::*]',
        expect.stringMatching(
          /^AwsSolutions-IAM5\[Resource::<CodePipelineArtifactsBucket[0-9A-F]+\.Arn>\/\*\]$/,
        ),
      ]),
    );
    const paths = new Set(report.violations.flatMap((v) => v.violatingResources.map((r) => r.constructPath)));
    expect([...paths]).toEqual(['Pipeline/Extra/DefaultPolicy/Resource']);
  });

  test("fails the check on a wildcard on the pipeline's own role without a stage in another region", () => {
    const { app, stack } = synthPipeline();
    stack.pipeline.pipeline.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'] }),
    );
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });
});
