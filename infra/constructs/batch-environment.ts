import { Tags } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface BatchEnvironmentProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly maxvCpus: number;
  /** A Fargate Spot environment the queue tries before on-demand. */
  readonly spot: boolean;
  /** On the security group and in tags, e.g. `jobs-dev-BatchComputing`. */
  readonly displayName: string;
}

/**
 * Fargate compute environments and their job queue. Batch's service-linked role lives outside the
 * stack, so deleting a stage never deletes it first (leaving the environment INVALID), and it allows
 * in-place updates.
 */
export class BatchEnvironment extends Construct {
  public readonly jobQueue: batch.JobQueue;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly computeEnvironments: readonly batch.FargateComputeEnvironment[];

  constructor(scope: Construct, id: string, props: BatchEnvironmentProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${props.displayName}-sg: Fargate jobs, all egress allowed`,
      allowAllOutbound: true,
    });

    const environmentProps = {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      maxvCpus: props.maxvCpus,
    };
    const onDemand = new batch.FargateComputeEnvironment(this, 'OnDemand', environmentProps);
    const spot = props.spot
      ? new batch.FargateComputeEnvironment(this, 'Spot', { ...environmentProps, spot: true })
      : undefined;
    this.computeEnvironments = spot ? [spot, onDemand] : [onDemand];

    this.jobQueue = new batch.JobQueue(this, 'JobQueue', {
      enabled: true,
      priority: 1,
      computeEnvironments: this.computeEnvironments.map((computeEnvironment, i) => ({
        computeEnvironment,
        order: i + 1,
      })),
    });
    Tags.of(this).add('Name', props.displayName);
  }
}
