import { Duration, Size, type RemovalPolicy } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fargateSizeProblems, type JobConfig } from '../config/jobs';

export interface StageJobDefinitionProps {
  /** The job as the stage configuration declares it. */
  readonly job: JobConfig;
  /** `<app>-<stage>-<job>`: people submit it by name. */
  readonly jobDefinitionName: string;
  /** The stage's: jobs in public subnets need a public IP to pull images. */
  readonly assignPublicIp: boolean;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** A Fargate job definition of the stage's own: its image and size, logs the stage keeps, and a role. */
export class StageJobDefinition extends Construct {
  public readonly jobDefinition: batch.EcsJobDefinition;
  /** What the job's code may do: none at first; grant it what the job needs. */
  public readonly jobRole: iam.Role;

  constructor(scope: Construct, id: string, props: StageJobDefinitionProps) {
    super(scope, id);
    const { job } = props;
    const problems = Object.entries(fargateSizeProblems(job.vcpus, job.memoryMiB));
    if (problems.length > 0) {
      const text = problems.map(([setting, problem]) => `${setting}: ${problem}`).join('; ');
      throw new Error(`StageJobDefinition '${id}' (job '${job.name}'): ${text}`);
    }
    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `The role of job '${job.name}' while it runs`,
    });
    // The execution role (pulling the image, writing logs) is the one the container definition creates.
    const container = new batch.EcsFargateContainerDefinition(this, 'Container', {
      image: ecs.ContainerImage.fromRegistry(job.image),
      command: job.command,
      cpu: job.vcpus,
      memory: Size.mebibytes(job.memoryMiB),
      environment: job.environment,
      jobRole: this.jobRole,
      assignPublicIp: props.assignPublicIp,
      logging: ecs.LogDriver.awsLogs({
        streamPrefix: job.name,
        logGroup: new logs.LogGroup(this, 'LogGroup', {
          retention: props.logRetention,
          removalPolicy: props.removalPolicy,
        }),
      }),
    });
    this.jobDefinition = new batch.EcsJobDefinition(this, 'Resource', {
      jobDefinitionName: props.jobDefinitionName,
      container,
      retryAttempts: job.retries + 1,
      timeout: job.timeoutMinutes === undefined ? undefined : Duration.minutes(job.timeoutMinutes),
    });
  }
}
