import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  StageNetwork,
  type ExistingVpcProps,
  type StageNetworkProps,
} from '../../../infra/constructs/stage-network';
import { testApp } from '../../support/cdk';
import { jobBase } from '../../support/templates';

const common = { logRetention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY };
const existing: ExistingVpcProps = {
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-0123456789abcdef0'],
  publicSubnets: false,
};
const create = { availabilityZones: ['ap-northeast-1a'], cidr: '10.0.0.0/16', natGateways: 0 };
const synth = (props: Partial<StageNetworkProps>) => {
  const stack = new Stack(testApp(), 'Stack');
  return { stack, network: new StageNetwork(stack, 'Network', { ...common, ...props }) };
};

describe('StageNetwork', () => {
  test.each<[string, Partial<StageNetworkProps>]>([
    ['both', { existing, create }],
    ['neither', {}],
  ])('fails with %s of existing and create', (_case, props) => {
    expect(() => synth(props)).toThrow("StageNetwork 'Network': set exactly one of 'existing' or 'create'");
  });

  test('an existing VPC with public subnets asks jobs for a public IP', () => {
    const { stack, network: publicNetwork } = synth({ existing: { ...existing, publicSubnets: true } });
    expect(publicNetwork.jobsNeedPublicIp).toBe(true);
    expect(stack.resolve(publicNetwork.jobSubnets.subnets?.map((s) => s.subnetId))).toEqual(
      existing.subnetIds,
    );
  });

  test('handler subnets that are also job subnets are imported once', () => {
    const { network: overlapping } = synth({
      handlersAttached: true,
      existing: {
        ...existing,
        subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb1'],
        handlerSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1'],
        snsEndpoint: 'nat',
      },
    });
    expect(overlapping.handlerSubnets.subnets?.[0]).toBe(overlapping.jobSubnets.subnets?.[1]);
    expect(overlapping.snsEndpoint).toBeUndefined();
  });
});

const EXISTING_VPC = {
  existing: {
    vpcId: 'vpc-0123456789abcdef0',
    subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba987654321f'],
    snsEndpoint: 'nat' as const,
  },
};
const SNS_ENDPOINT = { ServiceName: 'com.amazonaws.ap-northeast-1.sns', VpcEndpointType: 'Interface' };
const subnetsOf = (ids: unknown[]) => ({ ComputeResources: Match.objectLike({ Subnets: ids }) });

describe('StageNetwork in a stage', () => {
  test('a created VPC has no NAT gateway, runs jobs in public subnets with a public IP, logs rejected traffic', () => {
    const { template } = jobBase();
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    template.hasResourceProperties(
      'AWS::Batch::ComputeEnvironment',
      subnetsOf([1, 2].map((n) => ({ Ref: Match.stringLikeRegexp(`NetworkPublicSubnet${n}`) }))),
    );
    template.hasOutput('JobsAssignPublicIp', { Value: 'ENABLED' });
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT', ResourceType: 'VPC' });
  });

  test('a created VPC uses the configured zones without looking them up', () => {
    const { stack, template } = jobBase();
    expect(stack.availabilityZones).toEqual(['ap-northeast-1a', 'ap-northeast-1c']);
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'ap-northeast-1a' });
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'ap-northeast-1c' });
  });

  test('with NAT gateways, jobs and handlers run in private subnets without a public IP', () => {
    const { template } = jobBase({
      vpc: { create: { availabilityZones: ['ap-northeast-1a'], natGateways: 1 } },
    });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties(
      'AWS::Batch::ComputeEnvironment',
      subnetsOf([{ Ref: Match.stringLikeRegexp('NetworkPrivateSubnet1') }]),
    );
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.hasOutput('JobsAssignPublicIp', { Value: 'DISABLED' });
  });

  test('VPC-attached handlers in a VPC without NAT reach SNS through an interface endpoint open to the VPC only', () => {
    const { template } = jobBase();
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ...SNS_ENDPOINT, PrivateDnsEnabled: true });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.0.0.0/16', FromPort: 443, ToPort: 443 })],
    });
  });

  test('an existing VPC is imported from its id and subnet ids, as the original design passes them', () => {
    const { template } = jobBase({ vpc: EXISTING_VPC });
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties(
      'AWS::Batch::ComputeEnvironment',
      subnetsOf(EXISTING_VPC.existing.subnetIds),
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'jobs-dev-BatchSuccessHandler',
      VpcConfig: { SubnetIds: EXISTING_VPC.existing.subnetIds, SecurityGroupIds: [Match.anyValue()] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0123456789abcdef0' });
    template.hasOutput('JobsAssignPublicIp', { Value: 'DISABLED' });
  });

  test('handlers run in handlerSubnetIds when given, jobs in subnetIds', () => {
    const handlerSubnetIds = ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'];
    const existingVpc = { ...EXISTING_VPC.existing, publicSubnets: true, handlerSubnetIds };
    const { template } = jobBase({ vpc: { existing: existingVpc } });
    template.hasResourceProperties(
      'AWS::Batch::ComputeEnvironment',
      subnetsOf(EXISTING_VPC.existing.subnetIds),
    );
    for (const name of ['BatchSuccessHandler', 'BatchErrorHandler']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `jobs-dev-${name}`,
        VpcConfig: { SubnetIds: handlerSubnetIds, SecurityGroupIds: [Match.anyValue()] },
      });
    }
    template.hasOutput('JobsAssignPublicIp', { Value: 'ENABLED' });
  });

  test("snsEndpoint 'create': an SNS endpoint with private DNS in the handler subnets, open to the handlers only", () => {
    const { template } = jobBase({ vpc: { existing: { ...EXISTING_VPC.existing, snsEndpoint: 'create' } } });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ...SNS_ENDPOINT,
      VpcId: 'vpc-0123456789abcdef0',
      PrivateDnsEnabled: true,
      SubnetIds: EXISTING_VPC.existing.subnetIds,
    });
    const handlerGroups = Object.keys(
      template.findResources('AWS::EC2::SecurityGroup', {
        Properties: { GroupDescription: Match.stringLikeRegexp('Lambda handler') },
      }),
    );
    expect(handlerGroups).toHaveLength(2);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(
      (r) => r.Properties as Record<string, unknown>,
    );
    expect(ingress).toEqual(
      handlerGroups.map((group): unknown =>
        expect.objectContaining({
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          SourceSecurityGroupId: { 'Fn::GetAtt': [group, 'GroupId'] },
        }),
      ),
    );
  });

  test.each(['existing', 'nat'] as const)(
    "snsEndpoint '%s': the VPC already reaches SNS, so the stage creates no endpoint",
    (snsEndpoint) => {
      const { template } = jobBase({ vpc: { existing: { ...EXISTING_VPC.existing, snsEndpoint } } });
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    },
  );
});
