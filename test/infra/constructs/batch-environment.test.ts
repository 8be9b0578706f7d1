import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BatchEnvironment } from '../../../infra/constructs/batch-environment';
import { testApp } from '../../support/cdk';

function setup() {
  const stack = new Stack(testApp(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }],
  });
  return { stack, vpc };
}

describe('BatchEnvironment', () => {
  test('defaults to 32 vCPUs and no Spot environment', () => {
    // GIVEN
    const { stack, vpc } = setup();
    // WHEN
    new BatchEnvironment(stack, 'Batch', {
      vpc,
      subnets: { subnetType: ec2.SubnetType.PUBLIC },
      displayName: 'x',
    });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Batch::ComputeEnvironment', 1);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: { MaxvCpus: 32, Type: 'FARGATE' },
    });
  });

  test.each([0, 4097, 2.5])('fails on maxvCpus %p, naming the prop and the range', (maxvCpus) => {
    const { stack, vpc } = setup();
    expect(
      () => new BatchEnvironment(stack, 'Batch', { vpc, subnets: {}, displayName: 'x', maxvCpus }),
    ).toThrow(`BatchEnvironment 'Batch': maxvCpus must be an integer from 1 to 4096, got ${maxvCpus}`);
  });
});
