import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import * as protectStack from '../../../scripts/pipeline/protect-stack';
import * as changeSetSummary from '../../../scripts/pipeline/publish-change-set-summary';
import { partitionOf, stageTargetProblems } from '../../../scripts/pipeline/stage-session';

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
const TARGET = {
  stackName: 'jobs-prod-JobBase',
  account: '222222222222',
  region: 'ap-northeast-1',
  roleArn: ROLE_ARN,
  partition: 'aws',
};

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

test('stageTargetProblems names every malformed variable at once', () => {
  const values = {
    STACK_NAME: 'jobs prod',
    STACK_ACCOUNT: '2222',
    STACK_REGION: 'Tokyo',
    DEPLOY_ROLE_ARN: 'deploy-role',
  };
  expect(stageTargetProblems(values)).toEqual([
    "STACK_NAME 'jobs prod' is not a CloudFormation stack name",
    "STACK_ACCOUNT '2222' is not a 12-digit account id",
    "STACK_REGION 'Tokyo' is not a region code such as ap-northeast-1",
    "DEPLOY_ROLE_ARN 'deploy-role' is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)",
  ]);
});

/** Every pipeline step that reaches a stage's stack, with what its session may do there. */
const STEPS = [
  {
    script: 'protect stack',
    step: protectStack,
    env: VARIABLES,
    settings: TARGET,
    sessionName: 'protect-stack-jobs-prod-JobBase',
    actions: ['cloudformation:UpdateTerminationProtection', 'cloudformation:DescribeStacks'],
  },
  {
    script: 'change-set summary',
    step: changeSetSummary,
    env: {
      STAGE_NAME: 'prod',
      ...VARIABLES,
      APPROVAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:approvals',
    },
    settings: {
      ...TARGET,
      stageName: 'prod',
      topicArn: 'arn:aws:sns:us-east-1:111111111111:approvals',
      topicRegion: 'us-east-1',
      changeSetName: 'PipelineChange',
      outputDir: '/codebuild/output/src',
    },
    sessionName: 'change-set-summary-prod',
    actions: ['cloudformation:DescribeChangeSet'],
  },
] as const;

describe.each(STEPS)('the $script step', ({ script, step, env, settings, sessionName, actions }) => {
  const temporaryCredentials = jest.mocked(fromTemporaryCredentials);
  beforeEach(() => temporaryCredentials.mockClear());

  test('reads its settings, the partition from the role ARN, from the variables the pipeline step sets', () => {
    expect(step.readSettings(env, '/codebuild/output/src')).toEqual(settings);
  });

  test('fails naming every missing variable at once', () => {
    const { STACK_NAME: _set, ...missing } = env;
    expect(() => step.readSettings({ STACK_NAME: 'jobs-prod-JobBase' })).toThrow(
      new Error(`${script}: set ${Object.keys(missing).join(', ')} (the pipeline step sets them)`),
    );
  });

  test("fails when the role is not the stack account's", () => {
    const other = { ...env, DEPLOY_ROLE_ARN: 'arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role' };
    expect(() => step.readSettings(other)).toThrow(
      `${script}: DEPLOY_ROLE_ARN is in account 111111111111, not in STACK_ACCOUNT 222222222222 (use that account's bootstrap deploy role)`,
    );
  });

  test("calls CloudFormation in the stack's region as the deploy role for 15 minutes, allowed only its actions on the stack", async () => {
    const { cloudFormation } = step.createClients(settings as never);
    const Policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: actions,
          Resource: 'arn:aws:cloudformation:ap-northeast-1:222222222222:stack/jobs-prod-JobBase/*',
        },
      ],
    });
    expect(temporaryCredentials.mock.calls).toEqual([
      [
        {
          params: { RoleArn: ROLE_ARN, RoleSessionName: sessionName, Policy, DurationSeconds: 900 },
          clientConfig: { region: 'ap-northeast-1' },
        },
      ],
    ]);
    await expect(cloudFormation.config.region()).resolves.toBe('ap-northeast-1');
    await expect(cloudFormation.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIATEST' });
  });
});
