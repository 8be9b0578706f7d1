/**
 * `npm run bench -- pipeline`: how long the pipeline takes from a merge to a smoke-tested first stage,
 * and from the production approval to production deployed, modelled from the synthesized template of
 * the current pipeline (`infra/pipeline/pipeline-stack.ts`) against the baseline of
 * `bench/baseline-pipeline.ts`. Nothing runs on AWS: the shape is read from the templates, the times
 * are the constants of `bench/pipeline-model.ts`.
 */
import { App, type Stack } from 'aws-cdk-lib';
import * as cdkJson from '../cdk.json';
import { parseConfig } from '../infra/config/load';
import type { AppConfig } from '../infra/config/schema';
import type * as PipelineStackModule from '../infra/pipeline/pipeline-stack';
import { appConfig } from '../infra/config/stages';
import { baselinePipeline } from './baseline-pipeline';
import { progress } from './progress';
import {
  SECONDS,
  analysePipeline,
  type CommandKind,
  type CriticalPath,
  type PipelineAnalysis,
  type Step,
} from './pipeline-model';
import { assemblyFiles } from './support/pipeline-template';

/** Targets for the current pipeline. */
const TARGET_TEST_RUNS = 0;
const TARGET_CODEBUILD_STARTS_BEFORE_DEPLOY = 2;
const TARGET_ASSET_JOBS = 1;
const TARGET_FIRST_STAGE_TESTED_SECONDS = 6 * 60;

interface Column {
  readonly label: string;
  readonly analysis?: PipelineAnalysis;
  /** Why there is no analysis. */
  readonly problem?: string;
}

const announce = progress('pipeline', 2);

/**
 * A pipeline as the CLI would synthesize it (the feature flags of cdk.json), handlers left unbundled
 * (the shape is what counts); the buildspec files CDK Pipelines writes into the cloud assembly are
 * read from it.
 */
function synthesize(label: string, build: (app: App, config: AppConfig) => Stack): PipelineAnalysis {
  announce(`synthesizing the ${label} pipeline`);
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stack = build(app, parseConfig(appConfig));
  const assembly = app.synth();
  const template: unknown = assembly.getStackArtifact(stack.artifactId).template;
  return analysePipeline(template, { buildSpecFile: assemblyFiles(assembly.directory) });
}

function baseline(): Column {
  const analysis = synthesize('baseline', (app, config) => baselinePipeline(app, 'Pipeline', { config }));
  return { label: 'baseline', analysis };
}

/** Loaded when the bench runs, so that a pipeline mid-rewrite is reported rather than failing the bench. */
const PIPELINE_STACK_MODULE = '../infra/pipeline/pipeline-stack';

async function current(): Promise<Column> {
  try {
    const { PipelineStack } = (await import(PIPELINE_STACK_MODULE)) as typeof PipelineStackModule;
    const analysis = synthesize(
      'current',
      (app, config) =>
        new PipelineStack(app, 'Pipeline', {
          config,
          env: { account: config.pipeline.account, region: config.pipeline.region },
        }),
    );
    return { label: 'current', analysis };
  } catch (error) {
    return { label: 'current', problem: error instanceof Error ? error.message : String(error) };
  }
}

const minutes = (seconds: number): string =>
  `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;
const time = (seconds: number): string => `${minutes(seconds)} (${seconds} s)`;

const COMMAND_LABELS: Record<CommandKind, string> = {
  test: 'test/lint',
  dependencies: 'npm ci',
  'cli-install': 'CLI install',
  'asset-publish': 'cdk-assets publish',
  'self-mutation': 'cdk deploy (self-mutation)',
  synth: 'synth',
  script: 'script',
  other: 'other',
};

/** The slowest action of a step: what it is and what it runs. */
function kindOf(step: Step): string {
  const action = step.slowest;
  if (action.kind !== 'codebuild') return action.kind;
  const counts = new Map<string, number>();
  for (const { kind } of action.commands) {
    counts.set(COMMAND_LABELS[kind], (counts.get(COMMAND_LABELS[kind]) ?? 0) + 1);
  }
  const runs = [...counts].map(([label, n]) => (n > 1 ? `${label} x${n}` : label));
  return `CodeBuild: ${runs.join(', ') || 'no commands found'}`;
}

function stepCells(step: Step | undefined): string[] {
  if (!step) return ['', '', ''];
  const parallel = step.actions.length > 1 ? ` (slowest of ${step.actions.length} in parallel)` : '';
  return [`${step.stage} / ${step.slowest.name}${parallel}`, kindOf(step), String(step.seconds)];
}

function printPath(
  title: string,
  columns: readonly Column[],
  pick: (a: PipelineAnalysis) => CriticalPath | undefined,
): void {
  const paths = columns.map((c) => (c.analysis ? pick(c.analysis) : undefined));
  console.log(`\n### ${title}\n`);
  console.log(`| # | ${columns.map((c) => `${c.label}: stage / action | kind | s`).join(' | ')} |`);
  console.log(`|---:|${columns.map(() => '---|---|---:').join('|')}|`);
  const rows = Math.max(0, ...paths.map((p) => (p ? p.steps.length + p.after.length : 0)));
  for (let i = 0; i < rows; i += 1) {
    const cells = paths.flatMap((p) => {
      if (!p) return stepCells(undefined);
      const step = p.steps[i];
      if (step) return stepCells(step);
      const after = p.after[i - p.steps.length];
      return after ? stepCells({ ...after, stage: `after deploy: ${after.stage}` }) : stepCells(undefined);
    });
    console.log(`| ${i + 1} | ${cells.join(' | ')} |`);
  }
  const total = (p: CriticalPath | undefined): string[] =>
    p
      ? [`**total**, ${p.codeBuildStarts} CodeBuild starts`, '', `**${time(p.seconds)}**`]
      : ['not found', '', ''];
  console.log(`| | ${paths.flatMap(total).join(' | ')} |`);
  if (paths.some((p) => p && p.after.length > 0)) {
    const after = (p: CriticalPath | undefined): string[] =>
      p ? ['with the post-deploy steps', '', time(p.seconds + p.afterSeconds)] : ['', '', ''];
    console.log(`| | ${paths.flatMap(after).join(' | ')} |`);
  }
}

function printSummary(columns: readonly Column[]): void {
  const row = (label: string, value: (a: PipelineAnalysis) => string): void =>
    console.log(`| ${label} | ${columns.map((c) => (c.analysis ? value(c.analysis) : '-')).join(' | ')} |`);
  console.log(`| | ${columns.map((c) => c.label).join(' | ')} |`);
  console.log(`|---|${columns.map(() => '---').join('|')}|`);
  row('stages', (a) => a.stages.map((s) => s.name).join(' → '));
  row('(a) source → first stage smoke-tested', (a) =>
    a.toFirstStageTested
      ? `${time(a.toFirstStageTested.seconds)}, ${a.toFirstStageTested.codeBuildStarts} CodeBuild starts`
      : 'not found',
  );
  row('(b) approval → production deployed', (a) =>
    a.approvalToProduction ? time(a.approvalToProduction.seconds) : 'no approval',
  );
  row('(b) post-deploy steps after it', (a) =>
    a.approvalToProduction?.after.length ? time(a.approvalToProduction.afterSeconds) : '-',
  );
  row('test/lint runs in the pipeline', (a) => String(a.testRuns));
  row('asset-publishing CodeBuild jobs', (a) => String(a.assetJobs));
  row(
    'CodeBuild before the first CloudFormation action (sequential starts / jobs)',
    (a) => `${a.codeBuildStartsBeforeFirstDeploy} / ${a.codeBuildJobsBeforeFirstDeploy}`,
  );
}

interface Target {
  readonly label: string;
  readonly value: (a: PipelineAnalysis) => number;
  readonly met: (value: number) => boolean;
  readonly show?: (value: number) => string;
}

const TARGETS: readonly Target[] = [
  {
    label: 'zero test or lint runs inside the pipeline',
    value: (a) => a.testRuns,
    met: (v) => v <= TARGET_TEST_RUNS,
  },
  {
    label: `at most ${TARGET_CODEBUILD_STARTS_BEFORE_DEPLOY} sequential CodeBuild starts before the first stage deploys`,
    value: (a) => a.codeBuildStartsBeforeFirstDeploy,
    met: (v) => v <= TARGET_CODEBUILD_STARTS_BEFORE_DEPLOY,
  },
  { label: 'exactly one asset job', value: (a) => a.assetJobs, met: (v) => v === TARGET_ASSET_JOBS },
  {
    label: `source → first stage smoke-tested at most ${TARGET_FIRST_STAGE_TESTED_SECONDS / 60} min (modelled)`,
    value: (a) => a.toFirstStageTested?.seconds ?? Infinity,
    met: (v) => v <= TARGET_FIRST_STAGE_TESTED_SECONDS,
    show: (v) => (Number.isFinite(v) ? time(v) : 'not found'),
  },
];

function printTargets([base, now]: readonly Column[]): void {
  console.log('\n### Targets (current pipeline)\n');
  console.log('| target | baseline | current | result |');
  console.log('|---|---|---|---|');
  for (const { label, value, met, show = String } of TARGETS) {
    const before = base?.analysis ? show(value(base.analysis)) : '-';
    const after = now?.analysis ? value(now.analysis) : undefined;
    const result = after === undefined ? 'not measured' : met(after) ? 'met' : 'NOT met';
    console.log(`| ${label} | ${before} | ${after === undefined ? '-' : show(after)} | ${result} |`);
  }
}

export async function run(): Promise<void> {
  const columns = [baseline(), await current()];
  for (const { label, problem } of columns) {
    if (problem) console.log(`The ${label} pipeline did not synthesize: ${problem}\n`);
  }
  console.log(
    'Modelled, not measured: the shape comes from the synthesized templates, every time from the constants ' +
      'in bench/pipeline-model.ts (most of them estimates, each with its source); a manual approval adds no time for the person who approves.\n',
  );
  printSummary(columns);
  printPath('(a) Source → first stage smoke-tested', columns, (a) => a.toFirstStageTested);
  printPath('(b) Production approval → production deployed', columns, (a) => a.approvalToProduction);
  printTargets(columns);
  console.log(
    `\nConstants (s): ${Object.entries(SECONDS)
      .map(([name, s]) => `${name} ${s}`)
      .join(', ')}.`,
  );
}
