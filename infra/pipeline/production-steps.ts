import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  CodeBuildStep,
  ManualApprovalStep,
  type IFileSetProducer,
  type ManualApprovalStepProps,
  type StackDeployment,
} from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import type { PipelineTools } from './pipeline-tools';

/** The change set CDK Pipelines' Prepare action creates and its Deploy action executes. */
export const PIPELINE_CHANGE_SET_NAME = 'PipelineChange';

/** The key the approval topic is encrypted with. */
const APPROVAL_TOPIC_KEY_ALIAS = 'alias/aws/sns';

/**
 * Where the approvers subscribe, created in `scope` (ids `ApprovalTopic` and `SnsKey`). Encrypted
 * with the AWS managed SNS key: only the pipeline's own roles publish, and no service principal
 * does, so no key policy of our own is needed.
 */
export function createApprovalTopic(scope: Construct, displayName: string): sns.Topic {
  return new sns.Topic(scope, 'ApprovalTopic', {
    displayName,
    masterKey: kms.Alias.fromAliasName(scope, 'SnsKey', APPROVAL_TOPIC_KEY_ALIAS),
    enforceSSL: true,
  });
}

export interface ProductionStepsProps {
  /** The production stage's name, for messages. */
  readonly stageName: string;
  /** The stack as the pipeline deploys it (its name, account, region and bootstrap deploy role). */
  readonly stack: StackDeployment;
  /** The cloud assembly, which holds the tools. */
  readonly input: IFileSetProducer;
  readonly tools: PipelineTools;
  /** Where the change-set summary and the approval request go; the approvers subscribe to it. */
  readonly approvalTopic: sns.ITopic;
}

/**
 * The review of a production stack, between the change set's creation and its execution, and the
 * termination protection after it:
 *
 *   Prepare (create the change set) -> ChangeSetSummary -> Approve -> Deploy (execute) -> TerminationProtection
 *
 * The approver approves the change set this execution created, and only that one executes: the
 * pipeline runs in SUPERSEDED mode, so no other execution is in the stage meanwhile.
 *
 * Both steps reach the stage's account through its CDK bootstrap deploy role, the role the pipeline
 * deploys with, and narrow each session with an inline session policy to one action on this stack
 * (`scripts/change-set-summary.ts`, `scripts/protect-stack.ts`). The steps' own roles may assume that
 * role and nothing else in the stage's account.
 */
export function addProductionSteps(props: ProductionStepsProps): void {
  const { stack } = props;
  const summary = new CodeBuildStep('ChangeSetSummary', {
    input: props.input,
    commands: [
      props.tools.command('change-set-summary'),
      // Exported to the approval below as CodePipeline variables.
      'export CHANGE_SET_HEADLINE="$(cat change-set-headline.txt)"',
      'export CHANGE_SET_URL="$(cat change-set-url.txt)"',
    ],
    env: {
      ...stageSessionEnv(props),
      CHANGE_SET_NAME: PIPELINE_CHANGE_SET_NAME,
      APPROVAL_TOPIC_ARN: props.approvalTopic.topicArn,
    },
    rolePolicyStatements: [assumeDeployRole(stack), ...publishTo(props.approvalTopic)],
  });
  const approval = new ReviewedApprovalStep('Approve', {
    comment: summary.exportedVariable('CHANGE_SET_HEADLINE'),
    reviewUrl: summary.exportedVariable('CHANGE_SET_URL'),
    notificationTopic: props.approvalTopic,
  });
  const protect = new CodeBuildStep('TerminationProtection', {
    input: props.input,
    commands: [props.tools.command('protect-stack')],
    env: stageSessionEnv(props),
    rolePolicyStatements: [assumeDeployRole(stack)],
  });
  stack.addStackSteps([], [summary, approval], [protect]);
}

/**
 * A manual approval whose comment and review URL are another step's CodePipeline variables.
 * ManualApprovalStep does not look for step outputs in its properties, so CDK Pipelines would give the
 * producing step no variable namespace, and the approval no dependency on it; this one does.
 */
class ReviewedApprovalStep extends ManualApprovalStep {
  constructor(id: string, props: ManualApprovalStepProps) {
    super(id, props);
    this.discoverReferencedOutputs({ comment: props.comment, reviewUrl: props.reviewUrl });
  }
}

/** What both tools need to reach the stack. */
function stageSessionEnv(props: ProductionStepsProps): Record<string, string> {
  const { stack } = props;
  return {
    STAGE_NAME: props.stageName,
    STACK_NAME: stack.stackName,
    STACK_ACCOUNT: stackEnv(stack, 'account'),
    STACK_REGION: stackEnv(stack, 'region'),
    DEPLOY_ROLE_ARN: deployRoleArn(stack),
  };
}

/**
 * Publishing to the approval topic, as `grantPublish` grants it to the approval action: the AWS
 * managed key's id differs per account, so the key is named by its alias in a condition.
 */
function publishTo(topic: sns.ITopic): iam.PolicyStatement[] {
  const { partition, region, account } = Stack.of(topic);
  return [
    new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }),
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: [`arn:${partition}:kms:${region}:${account}:key/*`],
      conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': APPROVAL_TOPIC_KEY_ALIAS } },
    }),
  ];
}

function assumeDeployRole(stack: StackDeployment): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [deployRoleArn(stack)] });
}

/** The stage's CDK bootstrap deploy role, as the assembly names it (`${AWS::Partition}` resolved). */
function deployRoleArn(stack: StackDeployment): string {
  if (!stack.assumeRoleArn) {
    throw new Error(
      `stack ${stack.stackName} has no deploy role: production stages need the DefaultStackSynthesizer`,
    );
  }
  return stack.assumeRoleArn.replace('${AWS::Partition}', Aws.PARTITION);
}

function stackEnv(stack: StackDeployment, field: 'account' | 'region'): string {
  const value = stack[field];
  if (!value) throw new Error(`stack ${stack.stackName} has no ${field}: give its stage an env`);
  return value;
}
