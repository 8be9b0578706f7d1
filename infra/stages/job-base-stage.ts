import { Stage, type CfnOutput, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { stageResourceNames } from '../config/names';
import type { StageConfig } from '../config/schema';
import type { JobBaseOutputName } from '../stacks/job-base-outputs';
import { JobBaseStack } from '../stacks/job-base-stack';

export interface JobBaseStageProps extends StageProps {
  readonly appName: string;
  readonly stage: StageConfig;
  /** @default - the stage's own */
  readonly smokeTestAccount?: string;
  /** On the stack alone (CloudFormation copies them), so deploy-time values leave the template alone. */
  readonly stackTags?: Readonly<Record<string, string>>;
}

export class JobBaseStage extends Stage {
  public readonly stack: JobBaseStack;
  public readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: JobBaseStageProps) {
    super(scope, id, {
      ...props,
      env: props.env ?? { account: props.stage.account, region: props.stage.region },
    });
    this.config = props.stage;
    this.stack = new JobBaseStack(this, 'JobBase', {
      appName: props.appName,
      stage: props.stage,
      stackName: stageResourceNames(props.appName, props.stage.name).stack.name,
      description: `Batch job platform (${props.appName}), stage ${props.stage.name}: JobBase`,
      terminationProtection: props.stage.production,
      smokeTestAccount: props.smokeTestAccount,
    });
    for (const [key, value] of Object.entries(props.stackTags ?? {})) this.stack.tags.setTag(key, value);
  }

  /** A stack output, for pipeline steps (`envFromCfnOutputs`) and workflows to read. */
  public output(name: JobBaseOutputName): CfnOutput {
    const output = this.stack.outputs[name];
    if (!output) throw new Error(`stage '${this.stageName}' has no output '${name}'`);
    return output;
  }
}
