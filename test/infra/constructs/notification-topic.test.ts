import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type { StageConfigInput } from '../../../infra/config/schema';
import type { JobBaseStack } from '../../../infra/stacks/job-base-stack';
import { defaultPolicyOf, jobBase, logicalIdOf } from '../../support/templates';

const TOPIC_ARN = 'arn:aws:sns:ap-northeast-1:111111111111:existing-topic';
const TOPIC_KEY_ARN = 'arn:aws:kms:ap-northeast-1:111111111111:key/12345678-1234-1234-1234-123456789012';
const ENCRYPTED = { notifications: { topicArn: TOPIC_ARN, topicKeyArn: TOPIC_KEY_ARN } };

describe('NotificationTopic: a created topic', () => {
  const { template } = jobBase();
  const alarms = {
    StringEquals: { 'aws:SourceAccount': '111111111111' },
    ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:ap-northeast-1:111111111111:alarm:*' },
  };

  test('is encrypted with a rotated key of its own, and TLS-only', () => {
    const key = logicalIdOf(template, 'AWS::KMS::Key');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test("the stage's own alarms may publish to the topic and use its key, no other account's", () => {
    const cloudwatch = { Service: 'cloudwatch.amazonaws.com' };
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: cloudwatch,
            Action: 'sns:Publish',
            Condition: alarms,
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: cloudwatch,
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: alarms,
          }),
        ]),
      },
    });
  });
});

describe('NotificationTopic: an existing topic, whose policies live outside the stack', () => {
  const warningsOf = (stack: JobBaseStack): string[] =>
    Annotations.fromStack(stack)
      .findWarning('/JobBase/Notifications', Match.anyValue())
      .map((warning) => JSON.stringify(warning.entry.data));

  test('is used as it is: the publishers may publish to it and use its key (fromTopicAttributes)', () => {
    const { template } = jobBase(ENCRYPTED);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(defaultPolicyOf(template, 'HandlerRole')).toEqual(
      expect.arrayContaining([
        { Action: 'sns:Publish', Effect: 'Allow', Resource: TOPIC_ARN },
        { Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow', Resource: TOPIC_KEY_ARN },
      ]),
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SNS_ARN: TOPIC_ARN }) },
    });
  });

  test('with a customer managed key, synthesis warns that the alarm needs the key policy and the topic policy', () => {
    const warnings = warningsOf(jobBase(ENCRYPTED).stack);
    expect(warnings).toHaveLength(1);
    const message = warnings[0]!;
    expect(message).toContain(TOPIC_KEY_ARN);
    expect(message).toMatch(/cloudwatch\.amazonaws\.com.*kms:Decrypt.*kms:GenerateDataKey\*/);
    expect(message).toContain('arn:aws:cloudwatch:ap-northeast-1:111111111111:alarm:*');
    expect(message).toMatch(/sns:Publish/);
    expect(message).toMatch(/notifications\.topicPoliciesAcknowledged: true/);
  });

  test('in another account, synthesis warns that the topic policy must let the handlers publish', () => {
    const topicArn = 'arn:aws:sns:ap-northeast-1:999999999999:shared-topic';
    const warnings = warningsOf(jobBase({ notifications: { topicArn } }).stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('arn:aws:iam::111111111111:role/jobs-dev-BatchLambdaRole');
  });

  test.each<[string, Partial<StageConfigInput>]>([
    [
      'once the operator acknowledges the policies are in place',
      { notifications: { ...ENCRYPTED.notifications, topicPoliciesAcknowledged: true } },
    ],
    ['for a created topic', {}],
    ['for an unencrypted topic of the same account', { notifications: { topicArn: TOPIC_ARN } }],
  ])(
    'no warning %s: the stack or SNS defaults grant what the alarm and handlers need',
    (_case, overrides) => {
      expect(warningsOf(jobBase(overrides).stack)).toEqual([]);
    },
  );
});
