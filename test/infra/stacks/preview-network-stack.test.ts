import { Template } from 'aws-cdk-lib/assertions';
import { previewNetworkNames } from '../../../infra/config/preview-network';
import { buildPlatform } from '../../../infra/platform';
import { exampleConfig, testApp } from '../../support/cdk';

const CONFIG = exampleConfig();
const NAMES = previewNetworkNames(CONFIG.appName, 2);

describe('the preview network', () => {
  const { previewNetwork } = buildPlatform(testApp(), CONFIG);
  const template = Template.fromStack(previewNetwork!);

  test('is a stack of its own in the preview account and region, protected from deletion', () => {
    expect(previewNetwork?.stackName).toBe(NAMES.stackName);
    expect(previewNetwork?.account).toBe(CONFIG.preview.account);
    expect(previewNetwork?.region).toBe(CONFIG.preview.region);
    expect(previewNetwork?.terminationProtection).toBe(true);
  });

  test('is one VPC without NAT, with a public subnet in each configured zone', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    for (const AvailabilityZone of ['ap-northeast-1a', 'ap-northeast-1c'])
      template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone, MapPublicIpOnLaunch: false });
    template.resourceCountIs('AWS::EC2::Subnet', 2);
  });

  test('exports the VPC and each subnet under the names previews import', () => {
    const exports = Object.values(template.findOutputs('*')).map(
      (o) => (o as { Export: { Name: string } }).Export.Name,
    );
    expect(exports).toEqual([NAMES.vpcIdExport, ...NAMES.subnetIdExports]);
  });
});
