import type { ResourceChange } from '@aws-sdk/client-cloudformation';
import {
  changedProperties,
  classifyResourceChange,
  describeResourceChange,
  STATEFUL_TYPES,
} from '../../../scripts/pipeline/resource-change';

/** A change of resource `R`: a Lambda function modified in place unless the test says otherwise. */
const change = (props: Partial<ResourceChange>): ResourceChange => ({
  Action: 'Modify',
  LogicalResourceId: 'R',
  ResourceType: 'AWS::Lambda::Function',
  ...props,
});

describe('classifyResourceChange', () => {
  test('a replaced topic is a stateful replacement, described on one line', () => {
    const topic = change({
      ResourceType: 'AWS::SNS::Topic',
      Replacement: 'True',
      Details: [{ Target: { Attribute: 'Properties', Name: 'TopicName', RequiresRecreation: 'Always' } }],
    });
    expect(classifyResourceChange(topic)).toEqual({
      line: 'R (AWS::SNS::Topic): Modify, replacement True; changed: TopicName (requires replacement)',
      stateful: 'R (AWS::SNS::Topic) replaced',
      replacement: true,
      iam: false,
      securityGroup: false,
      keyPolicy: false,
    });
  });

  test.each<[string, Partial<ResourceChange>, string | undefined]>([
    ['AWS::SQS::Queue', { Replacement: 'Conditional' }, 'may be replaced'],
    ['AWS::Logs::LogGroup', { Replacement: 'False' }, undefined],
    ['AWS::Lambda::Function', { Replacement: 'True' }, undefined],
  ])('a %s changed with %o is stateful: %p', (type, props, effect) => {
    expect(classifyResourceChange(change({ ResourceType: type, ...props })).stateful).toBe(
      effect && `R (${type}) ${effect}`,
    );
  });

  test.each([...STATEFUL_TYPES])('%s removed is a stateful removal', (type) => {
    expect(classifyResourceChange(change({ ResourceType: type, Action: 'Remove' })).stateful).toBe(
      `R (${type}) removed`,
    );
  });

  test.each([
    'AWS::IAM::Role',
    'AWS::IAM::ManagedPolicy',
    'AWS::SNS::TopicPolicy',
    'AWS::SQS::QueuePolicy',
    'AWS::Lambda::Permission',
    'AWS::S3::BucketPolicy',
  ])('%s is an IAM change', (type) => {
    expect(classifyResourceChange(change({ ResourceType: type, Action: 'Add' })).iam).toBe(true);
  });

  const properties = (...targets: object[]) => ({ Details: targets.map((Target) => ({ Target })) });
  test.each<[string, Partial<ResourceChange>, boolean]>([
    ['added', { Action: 'Add' }, true],
    ['removed', { Action: 'Remove' }, true],
    ['with a new key policy', properties({ Attribute: 'Properties', Name: 'KeyPolicy' }), true],
    ['with new tags alone', properties({ Attribute: 'Tags', RequiresRecreation: 'Never' }), false],
  ])('a key %s is a key policy change: %p', (_, props, keyPolicy) => {
    expect(classifyResourceChange(change({ ResourceType: 'AWS::KMS::Key', ...props })).keyPolicy).toBe(
      keyPolicy,
    );
  });
});

test('describeResourceChange: a removal kept by its DeletionPolicy says the resource stays outside the stack', () => {
  const logs = change({ Action: 'Remove', PolicyAction: 'Retain', ResourceType: 'AWS::Logs::LogGroup' });
  expect(describeResourceChange(logs)).toBe(
    'R (AWS::Logs::LogGroup): Remove; kept outside the stack (DeletionPolicy Retain)',
  );
});

test('changedProperties: each property once, with the strongest recreation any of its details causes', () => {
  // a static and a dynamic evaluation of the same property, and a metadata change
  const details = change({
    Details: [
      { Target: { Attribute: 'Properties', Name: 'ComputeResources', RequiresRecreation: 'Conditionally' } },
      { Target: { Attribute: 'Properties', Name: 'ComputeResources', RequiresRecreation: 'Always' } },
      { Target: { Attribute: 'Properties', Name: 'State', RequiresRecreation: 'Never' } },
      { Target: { Attribute: 'Metadata', RequiresRecreation: 'Never' } },
    ],
  });
  expect(changedProperties(details)).toEqual([
    'ComputeResources (requires replacement)',
    'State',
    'Metadata',
  ]);
});
