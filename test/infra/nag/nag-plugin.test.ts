import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeFindings } from '../../../infra/nag/acknowledge';
import { NagValidationPlugin } from '../../../infra/nag/nag-plugin';
import { testApp } from '../../support/cdk';

const FINDING =
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:ap-northeast-1:111111111111:log-group:/x:*]';

function stackWithWildcardRole() {
  const app = testApp();
  const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'ap-northeast-1' } });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['logs:PutLogEvents'],
      // The partition token stays unresolved, as it does when the app runs outside the CDK CLI.
      resources: [`arn:${Aws.PARTITION}:logs:ap-northeast-1:111111111111:log-group:/x:*`],
    }),
  );
  return { app, role };
}

describe('NagValidationPlugin', () => {
  test('fails validation on an unacknowledged finding, naming the rule and the construct', () => {
    const { app } = stackWithWildcardRole();
    const report = new NagValidationPlugin(app, new AwsSolutionsChecks()).validate();
    expect(report.success).toBe(false);
    expect(report.violations).toEqual([
      expect.objectContaining({
        ruleName: FINDING,
        violatingResources: [expect.objectContaining({ constructPath: 'Stack/Role/DefaultPolicy/Resource' })],
      }),
    ]);
  });

  test('passes once the finding is acknowledged, even with the partition token in its id', () => {
    const { app, role } = stackWithWildcardRole();
    acknowledgeFindings(role, [{ id: FINDING, reason: 'test' }]);
    expect(new NagValidationPlugin(app, new AwsSolutionsChecks()).validate().success).toBe(true);
  });

  test('an acknowledgment covers only its own construct', () => {
    const { app, role } = stackWithWildcardRole();
    const sibling = new iam.Role(role.stack, 'Other', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    acknowledgeFindings(sibling, [{ id: FINDING, reason: 'test' }]);
    expect(new NagValidationPlugin(app, new AwsSolutionsChecks()).validate().success).toBe(false);
  });
});
