/**
 * A model of a synthesized CDK pipeline's running time, read from its CloudFormation template alone:
 * the CodePipeline's stages in order, actions with the same RunOrder in parallel (the slowest
 * counts), every action priced from the table below by what it is and, for CodeBuild, by the
 * commands its project's buildspec runs (read by `./support/pipeline-template`). Pure: no AWS, no clock, no CDK.
 */
import {
  type ActionKind,
  type PipelineAction,
  type PipelineStage,
  type ReadOptions,
  readPipeline,
} from './support/pipeline-template';

/**
 * Modelled seconds, one constant per kind of work; change one and every figure of the bench follows.
 * "Estimate" marks a number for which no measurement was found; the others cite theirs.
 */
export const SECONDS = {
  /** CodePipeline's scheduling of an action and noticing its end. Estimate; aws/aws-cdk#14158 reports
   * ~4 min of fixed overhead per run of a two-environment CDK pipeline, every step being an action. */
  actionHandoff: 5,
  /** Source action copying one S3 object version into the artifact bucket. Estimate. */
  source: 10,
  /** A CodeBuild job's fixed cost around its commands (queue, provisioning, source, artifacts). Measured
   * 36 s (blog.kriation.com, "CodeBuild cache for Jekyll build", 2021); ~30 s is the norm
   * (masakimisawa.com/?p=2900); rounded up for the standard image's cold start. */
  codeBuildStart: 45,
  /** `npm ci` of this repository's lockfile (CDK, jest, swc, esbuild, TypeScript), no cache. Estimate. */
  npmCi: 75,
  /** `npm install -g aws-cdk@x` or `cdk-assets@x`: 12 s from that command to the next (aws/aws-cdk#15381). */
  cliInstall: 12,
  /** `npm test` (tsc, ESLint, Prettier, actionlint, jest, integ-runner). Estimate: the old Synth step then
   * models 9 minutes, the middle of the team's own 8-10 minutes. */
  fullTestSuite: 355,
  /** One test or lint tool on its own (`eslint`, `jest`, `tsc`, `integ-runner`, `npm run lint`). Estimate. */
  testTool: 60,
  /** `npm run synth` / `cdk synth`, handlers bundled. Estimate (bench/synth.ts measures it locally). */
  synth: 60,
  /** `cdk -a . deploy Pipeline`, pipeline unchanged: a SelfMutate build takes 2 minutes (aws/aws-cdk#19542),
   * less the CodeBuild start, hand-off and CLI install. */
  selfMutationDeploy: 60,
  /** One `cdk-assets ... publish` of a small Lambda zip to the bootstrap bucket. Estimate. */
  assetPublish: 5,
  /** `node <bundle>.cjs`: Node's start and the script's own calls, before any waiting. Estimate. */
  nodeScript: 1,
  /** `npx tsx <file>.ts`: tsx compiles on start. Estimate. */
  tsxScript: 4,
  /** Any other command (`cd`, `echo`, `aws ...`). Estimate. */
  otherCommand: 2,
  /** CHANGE_SET_REPLACE ("Prepare"). Estimate; usually ready well within the 90 s a deploy tool waited by
   * default (acquia/moonshot#227), a 12-minute Prepare was exceptional (aws/aws-cdk#11910). */
  changeSetCreate: 30,
  /** CHANGE_SET_EXECUTE of a typical JobBase update (handler code, a job definition revision). Estimate; a
   * 57-resource stack's update took 165 s (aws/aws-cdk#19201); compute environment or VPC changes take longer. */
  changeSetExecute: 90,
  /** The smoke test's probe job: Fargate capacity in ~30 s (AWS Batch User Guide, "When to use Fargate"),
   * ~20 s image pull and start, ~10 s of EventBridge, Lambda, SNS and SQS. Estimate. */
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

const TEST = /\b(npm (run )?test|npm run lint|eslint|jest|integ-runner|tsc)\b/;
const FULL_TEST_SUITE = /\bnpm (run )?test\b/;
const CLI_INSTALL = /\bnpm (install|i) (-g|--global) (aws-cdk|cdk-assets)\b/;
const DEPENDENCIES = /\bnpm (ci|install|i)\b/;
const ASSET_PUBLISH = /\bcdk-assets\b.*\bpublish\b/;
const SELF_MUTATION = /\bcdk\b.*\s-a\s+\S+\s+deploy\b/;
const SYNTH = /\b(npm run synth|cdk synth)\b/;
const TSX_SCRIPT = /^(npx )?tsx\s/;
const NODE_SCRIPT = /^node\s/;

/** What one buildspec command does, and what it costs. */
export function classifyCommand(text: string): Command {
  const command = text.trim();
  const is = (kind: CommandKind, seconds: number): Command => ({ text: command, kind, seconds });
  if (ASSET_PUBLISH.test(command)) return is('asset-publish', SECONDS.assetPublish);
  if (CLI_INSTALL.test(command)) return is('cli-install', SECONDS.cliInstall);
  if (SELF_MUTATION.test(command)) return is('self-mutation', SECONDS.selfMutationDeploy);
  if (TEST.test(command)) {
    return is('test', FULL_TEST_SUITE.test(command) ? SECONDS.fullTestSuite : SECONDS.testTool);
  }
  if (DEPENDENCIES.test(command)) return is('dependencies', SECONDS.npmCi);
  if (SYNTH.test(command)) return is('synth', SECONDS.synth);
  if (TSX_SCRIPT.test(command)) return is('script', SECONDS.tsxScript);
  if (NODE_SCRIPT.test(command)) return is('script', SECONDS.nodeScript);
  return is('other', SECONDS.otherCommand);
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
export const isSmokeTest = (action: Pick<PipelineAction, 'kind' | 'name'>): boolean =>
  action.kind === 'codebuild' && action.name.includes('SmokeTest');

function priced(action: PipelineAction): ActionModel {
  const commands = action.commands.map(classifyCommand);
  if (action.kind !== 'codebuild') {
    return { ...action, commands, seconds: SECONDS.actionHandoff + ACTION_SECONDS[action.kind] };
  }
  const work = commands.reduce((total, c) => total + c.seconds, 0);
  const wait = isSmokeTest(action) ? SECONDS.smokeTestJob : 0;
  return { ...action, commands, seconds: SECONDS.actionHandoff + SECONDS.codeBuildStart + work + wait };
}

function stepsOf(stage: PipelineStage): Step[] {
  const actions = stage.actions.map(priced);
  const runOrders = [...new Set(actions.map((a) => a.runOrder))].sort((a, b) => a - b);
  return runOrders.map((runOrder) => {
    const parallel = actions.filter((a) => a.runOrder === runOrder);
    const slowest = parallel.reduce((max, a) => (a.seconds > max.seconds ? a : max));
    return { stage: stage.name, runOrder, actions: parallel, slowest, seconds: slowest.seconds };
  });
}

/** The template's pipeline, stage by stage and step by step, every action priced. */
export function pipelineStages(template: unknown, options: ReadOptions = {}): StageModel[] {
  return readPipeline(template, options).map((stage) => ({ name: stage.name, steps: stepsOf(stage) }));
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
  for (const stage of stages) {
    const approval = stage.steps.find((s) => has(s, ['approval']));
    if (!approval) continue;
    const from = approval.runOrder;
    const to = stage.steps.filter((s) => s.runOrder >= from && has(s, EXECUTES)).at(-1)?.runOrder ?? from;
    return criticalPath(
      stage.steps.filter((s) => s.runOrder >= from && s.runOrder <= to),
      stage.steps.filter((s) => s.runOrder > to && has(s, ['codebuild'])),
    );
  }
  return undefined;
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
