import { RemovalPolicy, Size, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';

/** Public: every Fargate task can pull it without credentials. */
export const PROBE_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37';

export interface ProbeJobDefinitionProps {
  /** The exit code the job ends with: 0 makes it SUCCEEDED, anything else FAILED. */
  readonly exitCode: number;
  /** Needed in public subnets to pull the image. @default false */
  readonly assignPublicIp?: boolean;
}

/** A job that exits with a chosen code, to prove end to end that a stage runs and reports jobs. */
export class ProbeJobDefinition extends Construct {
  public readonly jobDefinition: batch.EcsJobDefinition;

  constructor(scope: Construct, id: string, props: ProbeJobDefinitionProps) {
    super(scope, id);
    const { exitCode } = props;
    this.node.addValidation({
      validate: () =>
        Token.isUnresolved(exitCode) || (Number.isInteger(exitCode) && exitCode >= 0 && exitCode <= 255)
          ? []
          : [`ProbeJobDefinition '${id}': exitCode must be an integer from 0 to 255, got ${exitCode}`],
    });
    const container = new batch.EcsFargateContainerDefinition(this, 'Container', {
      image: ecs.ContainerImage.fromRegistry(PROBE_IMAGE),
      command: ['sh', '-c', `echo "probe job exiting with ${props.exitCode}"; exit ${props.exitCode}`],
      cpu: 0.25,
      memory: Size.mebibytes(512),
      assignPublicIp: props.assignPublicIp ?? false,
      // Not Batch's shared group: the execution role writes to this one alone, and it goes with the stage.
      logging: ecs.LogDriver.awsLogs({
        streamPrefix: 'probe',
        logGroup: new logs.LogGroup(this, 'LogGroup', {
          retention: logs.RetentionDays.ONE_WEEK,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      }),
    });
    this.jobDefinition = new batch.EcsJobDefinition(this, 'Resource', { container, retryAttempts: 1 });
  }
}
