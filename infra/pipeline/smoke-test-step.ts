import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CodeBuildStep, type IFileSetProducer } from 'aws-cdk-lib/pipelines';
import { smokeTestRoleArn } from '../config/names';
import type { JobBaseStage } from '../stages/job-base-stage';
import type { PipelineTools } from './pipeline-tools';

/** How long the smoke test waits for its probe job's notification. */
export const SMOKE_TEST_WAIT_SECONDS = 600;

export interface SmokeTestStepProps {
  readonly appName: string;
  readonly stage: JobBaseStage;
  readonly input: IFileSetProducer;
  readonly tools: PipelineTools;
}

/**
 * After a stage deploys, submits its probe job and fails unless the job's success notification
 * arrives in time; it may only assume the stage's smoke-test role.
 */
export function smokeTestStep(props: SmokeTestStepProps): CodeBuildStep {
  const { stage } = props;
  const { name: stageName, account, region } = stage.config;
  const roleArn = smokeTestRoleArn(props.appName, stageName, account, Aws.PARTITION);
  return new CodeBuildStep('SmokeTest', {
    input: props.input,
    commands: [props.tools.command('smoke-test')],
    env: {
      AWS_REGION: region,
      SMOKE_TEST_ROLE_ARN: roleArn,
      // A Fargate job takes minutes to start; 10 leave 5 of Lambda compute's 15 for the rest of the build.
      SMOKE_TEST_TIMEOUT_SECONDS: String(SMOKE_TEST_WAIT_SECONDS),
      SMOKE_TEST_JOB_NAME_PREFIX: `smoke-${stageName}`,
    },
    envFromCfnOutputs: {
      JOB_QUEUE_ARN: stage.output('JobQueueArn'),
      SMOKE_TEST_QUEUE_URL: stage.output('SmokeTestQueueUrl'),
      SMOKE_TEST_JOB_DEFINITION_ARN: stage.output('SmokeTestJobDefinitionArn'),
    },
    rolePolicyStatements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [roleArn] })],
  });
}
