import { ArnFormat, Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface NotificationTopicProps {
  /**
   * An existing topic to publish to (the original design's base module owns the topic).
   * @default - a topic encrypted with a new customer managed key
   */
  readonly topicArn?: string;
  /**
   * The KMS key of the existing topic, when it is encrypted. Only with `topicArn`.
   * @default - the existing topic is not encrypted with a customer managed key
   */
  readonly topicKeyArn?: string;
  /** @default - none */
  readonly displayName?: string;
  /** Applies to a created topic and its key. */
  readonly removalPolicy: RemovalPolicy;
}

/** The stage's notification topic: an existing one, or a new one encrypted with its own key. */
export class NotificationTopic extends Construct {
  public readonly topic: sns.ITopic;
  /** The key that encrypts the topic, when one is known. */
  public readonly key?: kms.IKey;
  private readonly imported: boolean;

  constructor(scope: Construct, id: string, props: NotificationTopicProps) {
    super(scope, id);
    if (props.topicKeyArn && !props.topicArn) {
      throw new Error(`NotificationTopic '${id}': 'topicKeyArn' only applies with 'topicArn'`);
    }
    this.imported = props.topicArn !== undefined;
    if (props.topicArn) {
      this.topic = sns.Topic.fromTopicArn(this, 'Resource', props.topicArn);
      this.key = props.topicKeyArn ? kms.Key.fromKeyArn(this, 'Key', props.topicKeyArn) : undefined;
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
    this.key = key;
  }

  /**
   * CloudWatch alarms of this account (the dead-letter alarm) publish to the topic. The topic's own
   * policy replaces SNS's default one, and the topic is encrypted, so the alarm service needs both
   * grants; the conditions keep other accounts' alarms out (confused deputy).
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

  /** Lets `grantee` publish to the topic, and use its key when it is encrypted. */
  public grantPublish(grantee: iam.IGrantable): void {
    // For a topic created here the grant includes the key; an imported topic does not know its key.
    this.topic.grantPublish(grantee);
    if (this.imported && this.key) this.key.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey*');
  }
}
