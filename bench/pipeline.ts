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
import type { PipelineCompute } from '../infra/config/pipeline-compute';
import type { AppConfig } from '../infra/config/schema';
import { appConfig } from '../infra/config/stages';
import type * as PipelineStackModule from '../infra/pipeline/pipeline-stack';
import { baselinePipeline } from './baseline-pipeline';
import {
  SECONDS,
  analysePipeline,
  type CriticalPath,
  type PipelineAnalysis,
  type Step,
} from './pipeline-model';
import { progress } from './progress';
import { assemblyFiles } from './support/pipeline-template';

interface Column {
  readonly label: string;
  readonly analysis?: PipelineAnalysis;
  /** Why there is no analysis. */
  readonly problem?: string;
}

const announce = progress('pipeline', 3);

/**
 * A pipeline synthesized with the project's feature flags, handlers left unbundled (the shape is what
 * counts). A pipeline that does not build (mid-rewrite) is reported rather than failing the bench.
 */
async function synthesize(
  label: string,
  build: (app: App, config: AppConfig) => Promise<Stack>,
): Promise<Column> {
  announce(`synthesizing the ${label} pipeline`);
  try {
    const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    const stack = await build(app, parseConfig(appConfig));
    const assembly = app.synth();
    const template: unknown = assembly.getStackArtifact(stack.artifactId).template;
    return {
      label,
      analysis: analysePipeline(template, { buildSpecFile: assemblyFiles(assembly.directory) }),
    };
  } catch (error) {
    return { label, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** Loaded when the bench runs, so that a pipeline that does not compile is reported too. */
const PIPELINE_STACK_MODULE = '../infra/pipeline/pipeline-stack';

/** The column the targets apply to: the pipeline on its default compute. */
const DEFAULT = 'default (lambda)';

/** The current pipeline with `pipeline.compute` as given. */
const current = (label: string, compute: PipelineCompute): Promise<Column> =>
  synthesize(label, async (app, config) => {
    const { PipelineStack } = (await import(PIPELINE_STACK_MODULE)) as typeof PipelineStackModule;
    const env = { account: config.pipeline.account, region: config.pipeline.region };
    const pipeline = { ...config.pipeline, compute };
    return new PipelineStack(app, 'Pipeline', { config: { ...config, pipeline }, env });
  });

const time = (s: number): string =>
  `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')} (${s} s)`;

/** A summary row; rows with a target are checked against the current pipeline. */
interface Row {
  readonly label: string;
  readonly value: (a: PipelineAnalysis) => string;
  readonly target?: { readonly label: string; readonly met: (a: PipelineAnalysis) => boolean };
}

const ROWS: readonly Row[] = [
  { label: 'stages', value: (a) => a.stages.map((s) => s.name).join(' → ') },
  {
    label: '(a) source → first stage smoke-tested',
    value: ({ toFirstStageTested: p }) =>
      p ? `${time(p.seconds)}, ${p.codeBuildStarts} CodeBuild starts` : 'not found',
    target: {
      label: 'at most 6 min (modelled)',
      met: (a) => (a.toFirstStageTested?.seconds ?? Infinity) <= 6 * 60,
    },
  },
  {
    label: '(b) approval → production deployed',
    value: (a) => (a.approvalToProduction ? time(a.approvalToProduction.seconds) : 'no approval'),
  },
  {
    label: '(b) post-deploy steps after it',
    value: (a) => (a.approvalToProduction?.after.length ? time(a.approvalToProduction.afterSeconds) : '-'),
  },
  {
    label: 'test/lint runs in the pipeline',
    value: (a) => String(a.testRuns),
    target: { label: 'zero', met: (a) => a.testRuns === 0 },
  },
  {
    label: 'asset-publishing CodeBuild jobs',
    value: (a) => String(a.assetJobs),
    target: { label: 'exactly one', met: (a) => a.assetJobs === 1 },
  },
  {
    label: 'CodeBuild before the first CloudFormation action (sequential starts / jobs)',
    value: (a) => `${a.codeBuildStartsBeforeFirstDeploy} / ${a.codeBuildJobsBeforeFirstDeploy}`,
    target: { label: 'at most 2 sequential starts', met: (a) => a.codeBuildStartsBeforeFirstDeploy <= 2 },
  },
];

function printSummary(columns: readonly Column[]): void {
  const now = columns.find((c) => c.label === DEFAULT)?.analysis;
  console.log(`| | ${columns.map((c) => c.label).join(' | ')} | target | result |`);
  console.log(`|---|${columns.map(() => '---').join('|')}|---|---|`);
  for (const { label, value, target } of ROWS) {
    const result = !target ? '' : !now ? 'not measured' : target.met(now) ? 'met' : 'NOT met';
    const cells = columns.map((c) => (c.analysis ? value(c.analysis) : '-'));
    console.log(`| ${label} | ${cells.join(' | ')} | ${target?.label ?? ''} | ${result} |`);
  }
}

/** Step, what its slowest action is and runs, and its modelled seconds. */
function stepCells(step: Step | undefined, prefix = ''): string[] {
  if (!step) return ['', '', ''];
  const { slowest, actions } = step;
  const parallel = actions.length > 1 ? ` (slowest of ${actions.length} in parallel)` : '';
  const counts = new Map<string, number>();
  for (const { kind } of slowest.commands) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const runs = [...counts].map(([kind, n]) => (n > 1 ? `${kind} x${n}` : kind)).join(', ');
  const kind = slowest.kind === 'codebuild' ? `CodeBuild: ${runs || 'no commands found'}` : slowest.kind;
  return [`${prefix}${step.stage} / ${slowest.name}${parallel}`, kind, String(step.seconds)];
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
    const cells = paths.flatMap((p) =>
      p && i >= p.steps.length
        ? stepCells(p.after[i - p.steps.length], 'after deploy: ')
        : stepCells(p?.steps[i]),
    );
    console.log(`| ${i + 1} | ${cells.join(' | ')} |`);
  }
  const total = (p?: CriticalPath) =>
    p
      ? [`**total**, ${p.codeBuildStarts} CodeBuild starts`, '', `**${time(p.seconds)}**`]
      : ['not found', '', ''];
  console.log(`| | ${paths.flatMap(total).join(' | ')} |`);
  if (paths.some((p) => p && p.after.length > 0)) {
    const after = (p?: CriticalPath) =>
      p ? ['with the post-deploy steps', '', time(p.seconds + p.afterSeconds)] : ['', '', ''];
    console.log(`| | ${paths.flatMap(after).join(' | ')} |`);
  }
}

export async function run(): Promise<void> {
  const baseline = await synthesize('baseline', (app, config) =>
    Promise.resolve(baselinePipeline(app, 'Pipeline', { config })),
  );
  const columns = [baseline, await current(DEFAULT, 'lambda'), await current('ec2', 'ec2')];
  for (const { label, problem } of columns) {
    if (problem) console.log(`The ${label} pipeline did not synthesize: ${problem}\n`);
  }
  console.log(
    'Modelled, not measured: the shape comes from the synthesized templates, every time from the constants ' +
      'in bench/pipeline-model.ts (most of them estimates, each with its source); a manual approval adds no time ' +
      'for the person who approves; a merge is assumed to change the app, not the pipeline. Targets apply ' +
      `to the ${DEFAULT} column; ec2 is the same pipeline with pipeline.compute: 'ec2'.\n`,
  );
  printSummary(columns);
  printPath('(a) Source → first stage smoke-tested', columns, (a) => a.toFirstStageTested);
  printPath('(b) Production approval → production deployed', columns, (a) => a.approvalToProduction);
  const constants = Object.entries(SECONDS).map(([name, s]) => `${name} ${s}`);
  console.log(`\nConstants (s): ${constants.join(', ')}.`);
}
