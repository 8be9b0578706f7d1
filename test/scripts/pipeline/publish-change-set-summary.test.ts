import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  createClients,
  HEADLINE_FILE,
  readSettings,
  runChangeSetSummary,
  URL_FILE,
  type SummarySettings,
  type Waiting,
} from '../../../scripts/pipeline/publish-change-set-summary';
import { MESSAGE_LIMIT_BYTES } from '../../../scripts/pipeline/change-set-summary-text';
import { loadChangeSet } from '../../support/change-set-fixtures';

// The settings and the stage session every step shares: test/scripts/pipeline/stage-session.test.ts.
jest.mock('@aws-sdk/credential-providers', () => ({
  ...jest.requireActual<object>('@aws-sdk/credential-providers'),
  fromTemporaryCredentials: jest.fn(
    () => () => Promise.resolve({ accessKeyId: 'ASIATEST', secretAccessKey: 's' }),
  ),
}));

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111111111111:jobs-pipeline-approvals';
const ENV = {
  STAGE_NAME: 'prod',
  STACK_NAME: 'jobs-prod-JobBase',
  STACK_ACCOUNT: '222222222222',
  STACK_REGION: 'ap-northeast-1',
  DEPLOY_ROLE_ARN: 'arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-ap-northeast-1',
  APPROVAL_TOPIC_ARN: TOPIC_ARN,
};
const LABEL = 'change-set summary: change set PipelineChange of stack jobs-prod-JobBase';

function settings(outputDir = '/nonexistent'): SummarySettings {
  return readSettings({ ...ENV, SUMMARY_OUTPUT_DIR: outputDir });
}

describe('readSettings', () => {
  test('reads the change set name and output directory when set', () => {
    const env = { ...ENV, CHANGE_SET_NAME: 'ReviewedChange', SUMMARY_OUTPUT_DIR: '/tmp/summary' };
    expect(readSettings(env, '/ignored')).toMatchObject({
      changeSetName: 'ReviewedChange',
      outputDir: '/tmp/summary',
    });
  });

  test.each([
    [
      { STACK_ACCOUNT: '2222', APPROVAL_TOPIC_ARN: 'jobs-approvals', CHANGE_SET_NAME: '1st' },
      "change-set summary: STACK_ACCOUNT '2222' is not a 12-digit account id; " +
        "APPROVAL_TOPIC_ARN 'jobs-approvals' is not an SNS topic ARN; " +
        "CHANGE_SET_NAME '1st' is not a change set name",
    ],
    [
      { DEPLOY_ROLE_ARN: 'arn:aws-iso:iam::222222222222:role/cdk-hnb659fds-deploy-role' },
      "change-set summary: the partition 'aws-iso' has no console to link the change set to",
    ],
  ])('fails on %p naming every problem at once', (overrides, message) => {
    expect(() => readSettings({ ...ENV, ...overrides })).toThrow(new Error(message));
  });
});

test("createClients: SNS is called in the topic's region with the step's own credentials", async () => {
  jest.mocked(fromTemporaryCredentials).mockClear();
  const clients = createClients(settings());
  // The topic's region, and not the assumed session (the topic is in the pipeline account)
  await expect(clients.sns.config.region()).resolves.toBe('us-east-1');
  expect(clients.sns.config.credentials).not.toBe(clients.cloudFormation.config.credentials);
  expect(fromTemporaryCredentials).toHaveBeenCalledTimes(1);
});

describe('runChangeSetSummary (SDK mocked)', () => {
  const cloudFormationMock = mockClient(CloudFormationClient);
  const snsMock = mockClient(SNSClient);
  const clients = {
    cloudFormation: new CloudFormationClient({ region: 'ap-northeast-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
  };
  const quiet = (): void => undefined;
  /** The SDK waiter, looking every 10 ms for at most 100 ms. */
  const FAST: Waiting = { intervalSeconds: 0.01, timeoutSeconds: 0.1 };
  let outputDir: string;

  beforeEach(() => {
    cloudFormationMock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'message-1' });
    outputDir = mkdtempSync(join(tmpdir(), 'change-set-summary-'));
  });
  afterEach(() => rmSync(outputDir, { recursive: true, force: true }));
  afterAll(() => {
    cloudFormationMock.restore();
    snsMock.restore();
  });

  const run = (log: (line: string) => void = quiet) =>
    runChangeSetSummary(settings(outputDir), clients, FAST, log);
  const describes = () =>
    cloudFormationMock.commandCalls(DescribeChangeSetCommand).map((c) => c.args[0].input);

  test('describes the pipeline change set of the stage stack, without property values, into the build log', async () => {
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('routine-update'));
    const lines: string[] = [];
    const summary = await run((line) => lines.push(line));
    expect(describes()).toEqual([{ StackName: 'jobs-prod-JobBase', ChangeSetName: 'PipelineChange' }]);
    expect(lines).toEqual([
      summary.text,
      `published the summary to ${TOPIC_ARN}; wrote ${HEADLINE_FILE} and ${URL_FILE}`,
    ]);
  });

  // Following NextToken is the SDK paginator's; putting the pages together is ours.
  test('summarizes the changes of every page', async () => {
    cloudFormationMock
      .on(DescribeChangeSetCommand)
      .resolvesOnce(loadChangeSet('two-pages-1'))
      .resolvesOnce(loadChangeSet('two-pages-2'));
    const summary = await run();
    expect(summary.headline).toMatch(/: 0 to add, 5 to modify, 0 to remove;/);
    expect(summary.text).toContain('NetworkFlowLogGroup4F8CEEEF (AWS::Logs::LogGroup): Modify');
  });

  test('waits 5 s between reads while the change set is being created', async () => {
    jest.useFakeTimers();
    cloudFormationMock
      .on(DescribeChangeSetCommand)
      .resolvesOnce({ ...loadChangeSet('create-in-progress'), Status: 'CREATE_PENDING' })
      .resolvesOnce(loadChangeSet('create-in-progress'))
      .resolves(loadChangeSet('routine-update'));
    const summary = runChangeSetSummary(settings(outputDir), clients, undefined, quiet);
    await jest.advanceTimersByTimeAsync(4_999);
    const before = describes().length;
    await jest.advanceTimersByTimeAsync(1);
    jest.useRealTimers();
    expect(before).toBe(2);
    expect((await summary).headline).toMatch(/: 0 to add, 3 to modify, 0 to remove;/);
  });

  test('fails when the change set is still being created when the wait is over', async () => {
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('create-in-progress'));
    await expect(run()).rejects.toThrow(`${LABEL} is still CREATE_IN_PROGRESS after 0.1 s`);
  });

  test('a change set without changes is published as "no changes"', async () => {
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('no-changes'));
    await run();
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      Subject: '[prod] jobs-prod-JobBase change set: no changes',
    });
  });

  test('fails naming the reason, without publishing or writing files, when the change set failed', async () => {
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('failed'));
    await expect(run()).rejects.toThrow(
      new Error(
        `${LABEL} failed: Unable to fetch parameters [/cdk-bootstrap/hnb659fds/version] from parameter store for this account.`,
      ),
    );
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(existsSync(join(outputDir, HEADLINE_FILE))).toBe(false);
  });

  test('fails when the change set was deleted', async () => {
    cloudFormationMock
      .on(DescribeChangeSetCommand)
      .resolves({ ...loadChangeSet('routine-update'), Status: 'DELETE_COMPLETE' });
    await expect(run()).rejects.toThrow(`${LABEL} is DELETE_COMPLETE, not CREATE_COMPLETE`);
  });

  test('fails at once with the SDK error when the session may not describe the change set', async () => {
    const denied = new Error('not authorized to perform: cloudformation:DescribeChangeSet');
    cloudFormationMock.on(DescribeChangeSetCommand).rejects(denied);
    await expect(run()).rejects.toThrow(denied.message);
    expect(describes()).toHaveLength(1);
  });

  test('publishes the summary to the approval topic, and writes the headline and link for the approval', async () => {
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('stateful-replacement'));
    const summary = await run();
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC_ARN,
      Subject: '[prod] STATEFUL REPLACED/REMOVED: jobs-prod-JobBase change set: 1 add, 3 modify, 1 remove',
      Message: summary.text,
    });
    expect(readFileSync(join(outputDir, HEADLINE_FILE), 'utf8')).toBe(summary.headline);
    expect(readFileSync(join(outputDir, URL_FILE), 'utf8')).toBe(summary.url);
  });

  test('a summary too large for SNS is cut to fit, with a note', async () => {
    // 2,500 added queues with 255-character logical ids
    const Changes = Array.from({ length: 2_500 }, (_, index) => {
      const LogicalResourceId = `Queue${index}`.padEnd(255, 'x');
      return {
        ResourceChange: { Action: 'Add' as const, LogicalResourceId, ResourceType: 'AWS::SQS::Queue' },
      };
    });
    cloudFormationMock.on(DescribeChangeSetCommand).resolves({ ...loadChangeSet('routine-update'), Changes });
    const summary = await run();
    const message = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(Buffer.byteLength(summary.text)).toBeGreaterThan(MESSAGE_LIMIT_BYTES);
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MESSAGE_LIMIT_BYTES);
    expect(message).toMatch(
      /\[cut: the summary is \d+ bytes, over the 262044-byte SNS limit; the CodeBuild log has all of it\]$/,
    );
  });
});
