import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  assemblyFiles,
  flattenIntrinsic,
  readPipeline,
  type PipelineAction,
  type PipelineStage,
} from '../../../bench/support/pipeline-template';
import type { AppConfig, StageConfig } from '../../../infra/config/schema';
import { PipelineStack } from '../../../infra/pipeline/pipeline-stack';
import { exampleConfig, stageConfig, testApp } from '../../support/cdk';

export const PIPELINE_ACCOUNT = '111111111111';

export interface SynthesizedPipeline {
  readonly app: App;
  readonly stack: PipelineStack;
  readonly template: Template;
  /** The CodePipeline's stages as the template declares them, buildspec commands read. */
  readonly stages: readonly PipelineStage[];
}

/** The pipeline stack of a configuration (the example's by default), synthesized and read. */
export function synthPipeline(config: AppConfig = exampleConfig()): SynthesizedPipeline {
  const app = testApp();
  const stack = new PipelineStack(app, 'Pipeline', {
    config,
    env: { account: config.pipeline.account, region: config.pipeline.region },
  });
  const template = Template.fromStack(stack);
  // CDK Pipelines writes the asset job's long buildspec into the assembly rather than the template.
  const stages = readPipeline(template.toJSON(), { buildSpecFile: assemblyFiles(app.outdir) });
  return { app, stack, template, stages };
}

export function stageNamed(pipeline: SynthesizedPipeline, name: string): PipelineStage {
  const stage = pipeline.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`the pipeline has no stage '${name}'`);
  return stage;
}

export function actionNamed(stage: PipelineStage, name: string): PipelineAction {
  const action = stage.actions.find((a) => a.name === name);
  if (!action)
    throw new Error(`${stage.name} has no action ${name}: ${stage.actions.map((a) => a.name).join(', ')}`);
  return action;
}

/** The CloudFormation actions that deploy one stack, in run order. */
export function deployActions(stage: PipelineStage, stackName: string): PipelineAction[] {
  return stage.actions
    .filter((a) => a.configuration.StackName === stackName)
    .sort((x, y) => x.runOrder - y.runOrder);
}

/** A CodeBuild action's environment, `{ Ref: AWS::Partition }` written `<AWS::Partition>`. */
export function envOf(action: PipelineAction): Record<string, string | undefined> {
  const environment = action.project?.Environment as { EnvironmentVariables?: unknown[] } | undefined;
  const variables = (environment?.EnvironmentVariables ?? []) as Array<{ Name: string; Value: unknown }>;
  return Object.fromEntries(variables.map((v) => [v.Name, flattenIntrinsic(v.Value)]));
}

export type Statement = Record<string, unknown>;

/** Every statement of every policy attached to a CodeBuild action's role. */
export function roleStatements(pipeline: SynthesizedPipeline, action: PipelineAction): Statement[] {
  const roleId = (action.project?.ServiceRole as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(pipeline.template.findResources('AWS::IAM::Policy'))
    .map(
      (p) => p.Properties as { Roles: Array<{ Ref?: string }>; PolicyDocument: { Statement: Statement[] } },
    )
    .filter((p) => p.Roles.some((r) => r.Ref === roleId))
    .flatMap((p) => p.PolicyDocument.Statement);
}

/** A statement's `Action` or `Resource`, always as a list, tokens flattened. */
export const listOf = (value: unknown): Array<string | undefined> =>
  (Array.isArray(value) ? value : [value]).map(flattenIntrinsic);

/** One of the example's stages, changed. */
export function exampleStage(name: 'dev' | 'prod', changes: Partial<StageConfig> = {}): StageConfig {
  const stage = exampleConfig().stages.find((s) => s.name === name);
  if (!stage) throw new Error(`the example configuration has no stage '${name}'`);
  return { ...stage, ...changes };
}

const withStages = (...stages: StageConfig[]): AppConfig => ({ ...exampleConfig(), stages });

/** The configurations the pipeline is tested with, beside the example (dev, then prod in 222222222222). */
export const VARIANTS = {
  /** No stage in another account: no artifact key. */
  sameAccount: withStages(exampleStage('dev'), exampleStage('prod', { account: PIPELINE_ACCOUNT })),
  /** dev and qa in the wave 'early', prod (smoke-tested, in its own account) configured between them. */
  earlyWave: withStages(
    exampleStage('dev', { wave: 'early' }),
    exampleStage('prod', { smokeTest: true }),
    stageConfig({ name: 'qa', wave: 'early', smokeTest: true }),
  ),
  /** prod, prodeu (production, another account and region) and staging in the wave 'production'. */
  productionWave: withStages(
    exampleStage('dev'),
    exampleStage('prod', { wave: 'production' }),
    stageConfig({
      name: 'prodeu',
      account: '444444444444',
      region: 'eu-west-1',
      production: true,
      wave: 'production',
      vpc: { create: { availabilityZones: ['eu-west-1a'] } },
    }),
    stageConfig({ name: 'staging', wave: 'production' }),
  ),
  /** A stage in another region: a cross-region support stack. */
  otherRegion: withStages(
    exampleStage('dev'),
    stageConfig({
      name: 'dr',
      account: '222222222222',
      region: 'us-east-1',
      vpc: { create: { availabilityZones: ['us-east-1a'] } },
    }),
  ),
  /** No production stage. */
  devOnly: withStages(exampleStage('dev')),
};
