import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SlackChannel } from '../../../infra/constructs/slack-channel';
import { stageConfig, testApp } from '../../support/cdk';
import { jobBase, logicalIdOf } from '../../support/templates';

describe('SlackChannel', () => {
  const stack = new Stack(testApp(), 'Stack');
  const topic = new sns.Topic(stack, 'Topic');
  new SlackChannel(stack, 'SlackChannel', {
    configurationName: 'jobs-dev-Slack',
    workspaceId: 'T0123ABCDEF',
    channelId: 'C0123ABCDEF',
    topic,
  });
  const template = Template.fromStack(stack);

  test("is subscribed to the topic, with a guardrail (else AdministratorAccess applies), keeping the stack's ids", () => {
    expect(logicalIdOf(template, 'AWS::IAM::ManagedPolicy')).toMatch(/^SlackGuardrail/);
    expect(logicalIdOf(template, 'AWS::IAM::Role')).toMatch(/^SlackChannelRole/);
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ConfigurationName: 'jobs-dev-Slack',
      SlackWorkspaceId: 'T0123ABCDEF',
      SlackChannelId: 'C0123ABCDEF',
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('^Topic') }],
      GuardrailPolicies: [{ Ref: logicalIdOf(template, 'AWS::IAM::ManagedPolicy') }],
    });
  });

  test('its members can do no more than read CloudWatch, through the guardrail and the role', () => {
    const reads = {
      Action: ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'],
      Effect: 'Allow',
      Resource: '*',
    };
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: [reads] } });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'chatbot.amazonaws.com' } })],
      }),
      Policies: [
        { PolicyName: 'AlarmCharts', PolicyDocument: { Statement: [reads], Version: '2012-10-17' } },
      ],
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('a stage creates none unless configured', () => {
    jobBase().template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
  });

  test("a stage names it after its workspace: a new workspace replaces it, and a replacement can't reuse the name", () => {
    const slack = { workspaceId: 'T0123ABCDEF', channelId: 'C0123ABCDEF' };
    jobBase({ notifications: { slack } }).template.hasResourceProperties(
      'AWS::Chatbot::SlackChannelConfiguration',
      {
        ConfigurationName: 'jobs-dev-Slack-T0123ABCDEF',
      },
    );
  });

  test.each([
    [{ workspaceId: 't0123', channelId: 'C0123' }, 'must be a Slack workspace id'],
    [{ workspaceId: 'T0123', channelId: '#jobs' }, 'must be a Slack channel id'],
  ])('fails on bad Slack ids in the configuration, naming the setting: %j', (slack, message) => {
    expect(() => stageConfig({ notifications: { slack } })).toThrow(message);
  });

  test("fails on Slack with messageStructure 'text' in the configuration: the channel would show nothing", () => {
    expect(() =>
      stageConfig({
        notifications: { messageStructure: 'text', slack: { workspaceId: 'T0123', channelId: 'C0123' } },
      }),
    ).toThrow(/a Slack channel shows only the chat card/);
  });
});
