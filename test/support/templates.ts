import type { Template } from 'aws-cdk-lib/assertions';
import type { EventPattern } from './event-pattern';

/** The one resource of `type` (with `props`) in the template, by logical id. */
export function logicalIdOf(template: Template, type: string, props: Record<string, unknown> = {}): string {
  const found = Object.keys(template.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return found[0]!;
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
