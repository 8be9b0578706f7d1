import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CREATED_SUBNET_MASKS, createdVpcProblems } from '../../../infra/config/created-vpc';
import { parseConfig } from '../../../infra/config/load';
import { exampleWith, exampleWithStage as withStage, testApp, testRejections } from '../../support/cdk';

const ZONES = ['ap-northeast-1a', 'ap-northeast-1c'];
const created = (create: Record<string, unknown>): unknown =>
  withStage({ vpc: { create: { availabilityZones: ZONES, ...create } } });

describe('a created VPC (parseConfig)', () => {
  testRejections([
    [
      'zones of another region',
      withStage({ region: 'eu-west-1' }),
      [
        /^stages\[0\]\.vpc\.create\.availabilityZones\[0\]: 'ap-northeast-1a' is not a zone of the stage's region eu-west-1: use zones named after it, e\.g\. eu-west-1a/,
        /^stages\[0\]\.vpc\.create\.availabilityZones\[1\]: 'ap-northeast-1c' is not a zone/,
      ],
    ],
    [
      'a region aws-cdk-lib does not know, naming it and not its zones',
      withStage({ region: 'eu-west-9' }),
      /^stages\[0\]\.region: 'eu-west-9' is not an AWS region aws-cdk-lib knows: use a region code such as/,
    ],
    [
      'a CIDR with host bits set, giving the block it starts',
      created({ cidr: '10.0.1.0/16' }),
      "stages[0].vpc.create.cidr: '10.0.1.0/16' has host bits set: a /16 block starts at 10.0.0.0, so write " +
        '10.0.0.0/16 (or pick another block that starts at its own address)',
    ],
    [
      'an octet over 255',
      created({ cidr: '999.0.0.0/16' }),
      "stages[0].vpc.create.cidr: '999.0.0.0/16' is not an IPv4 CIDR from /16 to /24 with octets up to 255, e.g. 10.0.0.0/16",
    ],
    [
      'a block too small for two zones with private subnets, giving the size that fits',
      created({ cidr: '10.0.0.0/21' }),
      'stages[0].vpc.create.cidr: a /21 block (2048 addresses) cannot hold the subnets of 2 zone(s), a public ' +
        '/24 and a private /22 each: use a /20 or larger block, e.g. 10.0.0.0/20',
    ],
    [
      "a preview network too small for the preview's zones",
      exampleWith('preview', { vpc: { shared: { availabilityZones: ZONES, cidr: '10.0.0.0/24' } } }),
      /^preview\.vpc\.shared\.cidr: a \/24 block \(256 addresses\) cannot hold the subnets of 2 zone\(s\), a public \/24 each: use a \/23/,
    ],
  ]);

  test('accepts a /22 for two zones of public subnets only (an ephemeral stage, no NAT)', () => {
    expect(() =>
      parseConfig(
        withStage({ ephemeral: true, vpc: { create: { availabilityZones: ZONES, cidr: '10.0.0.0/22' } } }),
      ),
    ).not.toThrow();
  });
});

describe('the size rule agrees with CDK', () => {
  // GIVEN every prefix the schema accepts, every zone count and both subnet layouts
  const cases = [16, 17, 18, 19, 20, 21, 22, 23, 24].flatMap((prefix) =>
    [1, 2, 3].flatMap((zones) => [true, false].map((privateSubnets) => ({ prefix, zones, privateSubnets }))),
  );
  test.each(cases)(
    '/$prefix, $zones zone(s), private subnets $privateSubnets',
    ({ prefix, zones, privateSubnets }) => {
      const availabilityZones = ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d'].slice(0, zones);
      const cidr = `10.0.0.0/${prefix}`;
      // WHEN CDK builds the VPC StageNetwork builds (the same subnets, in the same order)
      const stack = new Stack(testApp(), 'S', { env: { account: '111111111111', region: 'ap-northeast-1' } });
      const build = (): ec2.Vpc =>
        new ec2.Vpc(stack, 'Vpc', {
          ipAddresses: ec2.IpAddresses.cidr(cidr),
          availabilityZones,
          natGateways: 0,
          restrictDefaultSecurityGroup: false,
          subnetConfiguration: [
            { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: CREATED_SUBNET_MASKS.public },
            ...(privateSubnets
              ? [
                  {
                    name: 'Private',
                    subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
                    cidrMask: CREATED_SUBNET_MASKS.private,
                  },
                ]
              : []),
          ],
        });
      let cdkRefuses = false;
      try {
        build();
      } catch {
        cdkRefuses = true;
      }
      // THEN the configuration refuses exactly what CDK cannot build
      const problems = createdVpcProblems({
        region: 'ap-northeast-1',
        availabilityZones,
        cidr,
        privateSubnets,
      });
      expect(problems.length > 0).toBe(cdkRefuses);
    },
  );
});

describe('setting problems name the fix', () => {
  testRejections([
    [
      'a setting under the wrong parent, saying where it belongs',
      withStage({ spot: true }),
      "stages[0]: 'spot' is not a setting here: move it to batch.spot",
    ],
    [
      'a misspelt setting, listing the settings of its parent',
      withStage({ smokeTset: true }),
      /^stages\[0\]: unknown setting 'smokeTset': check the spelling; the settings here are name, account, region, /,
    ],
    [
      'a number written as a string',
      withStage({ batch: { maxvCpus: '32' } }),
      'stages[0].batch.maxvCpus: must be a number, got string "32": write 32 without quotes',
    ],
    [
      'a boolean written as a string',
      withStage({ production: 'true' }),
      'stages[0].production: must be a boolean, got string "true": write true without quotes',
    ],
  ]);
});
