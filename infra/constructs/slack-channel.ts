import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/schema';
import { acknowledgeFindings } from '../nag/acknowledge';

export interface SlackChannelProps extends NonNullable<StageConfig['notifications']['slack']> {
  readonly configurationName: string;
  readonly topic: sns.ITopic;
}

const CLOUDWATCH_READS = ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'];

/**
 * A Slack channel (Amazon Q Developer in chat applications) subscribed to the topic; its role and
 * guardrail allow only the CloudWatch reads that draw alarm charts. They sit beside it, in its scope,
 * so that their logical ids stay.
 */
export class SlackChannel extends chatbot.SlackChannelConfiguration {
  constructor(scope: Construct, id: string, props: SlackChannelProps) {
    const reads = new iam.PolicyStatement({ actions: CLOUDWATCH_READS, resources: ['*'] });
    const guardrail = new iam.ManagedPolicy(scope, 'SlackGuardrail', {
      description: `${props.configurationName}: the most a chat channel member may do (CloudWatch reads)`,
      statements: [reads],
    });
    const role = new iam.Role(scope, 'SlackChannelRole', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: `${props.configurationName}: reads alarm charts for the Slack channel`,
      inlinePolicies: { AlarmCharts: new iam.PolicyDocument({ statements: [reads] }) },
    });
    for (const resource of [guardrail, role]) {
      acknowledgeFindings(resource, [
        ...CLOUDWATCH_READS.map((action) => ({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason:
            'The read-only CloudWatch actions Amazon Q Developer uses to show alarm charts in the channel',
        })),
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'CloudWatch Describe, Get and List of alarms and metrics take no narrower resource here',
        },
      ]);
    }
    super(scope, id, {
      slackChannelConfigurationName: props.configurationName,
      slackWorkspaceId: props.workspaceId,
      slackChannelId: props.channelId,
      notificationTopics: [props.topic],
      role,
      guardrailPolicies: [guardrail],
    });
  }
}
