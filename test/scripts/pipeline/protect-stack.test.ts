import {
  CloudFormationClient,
  DescribeStacksCommand,
  UpdateTerminationProtectionCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  createClients,
  protectSessionPolicy,
  readSettings,
  runProtectStack,
  type ProtectSettings,
} from '../../../scripts/pipeline/protect-stack';

// Only the provider factory is replaced, so that no test reaches STS; the rest of the module is real.
jest.mock('@aws-sdk/credential-providers', () => ({
  ...jest.requireActual<object>('@aws-sdk/credential-providers'),
  fromTemporaryCredentials: jest.fn(
    () => () =>
      Promise.resolve({ accessKeyId: 'ASIATEST', secretAccessKey: 'secret', sessionToken: 'token' }),
  ),
}));

const REGION = 'ap-northeast-1';
const ROLE_ARN = 'arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-ap-northeast-1';
const STACK_PATTERN = 'arn:aws:cloudformation:ap-northeast-1:222222222222:stack/jobs-prod-JobBase/*';
const STACK_ID =
  'arn:aws:cloudformation:ap-northeast-1:222222222222:stack/jobs-prod-JobBase/8c1f4b70-cd2e-11f0-9a4b-0a1b2c3d4e5f';

const ENV = {
  STACK_NAME: 'jobs-prod-JobBase',
  STACK_ACCOUNT: '222222222222',
  STACK_REGION: REGION,
  DEPLOY_ROLE_ARN: ROLE_ARN,
};

const SETTINGS: ProtectSettings = {
  stackName: 'jobs-prod-JobBase',
  account: '222222222222',
  region: REGION,
  partition: 'aws',
  roleArn: ROLE_ARN,
};

/** The stack as DescribeStacks returns it. */
function stack(enableTerminationProtection: boolean | undefined): Stack {
  return {
    StackId: STACK_ID,
    StackName: 'jobs-prod-JobBase',
    CreationTime: new Date('2026-11-01T09:00:00.000Z'),
    LastUpdatedTime: new Date('2026-11-28T12:05:00.000Z'),
    StackStatus: 'UPDATE_COMPLETE',
    EnableTerminationProtection: enableTerminationProtection,
  };
}

describe('readSettings', () => {
  test('reads the stack and the deploy role, with the partition from the role', () => {
    expect(readSettings(ENV)).toEqual(SETTINGS);
  });

  test('fails naming every missing variable at once', () => {
    expect(() => readSettings({ STACK_NAME: 'jobs-prod-JobBase' })).toThrow(
      new Error(
        'protect stack: set STACK_ACCOUNT, STACK_REGION, DEPLOY_ROLE_ARN (the pipeline step sets them)',
      ),
    );
  });

  test("fails when the role is not the stack account's", () => {
    // GIVEN a role in the pipeline account
    const env = { ...ENV, DEPLOY_ROLE_ARN: 'arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role' };
    // WHEN / THEN
    expect(() => readSettings(env)).toThrow(
      'protect stack: DEPLOY_ROLE_ARN is in account 111111111111, not in STACK_ACCOUNT 222222222222',
    );
  });
});

describe('protectSessionPolicy', () => {
  test('allows turning on termination protection and reading the stack back, on that stack only', () => {
    expect(protectSessionPolicy(SETTINGS)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['cloudformation:UpdateTerminationProtection', 'cloudformation:DescribeStacks'],
          Resource: STACK_PATTERN,
        },
      ],
    });
  });
});

describe('createClients', () => {
  const temporaryCredentials = jest.mocked(fromTemporaryCredentials);
  beforeEach(() => temporaryCredentials.mockClear());

  test('assumes the deploy role with a session policy allowing only those two actions on the stack', () => {
    // GIVEN the production settings
    // WHEN the clients are created
    createClients(SETTINGS);
    // THEN exactly one session, with exactly this policy
    expect(temporaryCredentials).toHaveBeenCalledTimes(1);
    expect(temporaryCredentials).toHaveBeenCalledWith({
      params: {
        RoleArn: ROLE_ARN,
        RoleSessionName: 'protect-stack-jobs-prod-JobBase',
        Policy:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":' +
          '["cloudformation:UpdateTerminationProtection","cloudformation:DescribeStacks"],' +
          `"Resource":"${STACK_PATTERN}"}]}`,
        DurationSeconds: 900,
      },
      clientConfig: { region: REGION },
    });
  });

  test("CloudFormation is called in the stack's region with the assumed credentials", async () => {
    // GIVEN / WHEN
    const clients = createClients(SETTINGS);
    // THEN
    await expect(clients.cloudFormation.config.region()).resolves.toBe(REGION);
    await expect(clients.cloudFormation.config.credentials()).resolves.toMatchObject({
      accessKeyId: 'ASIATEST',
    });
  });
});

describe('runProtectStack (SDK mocked)', () => {
  const cloudFormationMock = mockClient(CloudFormationClient);
  const clients = { cloudFormation: new CloudFormationClient({ region: REGION }) };
  const quiet = (): void => undefined;

  beforeEach(() => {
    cloudFormationMock.reset();
    cloudFormationMock.on(UpdateTerminationProtectionCommand).resolves({ StackId: STACK_ID });
  });
  afterAll(() => cloudFormationMock.restore());

  test('turns termination protection on for the stack', async () => {
    // GIVEN a stack that reports protection on afterwards
    cloudFormationMock.on(DescribeStacksCommand).resolves({ Stacks: [stack(true)] });
    // WHEN the step runs
    await runProtectStack(SETTINGS, clients, quiet);
    // THEN
    expect(cloudFormationMock).toHaveReceivedCommandTimes(UpdateTerminationProtectionCommand, 1);
    expect(cloudFormationMock).toHaveReceivedCommandWith(UpdateTerminationProtectionCommand, {
      StackName: 'jobs-prod-JobBase',
      EnableTerminationProtection: true,
    });
  });

  test('reads the stack back after turning protection on, and resolves with its id', async () => {
    // GIVEN a stack that reports protection on
    cloudFormationMock.on(DescribeStacksCommand).resolves({ Stacks: [stack(true)] });
    // WHEN the step runs
    const result = runProtectStack(SETTINGS, clients, quiet);
    // THEN
    await expect(result).resolves.toBe(STACK_ID);
    expect(cloudFormationMock).toHaveReceivedNthCommandWith(2, DescribeStacksCommand, {
      StackName: 'jobs-prod-JobBase',
    });
  });

  test('succeeds again on a stack that is already protected', async () => {
    // GIVEN a stack protected by an earlier run
    cloudFormationMock.on(DescribeStacksCommand).resolves({ Stacks: [stack(true)] });
    await runProtectStack(SETTINGS, clients, quiet);
    // WHEN the step runs again
    const again = runProtectStack(SETTINGS, clients, quiet);
    // THEN it succeeds the same way
    await expect(again).resolves.toBe(STACK_ID);
    expect(cloudFormationMock).toHaveReceivedCommandTimes(UpdateTerminationProtectionCommand, 2);
  });

  test('logs one line naming the stack, its account and region', async () => {
    // GIVEN a stack that reports protection on
    cloudFormationMock.on(DescribeStacksCommand).resolves({ Stacks: [stack(true)] });
    const lines: string[] = [];
    // WHEN the step runs
    await runProtectStack(SETTINGS, clients, (line) => lines.push(line));
    // THEN
    expect(lines).toEqual([
      `termination protection is on for stack jobs-prod-JobBase in 222222222222 ap-northeast-1 (${STACK_ID})`,
    ]);
  });

  test('fails when the stack still reports protection off', async () => {
    // GIVEN a stack that reports protection off after the update
    cloudFormationMock.on(DescribeStacksCommand).resolves({ Stacks: [stack(false)] });
    // WHEN / THEN
    await expect(runProtectStack(SETTINGS, clients, quiet)).rejects.toThrow(
      new Error(
        'protect stack: after UpdateTerminationProtection, DescribeStacks reports termination protection off ' +
          'for stack jobs-prod-JobBase in 222222222222 ap-northeast-1',
      ),
    );
  });

  test('fails when the stack does not report protection at all', async () => {
    // GIVEN a stack description without the field
    cloudFormationMock.on(DescribeStacksCommand).resolves({ Stacks: [stack(undefined)] });
    // WHEN / THEN
    await expect(runProtectStack(SETTINGS, clients, quiet)).rejects.toThrow(
      'DescribeStacks reports no termination protection setting for stack jobs-prod-JobBase in 222222222222',
    );
  });

  test('fails when DescribeStacks returns no stack', async () => {
    // GIVEN an empty description
    cloudFormationMock.on(DescribeStacksCommand).resolves({ Stacks: [] });
    // WHEN / THEN
    await expect(runProtectStack(SETTINGS, clients, quiet)).rejects.toThrow(
      'DescribeStacks reports no stack jobs-prod-JobBase in 222222222222 ap-northeast-1',
    );
  });

  test('fails with the SDK error, without reading the stack, when the update is denied', async () => {
    // GIVEN the update is denied
    cloudFormationMock.on(UpdateTerminationProtectionCommand).rejects(
      Object.assign(new Error('not authorized to perform: cloudformation:UpdateTerminationProtection'), {
        name: 'AccessDenied',
      }),
    );
    // WHEN / THEN
    await expect(runProtectStack(SETTINGS, clients, quiet)).rejects.toThrow(
      'not authorized to perform: cloudformation:UpdateTerminationProtection',
    );
    expect(cloudFormationMock).toHaveReceivedCommandTimes(DescribeStacksCommand, 0);
  });
});
