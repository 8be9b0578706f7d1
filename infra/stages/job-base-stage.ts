import { Stage, type CfnOutput, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { stageResourceNames } from '../config/names';
import type { StageConfig } from '../config/schema';
import { JobBaseStack, type JobBaseOutputName } from '../stacks/job-base-stack';

export interface JobBaseStageProps extends StageProps {
  readonly appName: string;
  readonly stage: StageConfig;
  /** The account allowed to run the stage's smoke test (the pipeline's). @default - the stage's own */
  readonly smokeTestAccount?: string;
  /**
   * CloudFormation stack tags, which CloudFormation copies to every resource that takes tags. Set on
   * the stack alone, not on each resource of the template, so that values known only at deploy time
   * (the run, the time) leave the template unchanged.
   * @default - none
   */
  readonly stackTags?: Readonly<Record<string, string>>;
}

/** One deployable copy of the platform: the JobBase stack in the stage's account and region. */
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
