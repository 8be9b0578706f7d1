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

/** An App with cdk.json's feature flags; without `bundling`, fast: template assertions need no bundles. */
export function testApp({ bundling = false } = {}): App {
  return new App({ context: { ...cdkJson.context, ...(bundling ? {} : { 'aws:cdk:bundling-stacks': [] }) } });
}

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

export const VPC_ID = 'vpc-0123456789abcdef0';
export const PUBLIC_SUBNETS = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'];
export const PRIVATE_SUBNETS = ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'];
/** An existing VPC's statement that its private subnets route to a NAT gateway, for handlers and jobs. */
export const REACHABLE = { snsEndpoint: 'nat', jobsEgress: 'nat' } as const;

/** The example configuration input with its first stage in the existing VPC `VPC_ID`. */
export function exampleWithVpc(
  existing: Record<string, unknown>,
  change: Record<string, unknown> = {},
): unknown {
  return exampleWithStage({ ...change, vpc: { existing: { vpcId: VPC_ID, ...existing } } });
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

type Expected = string | RegExp | ReadonlyArray<string | RegExp>;

/** One test per row `[case, input, expected]`: the configuration is rejected with exactly `expected`. */
export function testRejections(rows: ReadonlyArray<[string, unknown, Expected]>): void {
  test.each(rows)('fails on %s', (_case, input, expected) => {
    const list = typeof expected === 'string' || expected instanceof RegExp ? [expected] : expected;
    let problems: readonly string[] = [];
    try {
      parseConfig(input);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems).toEqual(
      list.map((e): unknown => (typeof e === 'string' ? e : expect.stringMatching(e))),
    );
  });
}
