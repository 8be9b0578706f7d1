import type { z } from 'zod';
import { ConfigError } from './config-error';
import { describeIssues } from './describe-issues';
import { nameProblems } from './names';
import {
  appConfigSchema,
  stageConfigSchema,
  type AppConfig,
  type AppConfigInput,
  type ConfigProblem,
  type StageConfig,
} from './schema';
import { isPreviewStageName, stageNameProblem } from './stage-name';
import { configProblems, stageProblems } from './validate';

/** Adds the rules across settings to a schema, so that one parse reports every problem at once. */
function withRules<T>(rules: (value: T) => ConfigProblem[]) {
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    for (const { path, message } of rules(value)) ctx.addIssue({ code: 'custom', path: [...path], message });
  };
}

const validAppConfig = appConfigSchema.superRefine(withRules(configProblems));
const validStageConfig = stageConfigSchema.superRefine(withRules(stageProblems));

/** Validates the whole configuration at once; throws a ConfigError listing every problem. */
export function parseConfig(input: unknown): AppConfig {
  const result = validAppConfig.safeParse(input, { reportInput: true });
  if (!result.success) throw new ConfigError(describeIssues(appConfigSchema, result.error.issues, ''));
  return result.data;
}

export interface PreviewStageOptions {
  /** The account previews deploy to when the configuration names none (the CLI's credentials). */
  readonly defaultAccount?: string;
}

/**
 * The stage a `-c stage=NAME` deploy targets: a configured stage by its name, or else a throw-away
 * preview stage (`pr-<n>` or `br-<branch>`) with the preview account, region and zones, ephemeral and
 * with handlers outside the VPC so that it deletes in minutes.
 */
export function selectStage(config: AppConfig, name: string, options: PreviewStageOptions = {}): StageConfig {
  const configured = config.stages.find((s) => s.name === name);
  if (configured) return configured;
  const problems = [stageNameProblem(name), ...nameProblems(config.appName, name)].filter(
    (p): p is string => p !== undefined,
  );
  if (problems.length === 0 && !isPreviewStageName(name)) {
    problems.push(
      `'${name}' is neither a configured stage (${config.stages.map((s) => s.name).join(', ')}) ` +
        `nor a preview stage name (pr-<number> or br-<branch>)`,
    );
  }
  const account = config.preview.account ?? options.defaultAccount;
  if (account === undefined) {
    problems.push(
      'preview.account is not configured and no default account is known: ' +
        'set preview.account, or run with AWS credentials (CDK_DEFAULT_ACCOUNT)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `context stage: ${p}`));
  const result = validStageConfig.safeParse(
    {
      name,
      account,
      region: config.preview.region,
      ephemeral: true,
      vpc: config.preview.vpc,
    },
    { reportInput: true },
  );
  if (!result.success)
    throw new ConfigError(describeIssues(stageConfigSchema, result.error.issues, 'preview stage'));
  return result.data;
}

export type { AppConfig, AppConfigInput, StageConfig };
