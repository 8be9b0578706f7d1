import { App } from 'aws-cdk-lib';
import * as cdkJson from '../../cdk.json';
import { ConfigError } from '../../infra/config/config-error';
import { parseConfig } from '../../infra/config/load';
import {
  stageConfigSchema,
  type AppConfig,
  type AppConfigInput,
  type StageConfig,
  type StageConfigInput,
} from '../../infra/config/schema';
import { appConfig } from '../../infra/config/stages';

export interface TestAppOptions {
  /**
   * Bundle the Lambda handlers with esbuild, as `cdk synth` does. Off by default: template
   * assertions do not need the bundles, and skipping them keeps the tests fast.
   */
  readonly bundling?: boolean;
}

/** An App with the project's feature flags (cdk.json), as the CLI would create it. */
export function testApp(options: TestAppOptions = {}): App {
  return new App({
    context: {
      ...cdkJson.context,
      ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
}

/** The example configuration, parsed as the app parses it. */
export function exampleConfig(): AppConfig {
  return parseConfig(appConfig);
}

/** The example configuration input with its first stage changed by `change`. */
export function exampleWithStage(change: Record<string, unknown>, base: AppConfigInput = appConfig): unknown {
  const [first, ...rest] = base.stages;
  return { ...base, stages: [{ ...first, ...change }, ...rest] };
}

/** The example configuration input with `section` (e.g. `github`) changed by `change`. */
export function exampleWith(
  section: 'pipeline' | 'preview' | 'github',
  change: Record<string, unknown>,
): AppConfigInput {
  return { ...appConfig, [section]: { ...appConfig[section], ...change } };
}

/** A valid stage configuration: a created VPC in ap-northeast-1 unless overridden. */
export function stageConfig(overrides: Partial<StageConfigInput> = {}): StageConfig {
  return stageConfigSchema.parse({
    name: 'dev',
    account: '111111111111',
    region: 'ap-northeast-1',
    vpc: { create: { availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'] } },
    ...overrides,
  });
}

/** The problems a configuration is rejected with; fails the test when it is accepted. */
export function problemsOf(input: unknown): readonly string[] {
  try {
    parseConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}
