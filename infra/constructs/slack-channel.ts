import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/schema';
import { acknowledgeFindings } from '../nag/acknowledge';

export interface SlackChannelProps extends NonNullable<StageConfig['notifications']['slack']> {
  /** The configuration's name, e.g. `jobs-dev-Slack`. */
  readonly configurationName: string;
  /** The topic whose notifications the channel shows. */
  readonly topic: sns.ITopic;
}

const CLOUDWATCH_READS = ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'];

/**
 * A Slack channel of Amazon Q Developer in chat applications, subscribed to the topic: it shows the
 * handlers' chat cards and the dead-letter alarm. The workspace must have been authorized once in
 * the console (README, "Slack"). Channel members can run nothing through it: its role and guardrail
 * allow only the CloudWatch reads the service uses to draw alarm charts.
 *
 * The role (`SlackChannelRole`) and the guardrail (`SlackGuardrail`) are created beside the channel,
 * in its scope, where the stack created them before this construct existed: their logical ids stay.
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
