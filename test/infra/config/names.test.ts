import { nameProblems, physicalName, pipelineNames, smokeTestRoleArn } from '../../../infra/config/names';

describe('names', () => {
  test('physical names follow the original design: <app>-<stage>-<Name>', () => {
    expect(physicalName('jobs', 'dev', 'BatchLambdaRole')).toBe('jobs-dev-BatchLambdaRole');
  });

  test('names that fit raise no problem', () => {
    expect(nameProblems('jobs', 'dev')).toEqual([]);
  });

  test('fails on each name over its service limit, and only those', () => {
    // GIVEN an app and stage name that put three names over 64 characters; SmokeTestRole is exactly 64
    const problems = nameProblems('a'.repeat(20), 'b'.repeat(29));
    // THEN
    expect(problems).toEqual([
      expect.stringMatching(/^the lambdaFunction name '.*-BatchSuccessHandler' is 70 characters, .* by 6$/),
      expect.stringMatching(/^the lambdaFunction name '.*-BatchErrorHandler' is 68 characters, .* by 4$/),
      expect.stringMatching(/^the iamRole name '.*-BatchLambdaRole' is 66 characters, .* by 2$/),
    ]);
  });

  test('the pipeline names are derived from app, account and region', () => {
    expect(pipelineNames('jobs', '111111111111', 'ap-northeast-1')).toEqual({
      stackName: 'jobs-Pipeline',
      pipelineName: 'jobs-pipeline',
      sourceBucketName: 'jobs-pipeline-source-111111111111-ap-northeast-1',
      sourceObjectKey: 'cloud-assembly.zip',
      sourceActionName: 'Source',
    });
  });

  test('the smoke-test role ARN names the stage role', () => {
    expect(smokeTestRoleArn('jobs', 'dev', '111111111111')).toBe(
      'arn:aws:iam::111111111111:role/jobs-dev-SmokeTestRole',
    );
  });
});
