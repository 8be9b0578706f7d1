import {
  CloudFormationClient,
  DescribeStacksCommand,
  UpdateTerminationProtectionCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { runProtectStack } from '../../../scripts/pipeline/protect-stack';

// readSettings and createClients: test/scripts/pipeline/stage-session.test.ts, with every step's.
const STACK_ID =
  'arn:aws:cloudformation:ap-northeast-1:222222222222:stack/jobs-prod-JobBase/8c1f4b70-cd2e-11f0-9a4b-0a1b2c3d4e5f';
const SETTINGS = {
  stackName: 'jobs-prod-JobBase',
  account: '222222222222',
  region: 'ap-northeast-1',
  partition: 'aws',
  roleArn: 'arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-ap-northeast-1',
};
const WHERE = 'stack jobs-prod-JobBase in 222222222222 ap-northeast-1';

const stack = (EnableTerminationProtection?: boolean): Stack => ({
  StackId: STACK_ID,
  StackName: 'jobs-prod-JobBase',
  CreationTime: new Date('2026-11-01T09:00:00.000Z'),
  StackStatus: 'UPDATE_COMPLETE',
  EnableTerminationProtection,
});

describe('runProtectStack (SDK mocked)', () => {
  const cloudFormationMock = mockClient(CloudFormationClient);
  const clients = { cloudFormation: new CloudFormationClient({ region: 'ap-northeast-1' }) };
  const quiet = (): void => undefined;

  beforeEach(() => {
    cloudFormationMock.reset();
    cloudFormationMock.on(UpdateTerminationProtectionCommand).resolves({ StackId: STACK_ID });
    cloudFormationMock.on(DescribeStacksCommand).resolves({ Stacks: [stack(true)] });
  });
  afterAll(() => cloudFormationMock.restore());

  // The stack reads protected before and after: running the step again succeeds.
  test('turns termination protection on, reads the stack back, logs it and resolves with its id', async () => {
    const lines: string[] = [];
    await expect(runProtectStack(SETTINGS, clients, (line) => lines.push(line))).resolves.toBe(STACK_ID);
    expect(cloudFormationMock).toHaveReceivedCommandTimes(UpdateTerminationProtectionCommand, 1);
    expect(cloudFormationMock).toHaveReceivedNthCommandWith(1, UpdateTerminationProtectionCommand, {
      StackName: 'jobs-prod-JobBase',
      EnableTerminationProtection: true,
    });
    expect(cloudFormationMock).toHaveReceivedNthCommandWith(2, DescribeStacksCommand, {
      StackName: 'jobs-prod-JobBase',
    });
    expect(lines).toEqual([`termination protection is on for ${WHERE} (${STACK_ID})`]);
  });

  test.each<[string, Stack[], string]>([
    ['reports protection off', [stack(false)], `termination protection off for ${WHERE}`],
    ['reports no protection setting', [stack(undefined)], `no termination protection setting for ${WHERE}`],
    ['returns no stack', [], `no ${WHERE}`],
  ])('fails when DescribeStacks %s', async (_, Stacks, state) => {
    cloudFormationMock.on(DescribeStacksCommand).resolves({ Stacks });
    await expect(runProtectStack(SETTINGS, clients, quiet)).rejects.toThrow(
      new Error(`protect stack: after UpdateTerminationProtection, DescribeStacks reports ${state}`),
    );
  });

  test('fails with the SDK error, without reading the stack, when the update is denied', async () => {
    const denied = new Error('not authorized to perform: cloudformation:UpdateTerminationProtection');
    cloudFormationMock.on(UpdateTerminationProtectionCommand).rejects(denied);
    await expect(runProtectStack(SETTINGS, clients, quiet)).rejects.toThrow(denied.message);
    expect(cloudFormationMock).toHaveReceivedCommandTimes(DescribeStacksCommand, 0);
  });
});
