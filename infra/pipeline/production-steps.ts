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
import { EC2_BUILD } from './compute';
import type { PipelineTools } from './pipeline-tools';

/** Created by CDK Pipelines' Prepare action, executed by its Deploy action. */
export const PIPELINE_CHANGE_SET_NAME = 'PipelineChange';

const APPROVAL_TOPIC_KEY_ALIAS = 'alias/aws/sns';

/** Where the approvers subscribe; only the pipeline's roles publish, so the AWS managed key will do. */
export function createApprovalTopic(scope: Construct, displayName: string): sns.Topic {
  return new sns.Topic(scope, 'ApprovalTopic', {
    displayName,
    masterKey: kms.Alias.fromAliasName(scope, 'SnsKey', APPROVAL_TOPIC_KEY_ALIAS),
    enforceSSL: true,
  });
}

export interface ProductionStepsProps {
  readonly stageName: string;
  readonly stack: StackDeployment;
  readonly input: IFileSetProducer;
  readonly tools: PipelineTools;
  readonly approvalTopic: sns.ITopic;
}

/**
 * Prepare -> ChangeSetSummary -> Approve -> Deploy -> TerminationProtection. Both steps assume the
 * stage's bootstrap deploy role and narrow each session to one action on this stack (session policy).
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
    // On EC2 whatever the pipeline's compute: the approval reads its exported variables, which the
    // CodeBuild guide's list of what Lambda compute lacks does not name, but no source shows working
    // there either. A person waits for the approval anyway, so the EC2 start costs nothing that counts.
    ...EC2_BUILD,
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

/** An approval whose comment and URL are another step's variables (ManualApprovalStep does not look). */
class ReviewedApprovalStep extends ManualApprovalStep {
  constructor(id: string, props: ManualApprovalStepProps) {
    super(id, props);
    this.discoverReferencedOutputs({ comment: props.comment, reviewUrl: props.reviewUrl });
  }
}

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

/** As `grantPublish` grants the approval action: the AWS managed key, named by its alias. */
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
