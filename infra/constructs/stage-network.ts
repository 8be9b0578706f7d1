import { Annotations, CfnResource, Fn, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface ExistingVpcProps {
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  /** Whether the subnets are public (jobs then need a public IP to pull images). */
  readonly publicSubnets: boolean;
}

export interface CreatedVpcProps {
  readonly availabilityZones: readonly string[];
  readonly cidr: string;
  readonly natGateways: number;
}

export interface StageNetworkProps {
  /**
   * Import this VPC (the original design passes a VPC id and subnet ids). Exclusive with `create`.
   * @default - none: set exactly one of `existing` and `create`
   */
  readonly existing?: ExistingVpcProps;
  /**
   * Create a VPC. Exclusive with `existing`.
   * @default - none: set exactly one of `existing` and `create`
   */
  readonly create?: CreatedVpcProps;
  /**
   * Whether Lambda handlers will be attached to the VPC. A created VPC without NAT then gets isolated
   * subnets and an SNS interface endpoint, so that the handlers can still publish.
   * @default false
   */
  readonly handlersAttached?: boolean;
  /** Retention and removal of the VPC flow log. */
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The network a stage runs in: the subnets for Batch jobs and for VPC-attached handlers.
 *
 * A created VPC is cheap by default: no NAT gateway, Fargate jobs in public subnets with a public IP
 * (job definitions must set `assignPublicIp: ENABLED`, see `jobsNeedPublicIp`).
 */
export class StageNetwork extends Construct {
  public readonly vpc: ec2.IVpc;
  public readonly jobSubnets: ec2.SubnetSelection;
  public readonly handlerSubnets: ec2.SubnetSelection;
  /** Whether Fargate job definitions must assign a public IP for their tasks to reach the internet. */
  public readonly jobsNeedPublicIp: boolean;

  constructor(scope: Construct, id: string, props: StageNetworkProps) {
    super(scope, id);
    if (Boolean(props.existing) === Boolean(props.create)) {
      throw new Error(`StageNetwork '${id}': set exactly one of 'existing' or 'create'`);
    }

    if (props.existing) {
      const subnets = props.existing.subnetIds.map((subnetId, i) => {
        const subnet = ec2.Subnet.fromSubnetId(this, `Subnet${i}`, subnetId);
        Annotations.of(subnet).acknowledgeWarning(
          '@aws-cdk/aws-ec2:noSubnetRouteTableId',
          'Jobs and handlers only run in these subnets; their route tables are never read',
        );
        return subnet;
      });
      // Every subnet is selected explicitly, never by type or zone, so the zones stay unresolved.
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Resource', {
        vpcId: props.existing.vpcId,
        availabilityZones: Fn.getAzs(),
      });
      Annotations.of(this.vpc).acknowledgeWarning(
        '@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones',
        'The zones are never read: every subnet is selected by id',
      );
      this.jobSubnets = { subnets };
      this.handlerSubnets = { subnets };
      this.jobsNeedPublicIp = props.existing.publicSubnets;
      return;
    }

    const create = props.create!;
    const withNat = create.natGateways > 0;
    const handlerSubnetType = withNat ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
    const subnetConfiguration: ec2.SubnetConfiguration[] = [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
    ];
    if (withNat || props.handlersAttached) {
      subnetConfiguration.push({ name: 'Private', subnetType: handlerSubnetType, cidrMask: 22 });
    }
    const vpc = new ec2.Vpc(this, 'Resource', {
      ipAddresses: ec2.IpAddresses.cidr(create.cidr),
      availabilityZones: [...create.availabilityZones],
      natGateways: create.natGateways,
      subnetConfiguration,
    });
    vpc.addFlowLog('RejectedTraffic', {
      trafficType: ec2.FlowLogTrafficType.REJECT,
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogGroup', {
          retention: props.logRetention,
          removalPolicy: props.removalPolicy,
        }),
      ),
    });
    this.keepCleanupLogsWithStack(props.logRetention, props.removalPolicy);
    if (props.handlersAttached && !withNat) {
      const endpoint = vpc.addInterfaceEndpoint('SnsEndpoint', {
        service: ec2.InterfaceVpcEndpointAwsService.SNS,
        subnets: { subnetType: handlerSubnetType },
        open: false,
      });
      endpoint.connections.allowDefaultPortFrom(ec2.Peer.ipv4(create.cidr), 'HTTPS from this VPC');
    }
    this.vpc = vpc;
    this.jobSubnets = { subnetType: withNat ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC };
    this.handlerSubnets = { subnetType: handlerSubnetType };
    this.jobsNeedPublicIp = !withNat;
  }

  /**
   * The function that strips the VPC's default security group (CDK's restrictDefaultSecurityGroup)
   * would write to `/aws/lambda/<function>`, a group Lambda creates on first use and no one deletes.
   * It logs to a group of the stack instead, with the stage's retention and removal policy. The
   * function refers to the group, so CloudFormation creates the group first and deletes it only
   * after the function: the function's last run (the cleanup's Delete) cannot recreate it.
   */
  private keepCleanupLogsWithStack(retention: logs.RetentionDays, removalPolicy: RemovalPolicy): void {
    const provider = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    const handler = provider?.node.tryFindChild('Handler');
    if (!(handler instanceof CfnResource)) return;
    const logGroup = new logs.LogGroup(this, 'DefaultSecurityGroupCleanupLogs', { retention, removalPolicy });
    handler.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
  }
}
