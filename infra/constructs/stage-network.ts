import { Annotations, CfnResource, Fn, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CREATED_SUBNET_MASKS } from '../config/created-vpc';
import { previewNetworkNames } from '../config/preview-network';
import type { StageConfig } from '../config/schema';

export interface ExistingVpcProps {
  readonly vpcId: string;
  /** The subnets jobs run in. */
  readonly subnetIds: readonly string[];
  /** Jobs in public subnets need a public IP to pull images. */
  readonly publicSubnets: boolean;
  /** Private, as Lambda never gives a function a public IP. @default - `subnetIds` */
  readonly handlerSubnetIds?: readonly string[];
  /** `create`: an endpoint open to the handlers given to `allowSnsFrom`. @default - none */
  readonly snsEndpoint?: NonNullable<StageConfig['vpc']['existing']>['snsEndpoint'];
}

export interface StageNetworkProps {
  /** Import this VPC; set exactly one of `existing` and `create`. @default - none */
  readonly existing?: ExistingVpcProps;
  /** @default - none */
  readonly create?: NonNullable<StageConfig['vpc']['create']>;
  /**
   * With attached handlers, a created VPC without NAT gets isolated subnets and an SNS endpoint.
   * @default false
   */
  readonly handlersAttached?: boolean;
  /** Of the VPC flow log. */
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** The subnets for jobs and handlers; a created VPC has no NAT by default, so jobs get a public IP. */
export class StageNetwork extends Construct {
  public readonly vpc: ec2.IVpc;
  public readonly jobSubnets: ec2.SubnetSelection;
  public readonly handlerSubnets: ec2.SubnetSelection;
  public readonly jobsNeedPublicIp: boolean;
  /** Created in an existing VPC (`snsEndpoint: 'create'`); a created VPC's is open to the whole VPC. */
  public readonly snsEndpoint?: ec2.InterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: StageNetworkProps) {
    super(scope, id);
    if (Boolean(props.existing) === Boolean(props.create)) {
      throw new Error(`StageNetwork '${id}': set exactly one of 'existing' or 'create'`);
    }

    if (props.existing) {
      const existing = props.existing;
      const imported = new Map<string, ec2.ISubnet>();
      const subnet = (subnetId: string): ec2.ISubnet => {
        if (!imported.has(subnetId)) {
          const created = ec2.Subnet.fromSubnetId(this, `Subnet${imported.size}`, subnetId);
          Annotations.of(created).acknowledgeWarning(
            '@aws-cdk/aws-ec2:noSubnetRouteTableId',
            'Jobs and handlers only run in these subnets; their route tables are never read',
          );
          imported.set(subnetId, created);
        }
        return imported.get(subnetId)!;
      };
      // Every subnet is selected explicitly, never by type or zone, so the zones stay unresolved.
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Resource', {
        vpcId: existing.vpcId,
        availabilityZones: Fn.getAzs(),
      });
      Annotations.of(this.vpc).acknowledgeWarning(
        '@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones',
        'The zones are never read: every subnet is selected by id',
      );
      this.jobSubnets = { subnets: existing.subnetIds.map(subnet) };
      this.handlerSubnets = { subnets: (existing.handlerSubnetIds ?? existing.subnetIds).map(subnet) };
      this.jobsNeedPublicIp = existing.publicSubnets;
      if (props.handlersAttached && existing.snsEndpoint === 'create') {
        this.snsEndpoint = new ec2.InterfaceVpcEndpoint(this, 'SnsEndpoint', {
          vpc: this.vpc,
          service: ec2.InterfaceVpcEndpointAwsService.SNS,
          subnets: this.handlerSubnets,
          privateDnsEnabled: true,
          open: false,
        });
      }
      return;
    }

    const create = props.create!;
    const withNat = create.natGateways > 0;
    const handlerSubnetType = withNat ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
    const subnetConfiguration: ec2.SubnetConfiguration[] = [
      {
        name: 'Public',
        subnetType: ec2.SubnetType.PUBLIC,
        cidrMask: CREATED_SUBNET_MASKS.public,
        mapPublicIpOnLaunch: false,
      },
    ];
    if (withNat || props.handlersAttached) {
      subnetConfiguration.push({
        name: 'Private',
        subnetType: handlerSubnetType,
        cidrMask: CREATED_SUBNET_MASKS.private,
      });
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

  /** Lets `peer` (a handler) publish through the SNS endpoint created in an existing VPC, if any. */
  public allowSnsFrom(peer: ec2.IConnectable): void {
    this.snsEndpoint?.connections.allowDefaultPortFrom(peer, 'HTTPS from a notification handler');
  }

  /**
   * CDK's default-security-group cleanup function would log to `/aws/lambda/<function>`, which no one
   * deletes; a group of the stack it refers to is created before it and deleted after its last run.
   */
  private keepCleanupLogsWithStack(retention: logs.RetentionDays, removalPolicy: RemovalPolicy): void {
    const provider = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    const handler = provider?.node.tryFindChild('Handler');
    if (!(handler instanceof CfnResource)) return;
    const logGroup = new logs.LogGroup(this, 'DefaultSecurityGroupCleanupLogs', { retention, removalPolicy });
    handler.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
  }
}

/** The configured VPC, or for `vpc.shared` the preview network's, imported from its stack's exports. */
export function stageVpc(
  appName: string,
  vpc: StageConfig['vpc'],
): Pick<StageNetworkProps, 'existing' | 'create'> {
  if (!vpc.shared) return { existing: vpc.existing, create: vpc.create };
  const names = previewNetworkNames(appName, vpc.shared.availabilityZones.length);
  return {
    existing: {
      vpcId: Fn.importValue(names.vpcIdExport),
      subnetIds: names.subnetIdExports.map((name) => Fn.importValue(name)),
      publicSubnets: true,
    },
  };
}
