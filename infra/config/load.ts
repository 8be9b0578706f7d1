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

/** One parse reports every problem at once, the rules across settings included. */
function withRules<T>(rules: (value: T) => ConfigProblem[]) {
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    for (const { path, message } of rules(value)) ctx.addIssue({ code: 'custom', path: [...path], message });
  };
}

const validAppConfig = appConfigSchema.superRefine(withRules(configProblems));
const validStageConfig = stageConfigSchema.superRefine(withRules(stageProblems));

export function parseConfig(input: unknown): AppConfig {
  const result = validAppConfig.safeParse(input, { reportInput: true });
  if (!result.success) throw new ConfigError(describeIssues(appConfigSchema, result.error.issues, ''));
  return result.data;
}

/**
 * The stage `-c stage=NAME` targets: a configured one, or else an ephemeral preview stage in the
 * preview account (or `defaultAccount`, the CLI's), with handlers outside the VPC.
 */
export function selectStage(
  config: AppConfig,
  name: string,
  options: { defaultAccount?: string } = {},
): StageConfig {
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
