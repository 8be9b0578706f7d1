import type { ResourceChange } from '@aws-sdk/client-cloudformation';
import {
  changedProperties,
  classifyResourceChange,
  describeResourceChange,
} from '../../../scripts/pipeline/resource-change';

describe('classifyResourceChange', () => {
  test('a replaced topic is a stateful replacement', () => {
    // GIVEN the notification topic replaced because its name changes
    const change: ResourceChange = {
      Action: 'Modify',
      LogicalResourceId: 'NotificationTopic',
      ResourceType: 'AWS::SNS::Topic',
      Replacement: 'True',
      Details: [{ Target: { Attribute: 'Properties', Name: 'TopicName', RequiresRecreation: 'Always' } }],
    };
    // WHEN / THEN
    expect(classifyResourceChange(change)).toEqual({
      line: 'NotificationTopic (AWS::SNS::Topic): Modify, replacement True; changed: TopicName (requires replacement)',
      stateful: 'NotificationTopic (AWS::SNS::Topic) replaced',
      replacement: true,
      iam: false,
      securityGroup: false,
      keyPolicy: false,
    });
  });

  test('a queue that may be replaced is a conditional stateful replacement', () => {
    // GIVEN a queue whose replacement CloudFormation decides during the update
    const change: ResourceChange = {
      Action: 'Modify',
      LogicalResourceId: 'DeadLetterQueue',
      ResourceType: 'AWS::SQS::Queue',
      Replacement: 'Conditional',
    };
    // WHEN / THEN
    expect(classifyResourceChange(change).stateful).toBe('DeadLetterQueue (AWS::SQS::Queue) may be replaced');
  });

  test('a removed log group is a stateful removal', () => {
    // GIVEN a log group removed
    const change: ResourceChange = {
      Action: 'Remove',
      LogicalResourceId: 'Logs',
      ResourceType: 'AWS::Logs::LogGroup',
    };
    // WHEN / THEN
    expect(classifyResourceChange(change).stateful).toBe('Logs (AWS::Logs::LogGroup) removed');
  });

  test('a replaced Lambda function is a replacement, not a stateful one', () => {
    // GIVEN a function replaced because its name changes
    const change: ResourceChange = {
      Action: 'Modify',
      LogicalResourceId: 'Handler',
      ResourceType: 'AWS::Lambda::Function',
      Replacement: 'True',
    };
    // WHEN
    const classified = classifyResourceChange(change);
    // THEN
    expect(classified).toMatchObject({ replacement: true, stateful: undefined });
  });
});

describe('describeResourceChange', () => {
  test('a removal kept by its DeletionPolicy says the resource stays outside the stack', () => {
    // GIVEN a log group removed with PolicyAction Retain
    const change: ResourceChange = {
      Action: 'Remove',
      PolicyAction: 'Retain',
      LogicalResourceId: 'JobLogs',
      ResourceType: 'AWS::Logs::LogGroup',
    };
    // WHEN / THEN
    expect(describeResourceChange(change)).toBe(
      'JobLogs (AWS::Logs::LogGroup): Remove; kept outside the stack (DeletionPolicy Retain)',
    );
  });
});

describe('changedProperties', () => {
  test('each property once, with the strongest recreation any of its details causes', () => {
    // GIVEN a static and a dynamic evaluation of the same property, and a metadata change
    const change: ResourceChange = {
      Details: [
        {
          Target: { Attribute: 'Properties', Name: 'ComputeResources', RequiresRecreation: 'Conditionally' },
        },
        { Target: { Attribute: 'Properties', Name: 'ComputeResources', RequiresRecreation: 'Always' } },
        { Target: { Attribute: 'Properties', Name: 'State', RequiresRecreation: 'Never' } },
        { Target: { Attribute: 'Metadata', RequiresRecreation: 'Never' } },
      ],
    };
    // WHEN / THEN
    expect(changedProperties(change)).toEqual([
      'ComputeResources (requires replacement)',
      'State',
      'Metadata',
    ]);
  });
});
