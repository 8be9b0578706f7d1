import { Match, Template } from 'aws-cdk-lib/assertions';
import { EPHEMERAL_TAGS } from '../../../infra/config/ephemeral';
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
    for (const zone of ['ap-northeast-1a', 'ap-northeast-1c'])
      template.hasResourceProperties('AWS::EC2::Subnet', {
        AvailabilityZone: zone,
        MapPublicIpOnLaunch: false,
      });
    template.resourceCountIs('AWS::EC2::Subnet', 2);
  });

  test('exports the VPC and each subnet under the names previews import', () => {
    const exports = Object.values(template.findOutputs('*')).map(
      (o) => (o as { Export: { Name: string } }).Export.Name,
    );
    expect(exports).toEqual([NAMES.vpcIdExport, ...NAMES.subnetIdExports]);
  });
});

describe('a preview stage', () => {
  const { stage } = buildPlatform(testApp(), CONFIG, { stage: 'pr-42' });
  const template = Template.fromStack(stage!.stack);

  test('creates no network of its own, and runs its jobs in the preview network', () => {
    for (const type of [
      'AWS::EC2::VPC',
      'AWS::EC2::Subnet',
      'AWS::EC2::InternetGateway',
      'AWS::EC2::FlowLog',
    ])
      template.resourceCountIs(type, 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: { 'Fn::ImportValue': NAMES.vpcIdExport },
    });
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({
        Subnets: NAMES.subnetIdExports.map((name) => ({ 'Fn::ImportValue': name })),
      }),
    });
  });

  test('publishes that its jobs need a public IP, as the network has no NAT', () => {
    template.hasOutput('JobsAssignPublicIp', { Value: 'ENABLED' });
  });

  test('is tagged with where it came from, on the stack, leaving the template free of deploy-time values', () => {
    expect(stage?.stack.tags.tagValues()).toEqual({
      [EPHEMERAL_TAGS.kind]: 'pr',
      [EPHEMERAL_TAGS.stage]: 'pr-42',
      [EPHEMERAL_TAGS.pullRequest]: '42',
      [EPHEMERAL_TAGS.repository]: `${CONFIG.github.owner}/${CONFIG.github.repository}`,
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('ephemeral:');
  });

  test('carries the creating run and time when the deploy gives them', () => {
    const run = 'https://github.com/example-org/batch-job-platform/actions/runs/7';
    const tagged = buildPlatform(testApp(), CONFIG, {
      stage: 'br-preview-x-0a1b2c',
      provenance: { run, createdAt: '2026-07-01T00:00:00Z' },
    }).stage;
    expect(tagged?.stack.tags.tagValues()).toMatchObject({
      [EPHEMERAL_TAGS.kind]: 'branch',
      [EPHEMERAL_TAGS.run]: run,
      [EPHEMERAL_TAGS.createdAt]: '2026-07-01T00:00:00Z',
    });
  });

  test('fails when the branch given does not name the stage', () => {
    expect(() =>
      buildPlatform(testApp(), CONFIG, { stage: 'br-feature-x', provenance: { branch: 'feature/x' } }),
    ).toThrow(/context stage: EPHEMERAL_BRANCH 'feature\/x' names stage/);
  });
});

test('a configured stage deployed by hand carries no ephemeral tags', () => {
  const { stage } = buildPlatform(testApp(), CONFIG, { stage: 'dev' });
  expect(stage?.stack.tags.tagValues()).toEqual({});
});
