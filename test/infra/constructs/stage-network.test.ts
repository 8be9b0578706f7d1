import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { StageNetwork, type StageNetworkProps } from '../../../infra/constructs/stage-network';
import { testApp } from '../../support/cdk';

const common = { logRetention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY };
const existing = {
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-0123456789abcdef0'],
  publicSubnets: false,
};
const create = { availabilityZones: ['ap-northeast-1a'], cidr: '10.0.0.0/16', natGateways: 0 };

describe('StageNetwork', () => {
  test.each<[string, Partial<StageNetworkProps>]>([
    ['both', { existing, create }],
    ['neither', {}],
  ])('fails with %s of existing and create', (_case, props) => {
    const stack = new Stack(testApp(), 'Stack', {
      env: { account: '111111111111', region: 'ap-northeast-1' },
    });
    expect(() => new StageNetwork(stack, 'Network', { ...common, ...props })).toThrow(
      "StageNetwork 'Network': set exactly one of 'existing' or 'create'",
    );
  });

  test('an existing VPC with public subnets asks jobs for a public IP', () => {
    const stack = new Stack(testApp(), 'Stack');
    const network = new StageNetwork(stack, 'Network', {
      ...common,
      existing: { ...existing, publicSubnets: true },
    });
    expect(network.jobsNeedPublicIp).toBe(true);
    expect(stack.resolve(network.jobSubnets.subnets?.map((s) => s.subnetId))).toEqual(existing.subnetIds);
  });
});
