import { Match, Template } from 'aws-cdk-lib/assertions';
import type { StageConfigInput } from '../../infra/config/schema';
import { JobBaseStack, type JobBaseStackProps } from '../../infra/stacks/job-base-stack';
import { stageConfig, testApp } from './cdk';
import type { EventPattern } from './event-pattern';

const synthesized = new Map<string, { stack: JobBaseStack; template: Template }>();

/**
 * The JobBase stack of the app `jobs` for a stage configuration (`stageConfig` with `overrides`),
 * synthesized once per configuration in a test file: most tests only read the same template.
 */
export function jobBase(
  overrides: Partial<StageConfigInput> = {},
  props: Partial<JobBaseStackProps> = {},
): { stack: JobBaseStack; template: Template } {
  const key = JSON.stringify([overrides, props]);
  const known = synthesized.get(key);
  if (known) return known;
  const stage = stageConfig(overrides);
  const env = { account: stage.account, region: stage.region };
  const stack = new JobBaseStack(testApp(), 'JobBase', { appName: 'jobs', stage, env, ...props });
  const built = { stack, template: Template.fromStack(stack) };
  synthesized.set(key, built);
  return built;
}

/** The one resource of `type` (with `props`) in the template, by logical id. */
export function logicalIdOf(template: Template, type: string, props: Record<string, unknown> = {}): string {
  const found = Object.keys(template.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The statements of the default policy of the role whose logical id starts with `role`. */
export function defaultPolicyOf(template: Template, role: string): Array<Record<string, unknown>> {
  const policies = Object.values(
    template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp(`^${role}DefaultPolicy`) },
    }),
  );
  expect(policies).toHaveLength(1);
  return policies[0]!.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
}

/** The logical ids (and pseudo parameters) `value` refers to with Ref or Fn::GetAtt, anywhere inside it. */
export function references(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(references);
  if (value === null || typeof value !== 'object') return [];
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') return [node.Ref];
  const getAtt = node['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [getAtt[0]];
  return Object.values(node).flatMap(references);
}

/** The queue ARN of every event fixture. */
export const FIXTURE_QUEUE_ARN = 'arn:aws:batch:us-east-1:123456789012:job-queue/jobs-dev-Batch';

/**
 * The synthesized pattern of the rule that invokes `functionName`, with the stage's queue (a token
 * in the template) replaced by the fixtures' queue ARN, so that events can be matched against it.
 */
export function rulePatternOf(template: Template, functionName: string): EventPattern {
  const fn = logicalIdOf(template, 'AWS::Lambda::Function', { FunctionName: functionName });
  const queue = logicalIdOf(template, 'AWS::Batch::JobQueue');
  const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((rule) =>
    JSON.stringify(rule).includes(JSON.stringify({ 'Fn::GetAtt': [fn, 'Arn'] })),
  );
  expect(rules).toHaveLength(1);
  const text = JSON.stringify(
    (rules[0] as { Properties: { EventPattern: unknown } }).Properties.EventPattern,
  );
  const queueToken = JSON.stringify({ 'Fn::GetAtt': [queue, 'JobQueueArn'] });
  expect(text).toContain(queueToken);
  return JSON.parse(text.split(queueToken).join(JSON.stringify(FIXTURE_QUEUE_ARN))) as EventPattern;
}
