import { Token, type CfnElement, type Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type { CodePipeline } from 'aws-cdk-lib/pipelines';
import { acknowledgeFindings, type Finding } from '../nag/acknowledge';

const iam5 = (wildcard: string, reason: string): Finding => ({
  id: `AwsSolutions-IAM5[${wildcard}]`,
  reason,
});

/**
 * Explains the wildcards of what CDK Pipelines generates on the pipeline's own constructs, so that
 * nothing else in the stack is covered. Call after `buildPipeline()`.
 */
export function acknowledgePipelineFindings(stack: Stack, pipeline: CodePipeline): void {
  // cdk-nag writes the partition as the CLI resolves it: a literal, or the token's name.
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  const logs = `arn:${partition}:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild`;
  const reports = `arn:${partition}:codebuild:${stack.region}:${stack.account}:report-group`;
  artifactStore(stack, pipeline);
  selfMutationAndAssets(stack, pipeline, logs, reports);
  buildProjects(stack, pipeline, logs, reports);
  crossRegionSupport(stack, pipeline, partition);
  approvalTopicKey(stack, pipeline, partition);
}

function artifactStore(stack: Stack, pipeline: CodePipeline): void {
  const artifacts = 'the pipeline artifact bucket and its key, used only by this pipeline';
  const bucket = pipeline.pipeline.artifactBucket;
  const bucketArn = `<${stack.getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>`;
  const shared: Finding[] = [
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) =>
      iam5(`Action::${action}`, `CDK Pipelines grants ${action} on ${artifacts}`),
    ),
    ...['kms:ReEncrypt*', 'kms:GenerateDataKey*'].map((action) =>
      iam5(`Action::${action}`, `CDK Pipelines grants ${action} on the key of ${artifacts}`),
    ),
    iam5(`Resource::${bucketArn}/*`, `Every execution writes new objects under ${artifacts}`),
  ];
  acknowledgeFindings(pipeline, shared);
  acknowledgeFindings(pipeline.pipeline, shared);
  const reason = `Internal to CodePipeline: ${artifacts}; CloudTrail records API access`;
  acknowledgeFindings(bucket, [{ id: 'AwsSolutions-S1', reason }]);
}

function selfMutationAndAssets(stack: Stack, pipeline: CodePipeline, logs: string, reports: string): void {
  acknowledgeFindings(pipeline.node.findChild('UpdatePipeline').node.findChild('SelfMutation'), [
    iam5(
      `Resource::arn:*:iam::${stack.account}:role/*`,
      'Self-mutation assumes the CDK bootstrap roles of this account; the statement is limited by ' +
        'their aws-cdk:bootstrap-role tag (deploy, file-publishing, image-publishing)',
    ),
    iam5(
      'Resource::*',
      'cloudformation:DescribeStacks and s3:ListBucket, for which the CDK CLI needs no narrower scope',
    ),
  ]);
  const perAsset = 'Asset projects are created per asset at synthesis; the role writes their';
  acknowledgeFindings(pipeline.node.findChild('Assets'), [
    iam5('Resource::*', 'CDK Pipelines lets asset publishing start and watch its own CodeBuild builds'),
    iam5(`Resource::${logs}/*`, `${perAsset} build logs`),
    iam5(`Resource::${reports}/*`, `${perAsset} reports`),
  ]);
}

function buildProjects(stack: Stack, pipeline: CodePipeline, logs: string, reports: string): void {
  const noKey = pipeline.pipeline.artifactBucket.encryptionKey === undefined;
  const projects = stack.node.findAll().filter((c): c is codebuild.Project => c instanceof codebuild.Project);
  for (const project of projects) {
    const projectId = `<${stack.getLogicalId(project.node.defaultChild as CfnElement)}>`;
    acknowledgeFindings(project, [
      iam5(
        `Resource::${logs}/${projectId}:*`,
        'The project writes a new log stream per build to its own log group',
      ),
      iam5(`Resource::${reports}/${projectId}-*`, "The project's own test report groups, created per build"),
      ...(noKey
        ? [
            {
              id: 'AwsSolutions-CB4',
              reason:
                'With every stage in the pipeline account there is no pipeline key; build artifacts are ' +
                'encrypted with the AWS managed key for S3, as the artifact bucket is',
            },
          ]
        : []),
    ]);
  }
}

function crossRegionSupport(stack: Stack, pipeline: CodePipeline, partition: string): void {
  for (const [region, support] of Object.entries(pipeline.pipeline.crossRegionSupport)) {
    const bucketName: unknown = stack.resolve(support.replicationBucket.bucketName);
    const reason = `CodePipeline's artifact replica in ${region}, used only by this pipeline`;
    acknowledgeFindings(support.replicationBucket, [{ id: 'AwsSolutions-S1', reason }]);
    acknowledgeFindings(pipeline.pipeline.role, [
      iam5(
        `Resource::arn:${partition}:s3:::${String(bucketName)}/*`,
        `Every execution writes new artifacts to the replica bucket in ${region}`,
      ),
      iam5(
        'Resource::*',
        `CDK refers to the replication key in ${region} by alias and so grants its key actions on ` +
          'every key; the role is assumed by CodePipeline alone',
      ),
    ]);
  }
}

function approvalTopicKey(stack: Stack, pipeline: CodePipeline, partition: string): void {
  const publishers = pipeline.pipeline.node
    .findAll()
    .filter((c) => /(Approve\/CodePipelineActionRole|ChangeSetSummary\/Role)$/.test(c.node.path));
  for (const role of publishers) {
    acknowledgeFindings(role, [
      iam5(
        `Resource::arn:${partition}:kms:${stack.region}:${stack.account}:key/*`,
        'Publishing to the approval topic, encrypted with the AWS managed key alias/aws/sns; the ' +
          'statement is limited to that key by the condition kms:ResourceAliases',
      ),
    ]);
  }
}
