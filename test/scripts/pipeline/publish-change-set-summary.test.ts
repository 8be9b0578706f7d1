import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeChangeSetCommand,
  type ResourceChange,
} from '@aws-sdk/client-cloudformation';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  createClients,
  DEFAULT_WAITING,
  HEADLINE_FILE,
  readSettings,
  runChangeSetSummary,
  summarySessionPolicy,
  URL_FILE,
  type SummarySettings,
  type Waiting,
} from '../../../scripts/pipeline/publish-change-set-summary';
import { MESSAGE_LIMIT_BYTES } from '../../../scripts/pipeline/change-set-summary-text';
import { loadChangeSet } from '../../support/change-set-fixtures';

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
const TOPIC_ARN = 'arn:aws:sns:us-east-1:111111111111:jobs-pipeline-approvals';
const STACK_PATTERN = 'arn:aws:cloudformation:ap-northeast-1:222222222222:stack/jobs-prod-JobBase/*';

const ENV = {
  STAGE_NAME: 'prod',
  STACK_NAME: 'jobs-prod-JobBase',
  STACK_ACCOUNT: '222222222222',
  STACK_REGION: REGION,
  DEPLOY_ROLE_ARN: ROLE_ARN,
  APPROVAL_TOPIC_ARN: TOPIC_ARN,
};

function settings(overrides: Partial<SummarySettings> = {}): SummarySettings {
  return {
    stageName: 'prod',
    stackName: 'jobs-prod-JobBase',
    account: '222222222222',
    region: REGION,
    partition: 'aws',
    roleArn: ROLE_ARN,
    topicArn: TOPIC_ARN,
    topicRegion: 'us-east-1',
    changeSetName: 'PipelineChange',
    outputDir: '/nonexistent',
    ...overrides,
  };
}

describe('readSettings', () => {
  test('reads the required variables and defaults the change set name and output directory', () => {
    // GIVEN the variables the pipeline step sets
    // WHEN the settings are read in the build's directory
    const result = readSettings(ENV, '/codebuild/output/src');
    // THEN
    expect(result).toEqual(settings({ outputDir: '/codebuild/output/src' }));
  });

  test('reads the change set name and output directory when set', () => {
    // GIVEN the optional variables too
    const env = { ...ENV, CHANGE_SET_NAME: 'ReviewedChange', SUMMARY_OUTPUT_DIR: '/tmp/summary' };
    // WHEN / THEN
    expect(readSettings(env, '/ignored')).toMatchObject({
      changeSetName: 'ReviewedChange',
      outputDir: '/tmp/summary',
    });
  });

  test('fails naming every missing variable at once', () => {
    expect(() => readSettings({})).toThrow(
      new Error(
        'change-set summary: set STAGE_NAME, STACK_NAME, STACK_ACCOUNT, STACK_REGION, DEPLOY_ROLE_ARN, ' +
          'APPROVAL_TOPIC_ARN (the pipeline step sets them)',
      ),
    );
  });

  test('fails naming every malformed variable at once', () => {
    // GIVEN a malformed account, topic ARN and change set name
    const env = {
      ...ENV,
      STACK_ACCOUNT: '2222',
      APPROVAL_TOPIC_ARN: 'jobs-approvals',
      CHANGE_SET_NAME: '1st',
    };
    // WHEN / THEN
    expect(() => readSettings(env)).toThrow(
      new Error(
        "change-set summary: STACK_ACCOUNT '2222' is not a 12-digit account id; " +
          "APPROVAL_TOPIC_ARN 'jobs-approvals' is not an SNS topic ARN; " +
          "CHANGE_SET_NAME '1st' is not a change set name",
      ),
    );
  });

  test('fails in a partition whose console the link cannot point at', () => {
    // GIVEN a role in an isolated partition
    const env = { ...ENV, DEPLOY_ROLE_ARN: 'arn:aws-iso:iam::222222222222:role/cdk-hnb659fds-deploy-role' };
    // WHEN / THEN
    expect(() => readSettings(env)).toThrow(
      "change-set summary: the partition 'aws-iso' has no console to link the change set to",
    );
  });
});

describe('summarySessionPolicy', () => {
  test('allows DescribeChangeSet on the stage stack and nothing else', () => {
    expect(summarySessionPolicy(settings())).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['cloudformation:DescribeChangeSet'], Resource: STACK_PATTERN }],
    });
  });
});

describe('createClients', () => {
  const temporaryCredentials = jest.mocked(fromTemporaryCredentials);
  beforeEach(() => temporaryCredentials.mockClear());

  test('assumes the deploy role with a session policy allowing only DescribeChangeSet on the stack', () => {
    // GIVEN the production settings
    // WHEN the clients are created
    createClients(settings());
    // THEN exactly one session, with exactly this policy
    expect(temporaryCredentials).toHaveBeenCalledTimes(1);
    expect(temporaryCredentials).toHaveBeenCalledWith({
      params: {
        RoleArn: ROLE_ARN,
        RoleSessionName: 'change-set-summary-prod',
        Policy:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudformation:DescribeChangeSet"],' +
          `"Resource":"${STACK_PATTERN}"}]}`,
        DurationSeconds: 900,
      },
      clientConfig: { region: REGION },
    });
  });

  test("CloudFormation is called in the stack's region with the assumed credentials", async () => {
    // GIVEN / WHEN
    const clients = createClients(settings());
    // THEN
    await expect(clients.cloudFormation.config.region()).resolves.toBe(REGION);
    await expect(clients.cloudFormation.config.credentials()).resolves.toMatchObject({
      accessKeyId: 'ASIATEST',
    });
  });

  test("SNS is called in the topic's region with the step's own credentials", async () => {
    // GIVEN / WHEN
    const clients = createClients(settings());
    // THEN the topic's region, and not the assumed session (the topic is in the pipeline account)
    await expect(clients.sns.config.region()).resolves.toBe('us-east-1');
    expect(clients.sns.config.credentials).not.toBe(clients.cloudFormation.config.credentials);
    expect(temporaryCredentials).toHaveBeenCalledTimes(1);
  });
});

describe('runChangeSetSummary (SDK mocked)', () => {
  const cloudFormationMock = mockClient(CloudFormationClient);
  const snsMock = mockClient(SNSClient);
  const clients = {
    cloudFormation: new CloudFormationClient({ region: REGION }),
    sns: new SNSClient({ region: 'us-east-1' }),
  };
  const quiet = (): void => undefined;
  let outputDir: string;
  /** A clock that only the waiting moves. */
  let clock: number;
  const waiting: Waiting = {
    ...DEFAULT_WAITING,
    now: () => clock,
    sleep: jest.fn((ms: number) => {
      clock += ms;
      return Promise.resolve();
    }),
  };

  beforeEach(() => {
    cloudFormationMock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'message-1' });
    jest.mocked(waiting.sleep).mockClear();
    clock = 0;
    outputDir = mkdtempSync(join(tmpdir(), 'change-set-summary-'));
  });
  afterEach(() => rmSync(outputDir, { recursive: true, force: true }));
  afterAll(() => {
    cloudFormationMock.restore();
    snsMock.restore();
  });

  const run = () => runChangeSetSummary(settings({ outputDir }), clients, waiting, quiet);

  test('describes the pipeline change set of the stage stack', async () => {
    // GIVEN a routine update
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('routine-update'));
    // WHEN the summary runs
    await run();
    // THEN one description, by stack and change set name, without property values
    expect(cloudFormationMock).toHaveReceivedCommandTimes(DescribeChangeSetCommand, 1);
    expect(cloudFormationMock.commandCalls(DescribeChangeSetCommand)[0]?.args[0].input).toEqual({
      StackName: 'jobs-prod-JobBase',
      ChangeSetName: 'PipelineChange',
    });
  });

  test('follows NextToken and summarizes the changes of every page', async () => {
    // GIVEN a change set described in two pages
    cloudFormationMock
      .on(DescribeChangeSetCommand)
      .resolvesOnce(loadChangeSet('two-pages-1'))
      .resolvesOnce(loadChangeSet('two-pages-2'));
    // WHEN the summary runs
    const summary = await run();
    // THEN the second page was asked for with the first page's token, and both pages count
    expect(cloudFormationMock).toHaveReceivedNthCommandWith(2, DescribeChangeSetCommand, {
      StackName: 'jobs-prod-JobBase',
      ChangeSetName: 'PipelineChange',
      NextToken: 'AAIAAcVpY2hhbmdlU2V0c19wYWdlXzI=',
    });
    expect(summary.counts).toEqual({ Add: 0, Modify: 5, Remove: 0 });
    expect(summary.text).toContain('NetworkFlowLogGroup4F8CEEEF (AWS::Logs::LogGroup): Modify');
  });

  test('waits every 5 s while the change set is being created', async () => {
    // GIVEN a change set pending, then in progress, then created
    cloudFormationMock
      .on(DescribeChangeSetCommand)
      .resolvesOnce({ ...loadChangeSet('create-in-progress'), Status: 'CREATE_PENDING' })
      .resolvesOnce(loadChangeSet('create-in-progress'))
      .resolvesOnce(loadChangeSet('routine-update'));
    // WHEN the summary runs
    const summary = await run();
    // THEN it slept twice and summarized the created change set
    expect(jest.mocked(waiting.sleep).mock.calls).toEqual([[5_000], [5_000]]);
    expect(summary.counts.Modify).toBe(3);
  });

  test('fails when the change set is still being created after 5 minutes', async () => {
    // GIVEN a change set that stays in progress
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('create-in-progress'));
    // WHEN / THEN
    await expect(run()).rejects.toThrow(
      'change-set summary: change set PipelineChange of stack jobs-prod-JobBase is still CREATE_IN_PROGRESS after 300 s',
    );
    expect(cloudFormationMock).toHaveReceivedCommandTimes(DescribeChangeSetCommand, 61);
  });

  test('a change set without changes is summarized and published as "no changes"', async () => {
    // GIVEN the FAILED change set CloudFormation leaves when nothing changes
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('no-changes'));
    // WHEN the summary runs
    const summary = await run();
    // THEN
    expect(summary.headline).toBe('prod (jobs-prod-JobBase): no changes');
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      Subject: '[prod] jobs-prod-JobBase change set: no changes',
    });
  });

  test('fails naming the stack, the change set and the reason when the change set failed', async () => {
    // GIVEN a change set that failed
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('failed'));
    // WHEN / THEN
    await expect(run()).rejects.toThrow(
      new Error(
        'change-set summary: change set PipelineChange of stack jobs-prod-JobBase failed: ' +
          'Unable to fetch parameters [/cdk-bootstrap/hnb659fds/version] from parameter store for this account.',
      ),
    );
  });

  test('fails without publishing or writing files when the change set failed', async () => {
    // GIVEN a change set that failed
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('failed'));
    // WHEN the summary runs
    await run().catch(() => undefined);
    // THEN
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(existsSync(join(outputDir, HEADLINE_FILE))).toBe(false);
  });

  test('fails when the change set was deleted', async () => {
    // GIVEN a change set that is being deleted
    cloudFormationMock
      .on(DescribeChangeSetCommand)
      .resolves({ ...loadChangeSet('routine-update'), Status: 'DELETE_COMPLETE' });
    // WHEN / THEN
    await expect(run()).rejects.toThrow(
      'change-set summary: change set PipelineChange of stack jobs-prod-JobBase is DELETE_COMPLETE, not CREATE_COMPLETE',
    );
  });

  test('fails with the SDK error when the session may not describe the change set', async () => {
    // GIVEN CloudFormation denies the call
    cloudFormationMock.on(DescribeChangeSetCommand).rejects(
      Object.assign(new Error('not authorized to perform: cloudformation:DescribeChangeSet'), {
        name: 'AccessDenied',
      }),
    );
    // WHEN / THEN
    await expect(run()).rejects.toThrow('not authorized to perform: cloudformation:DescribeChangeSet');
  });

  test('publishes the summary to the approval topic, stateful warning first', async () => {
    // GIVEN the stateful replacement
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('stateful-replacement'));
    // WHEN the summary runs
    const summary = await run();
    // THEN one message, with the summary's subject and text
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC_ARN,
      Subject: '[prod] STATEFUL REPLACED/REMOVED: jobs-prod-JobBase change set: 1 add, 3 modify, 1 remove',
      Message: summary.text,
    });
    expect(summary.text.startsWith('WARNING: 2 stateful resources')).toBe(true);
  });

  test('writes the headline and the console link for the approval step', async () => {
    // GIVEN the stateful replacement
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('stateful-replacement'));
    // WHEN the summary runs
    const summary = await run();
    // THEN each file holds exactly its value, without a line break
    expect(readFileSync(join(outputDir, HEADLINE_FILE), 'utf8')).toBe(summary.headline);
    expect(readFileSync(join(outputDir, URL_FILE), 'utf8')).toBe(summary.url);
    expect(readFileSync(join(outputDir, URL_FILE), 'utf8')).toMatch(
      /^https:\/\/ap-northeast-1\.console\.aws\.amazon\.com\/cloudformation\/home\?region=ap-northeast-1#\/stacks\/changesets\/changes\?stackId=arn%3Aaws%3Acloudformation%3A/,
    );
  });

  test('prints the full summary to the build log', async () => {
    // GIVEN a routine update
    cloudFormationMock.on(DescribeChangeSetCommand).resolves(loadChangeSet('routine-update'));
    const lines: string[] = [];
    // WHEN the summary runs
    const summary = await runChangeSetSummary(settings({ outputDir }), clients, waiting, (line) =>
      lines.push(line),
    );
    // THEN
    expect(lines).toEqual([
      summary.text,
      `published the summary to ${TOPIC_ARN}; wrote ${HEADLINE_FILE} and ${URL_FILE}`,
    ]);
  });

  test('a summary too large for SNS is cut to fit, with a note', async () => {
    // GIVEN 2,500 replaced queues with 255-character logical ids
    const changes = Array.from({ length: 2_500 }, (_, index): ResourceChange => ({
      Action: 'Modify',
      LogicalResourceId: `Queue${String(index).padStart(4, '0')}`.padEnd(255, 'x'),
      ResourceType: 'AWS::SQS::Queue',
      Replacement: 'True',
      Details: [{ Target: { Attribute: 'Properties', Name: 'QueueName', RequiresRecreation: 'Always' } }],
    }));
    cloudFormationMock.on(DescribeChangeSetCommand).resolves({
      ...loadChangeSet('routine-update'),
      Changes: changes.map((change) => ({ Type: 'Resource', ResourceChange: change })),
    });
    // WHEN the summary runs
    const summary = await run();
    // THEN the published message fits, and says it was cut
    const message = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(Buffer.byteLength(summary.text)).toBeGreaterThan(MESSAGE_LIMIT_BYTES);
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MESSAGE_LIMIT_BYTES);
    expect(message).toMatch(
      /\[cut: the summary is \d+ bytes, over the 262044-byte SNS limit; the CodeBuild log has all of it\]$/,
    );
  });
});
