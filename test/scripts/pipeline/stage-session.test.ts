import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import {
  partitionOf,
  sessionPolicy,
  stackArnPattern,
  stageCredentials,
  stageTarget,
  stageTargetProblems,
} from '../../../scripts/pipeline/stage-session';

// Only the provider factory is replaced, so that no test reaches STS; the rest of the module is real.
jest.mock('@aws-sdk/credential-providers', () => ({
  ...jest.requireActual<object>('@aws-sdk/credential-providers'),
  fromTemporaryCredentials: jest.fn(
    () => () =>
      Promise.resolve({ accessKeyId: 'ASIATEST', secretAccessKey: 'secret', sessionToken: 'token' }),
  ),
}));

const ROLE_ARN = 'arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-ap-northeast-1';
const VARIABLES = {
  STACK_NAME: 'jobs-prod-JobBase',
  STACK_ACCOUNT: '222222222222',
  STACK_REGION: 'ap-northeast-1',
  DEPLOY_ROLE_ARN: ROLE_ARN,
};

describe('stackArnPattern', () => {
  test('matches every stack of that name in that account and region', () => {
    // GIVEN the production stack's location
    const location = {
      partition: 'aws',
      region: 'ap-northeast-1',
      account: '222222222222',
      stackName: 'jobs-prod-JobBase',
    };
    // WHEN / THEN: the stack id after the name is generated, hence the wildcard
    expect(stackArnPattern(location)).toBe(
      'arn:aws:cloudformation:ap-northeast-1:222222222222:stack/jobs-prod-JobBase/*',
    );
  });
});

describe('sessionPolicy', () => {
  test('is one Allow statement of exactly the actions on exactly the resource', () => {
    // GIVEN an action and a resource
    // WHEN the policy is built
    const policy = sessionPolicy(
      ['cloudformation:DescribeChangeSet'],
      'arn:aws:cloudformation:r:1:stack/s/*',
    );
    // THEN
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['cloudformation:DescribeChangeSet'],
          Resource: 'arn:aws:cloudformation:r:1:stack/s/*',
        },
      ],
    });
  });
});

describe('partitionOf', () => {
  test.each([
    [ROLE_ARN, 'aws'],
    ['arn:aws-cn:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-cn-north-1', 'aws-cn'],
    ['arn:aws-us-gov:iam::222222222222:role/path/deploy', 'aws-us-gov'],
  ])('reads the partition of %s', (arn, partition) => {
    expect(partitionOf(arn)).toBe(partition);
  });

  test.each([
    'cdk-hnb659fds-deploy-role-222222222222-ap-northeast-1',
    'arn:aws:iam::22222222222:role/too-short-account',
    'arn:aws:sts::222222222222:assumed-role/deploy/session',
    'arn:aws:iam::222222222222:user/deployer',
  ])('fails on %p, which is not an IAM role ARN', (arn) => {
    expect(() => partitionOf(arn)).toThrow(
      `'${arn}' is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)`,
    );
  });
});

describe('stageTargetProblems', () => {
  test('finds none in the variables a production step sets', () => {
    expect(stageTargetProblems(VARIABLES)).toEqual([]);
  });

  test('fails naming every malformed variable at once', () => {
    // GIVEN every variable malformed
    const values = {
      STACK_NAME: 'jobs prod',
      STACK_ACCOUNT: '2222',
      STACK_REGION: 'Tokyo',
      DEPLOY_ROLE_ARN: 'deploy-role',
    };
    // WHEN / THEN
    expect(stageTargetProblems(values)).toEqual([
      "STACK_NAME 'jobs prod' is not a CloudFormation stack name",
      "STACK_ACCOUNT '2222' is not a 12-digit account id",
      "STACK_REGION 'Tokyo' is not a region code such as ap-northeast-1",
      "DEPLOY_ROLE_ARN 'deploy-role' is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)",
    ]);
  });

  test("fails when the role is not in the stack's account", () => {
    // GIVEN the pipeline account's role instead of the stage account's
    const values = {
      ...VARIABLES,
      DEPLOY_ROLE_ARN: 'arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role',
    };
    // WHEN / THEN
    expect(stageTargetProblems(values)).toEqual([
      "DEPLOY_ROLE_ARN is in account 111111111111, not in STACK_ACCOUNT 222222222222 (use that account's bootstrap deploy role)",
    ]);
  });
});

describe('stageTarget', () => {
  test('takes the partition from the role ARN', () => {
    expect(stageTarget(VARIABLES)).toEqual({
      stackName: 'jobs-prod-JobBase',
      account: '222222222222',
      region: 'ap-northeast-1',
      roleArn: ROLE_ARN,
      partition: 'aws',
    });
  });
});

describe('stageCredentials', () => {
  const temporaryCredentials = jest.mocked(fromTemporaryCredentials);
  beforeEach(() => temporaryCredentials.mockClear());

  test('assumes the role for 15 minutes with the session policy as JSON', () => {
    // GIVEN a session policy
    const policy = sessionPolicy(['cloudformation:DescribeStacks'], 'arn:aws:cloudformation:r:1:stack/s/*');
    // WHEN the credentials are made
    stageCredentials({ roleArn: ROLE_ARN, sessionName: 'session', policy, region: 'ap-northeast-1' });
    // THEN
    expect(temporaryCredentials).toHaveBeenCalledWith({
      params: {
        RoleArn: ROLE_ARN,
        RoleSessionName: 'session',
        Policy: JSON.stringify(policy),
        DurationSeconds: 900,
      },
      clientConfig: { region: 'ap-northeast-1' },
    });
  });

  test('yields the credentials of the provider', async () => {
    // GIVEN / WHEN
    const provider = stageCredentials({
      roleArn: ROLE_ARN,
      sessionName: 'session',
      policy: sessionPolicy([], '*'),
      region: 'ap-northeast-1',
    });
    // THEN
    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'ASIATEST' });
  });
});
