import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  StageNetwork,
  type ExistingVpcProps,
  type StageNetworkProps,
} from '../../../infra/constructs/stage-network';
import { testApp } from '../../support/cdk';

const common = { logRetention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY };
const existing: ExistingVpcProps = {
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

  test.each<[string, Partial<ExistingVpcProps>, RegExp]>([
    [
      'in public subnets',
      { publicSubnets: true, snsEndpoint: 'create' },
      /attached handlers cannot run in the public subnets of 'existing.subnetIds'.*'existing.handlerSubnetIds'/,
    ],
    ['without a way to SNS', {}, /set 'existing.snsEndpoint' to say how the handler subnets reach SNS/],
  ])('fails with attached handlers %s', (_case, change, message) => {
    const stack = new Stack(testApp(), 'Stack');
    expect(
      () =>
        new StageNetwork(stack, 'Network', {
          ...common,
          handlersAttached: true,
          existing: { ...existing, ...change },
        }),
    ).toThrow(message);
  });

  test('handler subnets that are also job subnets are imported once', () => {
    // GIVEN handler subnets overlapping the job subnets
    const stack = new Stack(testApp(), 'Stack');
    const network = new StageNetwork(stack, 'Network', {
      ...common,
      handlersAttached: true,
      existing: {
        ...existing,
        subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb1'],
        handlerSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1'],
        snsEndpoint: 'nat',
      },
    });
    // THEN the shared subnet is the same construct in both selections
    expect(network.handlerSubnets.subnets?.[0]).toBe(network.jobSubnets.subnets?.[1]);
    expect(network.snsEndpoint).toBeUndefined();
  });
});
