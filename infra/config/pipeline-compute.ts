/** What the pipeline's CodeBuild steps run on: `lambda` starts in seconds, `ec2` has no 15-minute cap. */
export const PIPELINE_COMPUTE = ['lambda', 'ec2'] as const;
export type PipelineCompute = (typeof PIPELINE_COMPUTE)[number];

/**
 * Where CodeBuild offers Lambda compute: CodeBuild User Guide, "Run builds on AWS Lambda compute",
 * "Which regions support AWS Lambda compute in CodeBuild?" (docs.aws.amazon.com/codebuild/latest/
 * userguide/lambda.html#lambda.regions).
 */
export const LAMBDA_COMPUTE_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-central-1',
  'eu-west-1',
  'sa-east-1',
];

/**
 * An error rather than a fallback to EC2 with a warning: the fallback would change the pipeline's
 * time, limits and cost with nobody choosing it, and a synthesis warning in the merge workflow's log
 * goes unread. The fix is one setting, and it stays visible in the configuration.
 */
export function pipelineComputeProblem(compute: PipelineCompute, region: string): string | undefined {
  if (compute !== 'lambda' || LAMBDA_COMPUTE_REGIONS.includes(region)) return undefined;
  return (
    `CodeBuild has no Lambda compute in ${region} (only in ${LAMBDA_COMPUTE_REGIONS.join(', ')}): ` +
    "set pipeline.compute to 'ec2', or put the pipeline in one of those regions"
  );
}
