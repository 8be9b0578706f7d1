import {
  Annotations,
  Arn,
  ArnFormat,
  Duration,
  Stack,
  Token,
  Validations,
  type RemovalPolicy,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface NotificationTopicProps {
  /** An existing topic to publish to. @default - a topic encrypted with a new customer managed key */
  readonly topicArn?: string;
  /** The existing topic's key, when it is encrypted. @default - none */
  readonly topicKeyArn?: string;
  /** The role the warning about an existing topic names. */
  readonly publisherRoleArn: string;
  /** Silences the warning about an existing topic's policies (`topicPoliciesWarning`). @default false */
  readonly topicPoliciesAcknowledged?: boolean;
  /** @default - none */
  readonly displayName?: string;
  /** Applies to a created topic and its key. */
  readonly removalPolicy: RemovalPolicy;
}

export const TOPIC_POLICIES_WARNING = 'batch-job-platform:existingTopicPolicies';

/** The stage's notification topic: an existing one, or a new one encrypted with its own key. */
export class NotificationTopic extends Construct {
  /** The topic, with the key that encrypts it when one is known: `grantPublish` grants both. */
  public readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: NotificationTopicProps) {
    super(scope, id);
    if (props.topicArn) {
      this.topic = sns.Topic.fromTopicAttributes(this, 'Resource', {
        topicArn: props.topicArn,
        keyArn: props.topicKeyArn,
      });
      const warning = props.topicPoliciesAcknowledged ? undefined : this.topicPoliciesWarning(props);
      if (warning) Annotations.of(this).addWarningV2(TOPIC_POLICIES_WARNING, warning);
      return;
    }

    const key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${props.displayName ?? 'job notification'} topic`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: props.removalPolicy,
    });
    const topic = new sns.Topic(this, 'Resource', {
      displayName: props.displayName,
      masterKey: key,
      enforceSSL: true,
    });
    topic.applyRemovalPolicy(props.removalPolicy);
    this.allowAlarms(topic, key);
    this.topic = topic;
  }

  /**
   * This account's alarms publish: the topic policy replaces SNS's default and the topic is encrypted,
   * so the alarm service needs both grants; the conditions keep other accounts out (confused deputy).
   */
  private allowAlarms(topic: sns.Topic, key: kms.Key): void {
    const stack = Stack.of(this);
    const principals = [new iam.ServicePrincipal('cloudwatch.amazonaws.com')];
    const conditions = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals,
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions,
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals,
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions,
      }),
    );
  }

  /**
   * What an existing topic's policies need and this stack cannot grant; missing, CloudWatch silently
   * drops the alarm's notifications. None for an unencrypted topic of this account.
   */
  private topicPoliciesWarning(props: NotificationTopicProps): string | undefined {
    const stack = Stack.of(this);
    const account = Token.isUnresolved(stack.account) ? 'this account' : stack.account;
    const region = Token.isUnresolved(stack.region) ? '<region>' : stack.region;
    const accountOf = (arn: string): string => Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).account ?? '';
    const topicArn = props.topicArn!;
    const otherAccountTopic = accountOf(topicArn) !== account;
    const otherAccountKey = props.topicKeyArn !== undefined && accountOf(props.topicKeyArn) !== account;
    if (!props.topicKeyArn && !otherAccountTopic) return undefined;
    const conditions = `aws:SourceAccount ${account}, aws:SourceArn arn:aws:cloudwatch:${region}:${account}:alarm:*`;
    return [
      `The existing topic ${topicArn} and its policies live outside this stack, which cannot grant on them ` +
        "what the stage needs; if they lack it, the dead-letter alarm's notifications are dropped without an error.",
      props.topicKeyArn &&
        `The key policy of ${props.topicKeyArn} must allow cloudwatch.amazonaws.com kms:Decrypt and ` +
          `kms:GenerateDataKey* (conditions ${conditions})` +
          (otherAccountKey ? `, and ${props.publisherRoleArn} the same actions.` : '.'),
      'The topic policy must allow cloudwatch.amazonaws.com sns:Publish (same conditions)' +
        (otherAccountTopic ? `, and ${props.publisherRoleArn} sns:Publish.` : '.'),
      'docs/configuration.md, "Notifications to an existing topic", has the statements. Once they are in place, set ' +
        'notifications.topicPoliciesAcknowledged: true in the stage configuration.',
    ]
      .filter(Boolean)
      .join(' ');
  }

  public grantPublish(role: iam.Role): void {
    this.topic.grantPublish(role);
    if (!this.topic.masterKey) return;
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "SNS encrypts each message with a data key from the topic's key; the grant is on that key alone",
    });
  }
}
