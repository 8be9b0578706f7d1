/**
 * A model of a synthesized CDK pipeline's running time, read from its CloudFormation template alone:
 * the CodePipeline's stages in order, actions with the same RunOrder in parallel (the slowest
 * counts), every action priced from the table below by what it is and, for CodeBuild, by its
 * compute and the commands its project's buildspec runs (read by `./support/pipeline-template`).
 * Pure: no AWS, no clock, no CDK.
 */
import {
  type ActionKind,
  type PipelineAction,
  type PipelineStage,
  type ReadOptions,
  readPipeline,
  readsSsmParameters,
} from './support/pipeline-template';

/** Modelled seconds per kind of work; "Estimate" marks a number no measurement was found for. */
export const SECONDS = {
  /** CodePipeline scheduling an action and noticing its end. Estimate; aws/aws-cdk#14158 reports ~4 min
   * of fixed overhead per run of a two-environment CDK pipeline. */
  actionHandoff: 5,
  /** Source action copying one S3 object version. Estimate. */
  source: 10,
  /** A CodeBuild job's fixed cost around its commands on on-demand EC2: 36 s measured (blog.kriation.com, 2021), ~30 s the
   * norm (masakimisawa.com/?p=2900), rounded up for the standard image's cold start. */
  codeBuildStart: 45,
  /** The same on CodeBuild Lambda compute, which "supports faster builds due to a lower start-up
   * latency" and does not queue (CodeBuild User Guide, "Run builds on AWS Lambda compute"). Estimate: AWS
   * publishes no figure; the source download and log upload remain. */
  lambdaComputeStart: 10,
  /** `npm ci` of this repository's lockfile, no cache. Estimate. */
  npmCi: 75,
  /** `npm install -g aws-cdk@x` or `cdk-assets@x`: 12 s (aws/aws-cdk#15381). */
  cliInstall: 12,
  /** `npm test`, everything. Estimate: the old Synth step then takes the team's own 8-10 minutes. */
  fullTestSuite: 355,
  /** One test or lint tool on its own (`eslint`, `jest`, `tsc`, `integ-runner`, `npm run lint`). Estimate. */
  testTool: 60,
  /** `npm run synth`, handlers bundled. Estimate (bench/synth.ts measures it locally). */
  synth: 60,
  /** `cdk -a . deploy Pipeline`, unchanged: a SelfMutate build's 2 minutes (aws/aws-cdk#19542) less
   * the CodeBuild start, hand-off and CLI install. */
  selfMutationDeploy: 60,
  /** The same when the pipeline's template is unchanged and reads no SSM parameter, so the CLI skips
   * the deployment (aws-cdk's `canSkipDeploy`): it only compares the templates. Estimate. */
  selfMutationUnchanged: 15,
  /** One `cdk-assets publish` of a small Lambda zip. Estimate. */
  assetPublish: 5,
  /** `node <bundle>.cjs` before any waiting. Estimate. */
  nodeScript: 1,
  /** `npx tsx <file>.ts`, which compiles on start. Estimate. */
  tsxScript: 4,
  /** Any other command (`cd`, `echo`, `aws ...`). Estimate. */
  otherCommand: 2,
  /** CHANGE_SET_REPLACE. Estimate; usually well within 90 s (acquia/moonshot#227), 12 minutes once
   * (aws/aws-cdk#11910). */
  changeSetCreate: 30,
  /** CHANGE_SET_EXECUTE of a typical JobBase update. Estimate; a 57-resource stack's update took 165 s
   * (aws/aws-cdk#19201). */
  changeSetExecute: 90,
  /** The smoke test's probe job: Fargate capacity ~30 s (AWS Batch User Guide), image pull and start
   * ~20 s, EventBridge to SQS ~10 s. Estimate. */
  smokeTestJob: 60,
  /** Manual approval: a person's time, not modelled. */
  approval: 0,
} as const;

export type CommandKind =
  'test' | 'dependencies' | 'cli-install' | 'asset-publish' | 'self-mutation' | 'synth' | 'script' | 'other';

export interface Command {
  readonly text: string;
  readonly kind: CommandKind;
  readonly seconds: number;
}

export interface ActionModel extends Omit<PipelineAction, 'commands'> {
  readonly commands: readonly Command[];
  readonly seconds: number;
}

/** The actions of one stage that share a RunOrder: they run in parallel, the slowest counts. */
export interface Step {
  readonly stage: string;
  readonly runOrder: number;
  readonly actions: readonly ActionModel[];
  readonly slowest: ActionModel;
  readonly seconds: number;
}

export interface StageModel {
  readonly name: string;
  readonly steps: readonly Step[];
}

/** The first that matches prices a command. */
const COMMANDS: ReadonlyArray<readonly [RegExp, CommandKind, number]> = [
  [/\bcdk-assets\b.*\bpublish\b/, 'asset-publish', SECONDS.assetPublish],
  [/\bnpm (install|i) (-g|--global) (aws-cdk|cdk-assets)\b/, 'cli-install', SECONDS.cliInstall],
  [/\bcdk\b.*\s-a\s+\S+\s+deploy\b/, 'self-mutation', SECONDS.selfMutationDeploy],
  [/\bnpm (run )?test\b/, 'test', SECONDS.fullTestSuite],
  [/\b(npm run lint|eslint|jest|integ-runner|tsc)\b/, 'test', SECONDS.testTool],
  [/\bnpm (ci|install|i)\b/, 'dependencies', SECONDS.npmCi],
  [/\b(npm run synth|cdk synth)\b/, 'synth', SECONDS.synth],
  [/^(npx )?tsx\s/, 'script', SECONDS.tsxScript],
  [/^node\s/, 'script', SECONDS.nodeScript],
  [/(?:)/, 'other', SECONDS.otherCommand],
];

export function classifyCommand(text: string): Command {
  const command = text.trim();
  const [, kind, seconds] = COMMANDS.find(([pattern]) => pattern.test(command))!;
  return { text: command, kind, seconds };
}

const ACTION_SECONDS: Record<Exclude<ActionKind, 'codebuild'>, number> = {
  source: SECONDS.source,
  'change-set-create': SECONDS.changeSetCreate,
  'change-set-execute': SECONDS.changeSetExecute,
  cloudformation: SECONDS.changeSetCreate + SECONDS.changeSetExecute,
  approval: SECONDS.approval,
  other: 0,
};

/** The CodeBuild action of a stage that runs its smoke test: it waits for a probe job. */
const isSmokeTest = (action: Pick<PipelineAction, 'kind' | 'name'>): boolean =>
  action.kind === 'codebuild' && action.name.includes('SmokeTest');

/** What the model assumes of the run it prices. */
interface RunAssumptions {
  /** A merge that changes the app, not the pipeline: self-mutation may skip unless SSM forbids it. */
  readonly selfMutationSkips: boolean;
}

function commandOf(text: string, run: RunAssumptions): Command {
  const command = classifyCommand(text);
  return command.kind === 'self-mutation' && run.selfMutationSkips
    ? { ...command, seconds: SECONDS.selfMutationUnchanged }
    : command;
}

const LAMBDA_COMPUTE = 'LINUX_LAMBDA_CONTAINER';

function priced(action: PipelineAction, run: RunAssumptions): ActionModel {
  const commands = action.commands.map((text) => commandOf(text, run));
  if (action.kind !== 'codebuild') {
    return { ...action, commands, seconds: SECONDS.actionHandoff + ACTION_SECONDS[action.kind] };
  }
  const work = commands.reduce((total, c) => total + c.seconds, 0);
  const wait = isSmokeTest(action) ? SECONDS.smokeTestJob : 0;
  const environment = action.project?.Environment as { Type?: unknown } | undefined;
  const start = environment?.Type === LAMBDA_COMPUTE ? SECONDS.lambdaComputeStart : SECONDS.codeBuildStart;
  return { ...action, commands, seconds: SECONDS.actionHandoff + start + work + wait };
}

function stepsOf(stage: PipelineStage, run: RunAssumptions): Step[] {
  const actions = stage.actions.map((action) => priced(action, run));
  const runOrders = [...new Set(actions.map((a) => a.runOrder))].sort((a, b) => a - b);
  return runOrders.map((runOrder) => {
    const parallel = actions.filter((a) => a.runOrder === runOrder);
    const slowest = parallel.reduce((max, a) => (a.seconds > max.seconds ? a : max));
    return { stage: stage.name, runOrder, actions: parallel, slowest, seconds: slowest.seconds };
  });
}

/** The template's pipeline, stage by stage and step by step, every action priced. */
export function pipelineStages(template: unknown, options: ReadOptions = {}): StageModel[] {
  const run = { selfMutationSkips: !readsSsmParameters(template) };
  return readPipeline(template, options).map((stage) => ({ name: stage.name, steps: stepsOf(stage, run) }));
}

/** A run of sequential steps, from one action to another. */
export interface CriticalPath {
  readonly steps: readonly Step[];
  /** Steps that start at least one CodeBuild job: each is a CodeBuild start the path waits for. */
  readonly codeBuildStarts: number;
  readonly seconds: number;
  /** After the production deploy: the CodeBuild steps that follow it in its stage (path (b) only). */
  readonly after: readonly Step[];
  readonly afterSeconds: number;
}

export interface PipelineAnalysis {
  readonly stages: readonly StageModel[];
  /** The first stage that deploys a CloudFormation stack. */
  readonly firstDeployStage?: string;
  /** (a) From the source action to the end of the first deployed stage's smoke test (or deploy). */
  readonly toFirstStageTested?: CriticalPath;
  /** (b) From the first manual approval to the end of its stage's change-set execution. */
  readonly approvalToProduction?: CriticalPath;
  /** Test and lint commands in all CodeBuild actions. */
  readonly testRuns: number;
  /** CodeBuild actions that run `cdk-assets ... publish`. */
  readonly assetJobs: number;
  /** Sequential CodeBuild starts, and CodeBuild jobs in all, before the first CloudFormation action. */
  readonly codeBuildStartsBeforeFirstDeploy: number;
  readonly codeBuildJobsBeforeFirstDeploy: number;
}

const DEPLOYS: readonly ActionKind[] = ['change-set-create', 'change-set-execute', 'cloudformation'];
const EXECUTES: readonly ActionKind[] = ['change-set-execute', 'cloudformation'];
const has = (step: Step, kinds: readonly ActionKind[]): boolean =>
  step.actions.some((a) => kinds.includes(a.kind));
const sum = (steps: readonly Step[]): number => steps.reduce((total, s) => total + s.seconds, 0);

function criticalPath(steps: readonly Step[], after: readonly Step[] = []): CriticalPath {
  const codeBuildStarts = steps.filter((s) => has(s, ['codebuild'])).length;
  return { steps, codeBuildStarts, seconds: sum(steps), after, afterSeconds: sum(after) };
}

/** (a): every step before the first deploying stage, then that stage up to its smoke test. */
function toFirstStageTested(stages: readonly StageModel[]): CriticalPath | undefined {
  const index = stages.findIndex((stage) => stage.steps.some((s) => has(s, DEPLOYS)));
  const stage = stages[index];
  if (!stage) return undefined;
  const actions = stage.steps.flatMap((s) => s.actions);
  const end = actions.filter(isSmokeTest).at(-1) ?? actions.filter((a) => EXECUTES.includes(a.kind)).at(-1);
  const last = end?.runOrder ?? Infinity;
  const before = stages.slice(0, index).flatMap((s) => s.steps);
  return criticalPath([...before, ...stage.steps.filter((s) => s.runOrder <= last)]);
}

/** (b): in the stage of the first manual approval, from the approval to the last execution after it. */
function approvalToProduction(stages: readonly StageModel[]): CriticalPath | undefined {
  const steps = stages.find((stage) => stage.steps.some((s) => has(s, ['approval'])))?.steps;
  const from = steps?.find((s) => has(s, ['approval']))?.runOrder;
  if (!steps || from === undefined) return undefined;
  const to = steps.filter((s) => s.runOrder >= from && has(s, EXECUTES)).at(-1)?.runOrder ?? from;
  return criticalPath(
    steps.filter((s) => s.runOrder >= from && s.runOrder <= to),
    steps.filter((s) => s.runOrder > to && has(s, ['codebuild'])),
  );
}

/** What a synthesized pipeline template runs, and how long its two critical paths are modelled to take. */
export function analysePipeline(template: unknown, options: ReadOptions = {}): PipelineAnalysis {
  const stages = pipelineStages(template, options);
  const steps = stages.flatMap((s) => s.steps);
  const actions = steps.flatMap((s) => s.actions);
  const firstDeploy = steps.findIndex((s) => has(s, DEPLOYS));
  const beforeDeploy = firstDeploy < 0 ? steps : steps.slice(0, firstDeploy);
  return {
    stages,
    firstDeployStage: steps[firstDeploy]?.stage,
    toFirstStageTested: toFirstStageTested(stages),
    approvalToProduction: approvalToProduction(stages),
    testRuns: actions.flatMap((a) => a.commands).filter((c) => c.kind === 'test').length,
    assetJobs: actions.filter((a) => a.commands.some((c) => c.kind === 'asset-publish')).length,
    codeBuildStartsBeforeFirstDeploy: beforeDeploy.filter((s) => has(s, ['codebuild'])).length,
    codeBuildJobsBeforeFirstDeploy: beforeDeploy
      .flatMap((s) => s.actions)
      .filter((a) => a.kind === 'codebuild').length,
  };
}
