/**
 * A synthesized pipeline template read: the CodePipeline's stages and actions, the kind of each, and
 * for CodeBuild actions their project and its commands. `bench/pipeline-model.ts` prices what is read,
 * the pipeline's tests assert on it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export type ActionKind =
  | 'source'
  | 'codebuild'
  | 'change-set-create'
  | 'change-set-execute'
  | 'cloudformation'
  | 'approval'
  | 'other';

export interface PipelineAction {
  readonly stage: string;
  readonly name: string;
  readonly runOrder: number;
  readonly kind: ActionKind;
  /** What a CodeBuild action's buildspec runs, in phase order; empty for other actions. */
  readonly commands: readonly string[];
  /** The action as the template declares it (`Configuration`, `Namespace`, `RoleArn`, artifacts). */
  readonly declaration: Record<string, unknown>;
  readonly configuration: Record<string, unknown>;
  /** A CodeBuild action's project: the `Properties` of the `AWS::CodeBuild::Project` it starts. */
  readonly project?: Record<string, unknown>;
}

export interface PipelineStage {
  readonly name: string;
  readonly actions: readonly PipelineAction[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const field = (value: unknown, name: string): Record<string, unknown> => {
  const inner = isRecord(value) ? value[name] : undefined;
  return isRecord(inner) ? inner : {};
};

/** A string, a `{ Ref }` as `<name>`, or an `Fn::Join` of those with every other token as `#{token}`. */
export function flattenIntrinsic(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value.Ref === 'string') return `<${value.Ref}>`;
  const join = isRecord(value) ? value['Fn::Join'] : undefined;
  if (!Array.isArray(join) || typeof join[0] !== 'string' || !Array.isArray(join[1])) return undefined;
  const parts: unknown[] = join[1];
  return parts.map((part) => flattenIntrinsic(part) ?? '#{token}').join(join[0]);
}

const PHASES = ['install', 'pre_build', 'build', 'post_build'] as const;

/** The commands of a buildspec (JSON, as CDK writes it inline, is YAML too), in phase order. */
function buildSpecCommands(buildSpec: string): string[] {
  const phases = field(parseYaml(buildSpec), 'phases');
  return PHASES.flatMap((name) => {
    const commands = field(phases, name).commands;
    return Array.isArray(commands) ? commands.filter((c): c is string => typeof c === 'string') : [];
  });
}

type Resources = Record<string, unknown>;

export interface ReadOptions {
  /**
   * The text of a buildspec file in the cloud assembly, by name: with `publishAssetsInParallel: false`,
   * CDK Pipelines writes the asset job's buildspec there and the template names only the file.
   * @default - buildspec files are not read, and their actions show no commands
   */
  readonly buildSpecFile?: (name: string) => string | undefined;
}

/** A buildspec's file name rather than its text. */
const BUILDSPEC_FILE = /^[\w./-]+\.(ya?ml|json)$/;

/** The properties of the CodeBuild project a `ProjectName: { Ref }` points at. */
function projectOf(resources: Resources, projectName: unknown): Record<string, unknown> | undefined {
  const ref = isRecord(projectName) ? projectName.Ref : undefined;
  const project = typeof ref === 'string' ? resources[ref] : undefined;
  return isRecord(project) && project.Type === 'AWS::CodeBuild::Project'
    ? field(project, 'Properties')
    : undefined;
}

function projectCommands(project: Record<string, unknown> | undefined, options: ReadOptions): string[] {
  const buildSpec = flattenIntrinsic(field(project, 'Source').BuildSpec);
  if (buildSpec === undefined) return [];
  const text = BUILDSPEC_FILE.test(buildSpec) ? options.buildSpecFile?.(buildSpec) : buildSpec;
  return text === undefined ? [] : buildSpecCommands(text);
}

function kindOf(type: Record<string, unknown>, configuration: Record<string, unknown>): ActionKind {
  const { Category: category, Provider: provider } = type;
  if (category === 'Source') return 'source';
  if ((category === 'Build' || category === 'Test') && provider === 'CodeBuild') return 'codebuild';
  if (category === 'Approval' && provider === 'Manual') return 'approval';
  if (category === 'Deploy' && provider === 'CloudFormation') {
    if (configuration.ActionMode === 'CHANGE_SET_REPLACE') return 'change-set-create';
    if (configuration.ActionMode === 'CHANGE_SET_EXECUTE') return 'change-set-execute';
    return 'cloudformation';
  }
  return 'other';
}

function readAction(
  resources: Resources,
  stage: string,
  action: unknown,
  options: ReadOptions,
): PipelineAction {
  const configuration = field(action, 'Configuration');
  const kind = kindOf(field(action, 'ActionTypeId'), configuration);
  const name = isRecord(action) && typeof action.Name === 'string' ? action.Name : '(unnamed)';
  // CodePipeline's default RunOrder is 1.
  const runOrder = isRecord(action) && typeof action.RunOrder === 'number' ? action.RunOrder : 1;
  const project = kind === 'codebuild' ? projectOf(resources, configuration.ProjectName) : undefined;
  const commands = projectCommands(project, options);
  const declaration = isRecord(action) ? action : {};
  return { stage, name, runOrder, kind, commands, declaration, configuration, project };
}

/** The stages of the template's single `AWS::CodePipeline::Pipeline`, in order. */
export function readPipeline(template: unknown, options: ReadOptions = {}): PipelineStage[] {
  const resources = field(template, 'Resources');
  const pipelines = Object.values(resources).filter(
    (r) => isRecord(r) && r.Type === 'AWS::CodePipeline::Pipeline',
  );
  if (pipelines.length !== 1) {
    throw new Error(`expected one AWS::CodePipeline::Pipeline in the template, found ${pipelines.length}`);
  }
  const stages = field(pipelines[0], 'Properties').Stages;
  return (Array.isArray(stages) ? (stages as unknown[]) : []).map((stage) => {
    const name = isRecord(stage) && typeof stage.Name === 'string' ? stage.Name : '(unnamed)';
    const actions = isRecord(stage) && Array.isArray(stage.Actions) ? (stage.Actions as unknown[]) : [];
    return { name, actions: actions.map((action) => readAction(resources, name, action, options)) };
  });
}

/** Whether the template takes a parameter from SSM, which the CDK CLI never assumes unchanged. */
export function readsSsmParameters(template: unknown): boolean {
  return Object.values(field(template, 'Parameters')).some(
    (p) => isRecord(p) && typeof p.Type === 'string' && p.Type.startsWith('AWS::SSM::Parameter::Value<'),
  );
}

/** `ReadOptions.buildSpecFile` for the cloud assembly in `directory`. */
export function assemblyFiles(directory: string): (name: string) => string | undefined {
  return (name) => {
    const file = join(directory, name);
    return existsSync(file) ? readFileSync(file, 'utf-8') : undefined;
  };
}
