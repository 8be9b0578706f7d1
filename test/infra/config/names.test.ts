import {
  givenNameProblems,
  nameProblems,
  physicalName,
  pipelineGivenNames,
  previewBootstrapGivenNames,
  smokeTestRoleArn,
} from '../../../infra/config/names';

describe('names', () => {
  test('physical names follow the original design, <app>-<stage>-<Name>, and these fit', () => {
    expect(physicalName('jobs', 'dev', 'BatchLambdaRole')).toBe('jobs-dev-BatchLambdaRole');
    expect(nameProblems('jobs', 'dev')).toEqual([]);
  });

  test('fails on each name over its service limit, and only those', () => {
    // SmokeTestRole is exactly 64.
    const problems = nameProblems('a'.repeat(20), 'b'.repeat(29));
    expect(problems).toEqual([
      expect.stringMatching(/^the lambdaFunction name '.*-BatchSuccessHandler' is 70 characters, .* by 6$/),
      expect.stringMatching(/^the lambdaFunction name '.*-BatchErrorHandler' is 68 characters, .* by 4$/),
      expect.stringMatching(/^the lambdaFunction name '.*-BatchStuckHandler' is 68 characters, .* by 4$/),
      expect.stringMatching(/^the scheduleGroup name '.*-StuckJobChecks' is 65 characters, .* by 1$/),
      expect.stringMatching(/^the iamRole name '.*-BatchLambdaRole' is 66 characters, .* by 2$/),
    ]);
  });

  test('fails on a Slack configuration name over 128 once it carries the workspace id', () => {
    expect(nameProblems('jobs', 'dev', `T${'A'.repeat(114)}`)).toEqual([
      expect.stringMatching(
        /^the chatbotConfiguration name 'jobs-dev-Slack-TA+' is 130 characters, .* by 2$/,
      ),
    ]);
  });

  test('the pipeline gives its stack, pipeline, source bucket and approval topic names, and a support stack per other region', () => {
    const names = pipelineGivenNames('jobs', '111111111111', 'ap-northeast-1', [
      'ap-northeast-1',
      'eu-west-1',
      'eu-west-1',
    ]);
    expect(names.map((n) => [n.name, n.resource])).toEqual([
      ['jobs-Pipeline', 'cloudFormationStack'],
      ['jobs-pipeline', 'codePipeline'],
      ['jobs-pipeline-source-111111111111-ap-northeast-1', 's3Bucket'],
      ['jobs pipeline approvals', 'snsDisplayName'],
      ['jobs-Pipeline-support-eu-west-1', 'cloudFormationStack'],
    ]);
  });

  test("the preview account's bootstrap gives its stack and two policy names", () => {
    expect(previewBootstrapGivenNames('jobs').map((n) => [n.name, n.resource])).toEqual([
      ['jobs-PreviewBootstrap', 'cloudFormationStack'],
      ['jobs-preview-cfn-execution', 'iamPolicy'],
      ['jobs-preview-boundary', 'iamPolicy'],
    ]);
  });

  test.each(['sthree', 'amzn-s3-demo'])('fails on a bucket name S3 reserves: app name %p', (appName) => {
    const names = pipelineGivenNames(appName, '111111111111', 'ap-northeast-1', []);
    expect(givenNameProblems(names, 'appName')).toEqual([
      expect.stringMatching(
        /^the s3Bucket name '.*' \(the pipeline's source bucket\) starts with '.*-', which S3 reserves: change appName$/,
      ),
    ]);
  });

  test('the smoke-test role ARN names the stage role', () => {
    expect(smokeTestRoleArn('jobs', 'dev', '111111111111')).toBe(
      'arn:aws:iam::111111111111:role/jobs-dev-SmokeTestRole',
    );
  });
});
