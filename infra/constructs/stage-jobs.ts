import { CfnOutput, type RemovalPolicy } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { jobOutputId } from '../config/jobs';
import { physicalName } from '../config/names';
import type { StageConfig } from '../config/schema';
import { StageJobDefinition } from './stage-job-definition';

export interface StageJobsProps {
  readonly appName: string;
  readonly stage: Pick<StageConfig, 'name' | 'jobs'>;
  readonly assignPublicIp: boolean;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The job definitions a stage declares (`stages[].jobs`), each named `<app>-<stage>-<job>`, and a stack
 * output per job whose id (`JobDefinition<Job>`) `npm run submit` finds it by.
 */
export class StageJobs extends Construct {
  /** By job name: grant a job's `jobRole` what its code needs. */
  public readonly jobs: Record<string, StageJobDefinition> = {};

  constructor(scope: Construct, id: string, props: StageJobsProps) {
    super(scope, id);
    const { appName, stage, ...shared } = props;
    for (const job of stage.jobs) {
      const outputId = jobOutputId(job.name);
      const definition = new StageJobDefinition(this, outputId, {
        job,
        jobDefinitionName: physicalName(appName, stage.name, job.name),
        ...shared,
      });
      this.jobs[job.name] = definition;
      new CfnOutput(this, `${outputId}Output`, {
        value: definition.jobDefinition.jobDefinitionArn,
        description: `Job '${job.name}': npm run submit -- --stage ${stage.name} --job ${job.name}`,
      }).overrideLogicalId(outputId);
    }
  }
}
