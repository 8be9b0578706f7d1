/**
 * What a single resource change in a change set means for a reviewer: one line describing it, and
 * whether it replaces or removes a stateful resource, or changes IAM, a security group or a key policy.
 */
import type { ResourceChange } from '@aws-sdk/client-cloudformation';

/** Types whose replacement or removal loses what they hold (messages, keys, logs) or who uses them. */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'AWS::SNS::Topic',
  'AWS::KMS::Key',
  'AWS::SQS::Queue',
  'AWS::Logs::LogGroup',
  'AWS::Batch::ComputeEnvironment',
  'AWS::Batch::JobQueue',
  'AWS::S3::Bucket',
  'AWS::DynamoDB::Table',
]);

/** Resource policies: who else may use a resource. */
const RESOURCE_POLICY_TYPES: ReadonlySet<string> = new Set([
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::TopicInlinePolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::SQS::QueueInlinePolicy',
  'AWS::Lambda::Permission',
  'AWS::S3::BucketPolicy',
  'AWS::Logs::ResourcePolicy',
  'AWS::Events::EventBusPolicy',
  'AWS::SecretsManager::ResourcePolicy',
]);

const SECURITY_GROUP_TYPES: ReadonlySet<string> = new Set([
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
]);

const POLICY_ACTION_NOTES: Readonly<Record<string, string>> = {
  Retain: 'kept outside the stack (DeletionPolicy Retain)',
  Snapshot: 'deleted after a snapshot',
  ReplaceAndRetain: 'the old one is kept outside the stack',
  ReplaceAndSnapshot: 'the old one is deleted after a snapshot',
};

/** What a reviewer needs to know about one resource change. */
export interface ClassifiedChange {
  readonly line: string;
  /** E.g. "NotificationTopic (AWS::SNS::Topic) replaced", for a stateful resource replaced or removed. */
  readonly stateful?: string;
  readonly replacement: boolean;
  readonly iam: boolean;
  readonly securityGroup: boolean;
  readonly keyPolicy: boolean;
}

export function classifyResourceChange(change: ResourceChange): ClassifiedChange {
  const type = change.ResourceType ?? '';
  const effect = statefulEffect(change);
  return {
    line: describeResourceChange(change),
    stateful: effect && `${change.LogicalResourceId ?? '(no logical id)'} (${type}) ${effect}`,
    replacement: isReplacement(change),
    iam: type.startsWith('AWS::IAM::') || RESOURCE_POLICY_TYPES.has(type),
    securityGroup: SECURITY_GROUP_TYPES.has(type),
    keyPolicy:
      type === 'AWS::KMS::Key' &&
      (change.Action === 'Add' ||
        change.Action === 'Remove' ||
        (change.Details ?? []).some((detail) => detail.Target?.Name === 'KeyPolicy')),
  };
}

/** True and Conditional both count: a conditional replacement is decided only during the update. */
export function isReplacement(change: ResourceChange): boolean {
  return change.Replacement === 'True' || change.Replacement === 'Conditional';
}

/** One line for a resource change: logical id, type, action, replacement and what changed. */
export function describeResourceChange(change: ResourceChange): string {
  let line = `${change.LogicalResourceId ?? '(no logical id)'} (${change.ResourceType ?? 'unknown type'}): ${change.Action ?? 'unknown action'}`;
  if (change.Action === 'Modify') line += `, replacement ${change.Replacement ?? 'False'}`;
  const properties = changedProperties(change);
  if (properties.length > 0) line += `; changed: ${properties.join(', ')}`;
  const note = POLICY_ACTION_NOTES[change.PolicyAction ?? ''];
  return note ? `${line}; ${note}` : line;
}

/** The changed properties (or attributes, such as Tags), each with the strongest recreation it causes. */
export function changedProperties(change: ResourceChange): string[] {
  const recreation = new Map<string, number>();
  for (const detail of change.Details ?? []) {
    const target = detail.Target;
    const name = target?.Attribute === 'Properties' ? (target.Name ?? 'Properties') : target?.Attribute;
    if (!name) continue;
    const rank =
      target?.RequiresRecreation === 'Always' ? 2 : target?.RequiresRecreation === 'Conditionally' ? 1 : 0;
    recreation.set(name, Math.max(rank, recreation.get(name) ?? 0));
  }
  return [...recreation].map(
    ([name, rank]) =>
      name + (rank === 2 ? ' (requires replacement)' : rank === 1 ? ' (may require replacement)' : ''),
  );
}

function statefulEffect(change: ResourceChange): 'replaced' | 'may be replaced' | 'removed' | undefined {
  if (!STATEFUL_TYPES.has(change.ResourceType ?? '')) return undefined;
  if (change.Action === 'Remove') return 'removed';
  if (change.Replacement === 'True') return 'replaced';
  if (change.Replacement === 'Conditional') return 'may be replaced';
  return undefined;
}
