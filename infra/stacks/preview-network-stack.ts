import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { previewNetworkNames } from '../config/preview-network';
import { StageNetwork } from '../constructs/stage-network';

export interface PreviewNetworkStackProps extends StackProps {
  readonly appName: string;
  /** One public subnet each. */
  readonly availabilityZones: readonly string[];
  readonly cidr: string;
}

/** The network every preview imports (its exports), deployed once by hand: no NAT, handlers outside it. */
export class PreviewNetworkStack extends Stack {
  public readonly network: StageNetwork;
  private readonly zones: readonly string[];

  constructor(scope: Construct, id: string, props: PreviewNetworkStackProps) {
    super(scope, id, props);
    this.zones = props.availabilityZones;
    this.network = new StageNetwork(this, 'Network', {
      create: { availabilityZones: [...props.availabilityZones], cidr: props.cidr, natGateways: 0 },
      handlersAttached: false,
      logRetention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const names = previewNetworkNames(props.appName, props.availabilityZones.length);
    new CfnOutput(this, 'VpcId', { value: this.network.vpc.vpcId, exportName: names.vpcIdExport });
    this.network.vpc.publicSubnets.forEach((subnet, i) => {
      new CfnOutput(this, `PublicSubnet${i + 1}Id`, {
        value: subnet.subnetId,
        exportName: names.subnetIdExports[i],
      });
    });
  }

  /** The configured zones, so that synthesis never looks them up in the account. */
  public override get availabilityZones(): string[] {
    return [...this.zones];
  }
}
