import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Token, type Stack } from 'aws-cdk-lib';
import { Match, Template, type Matcher } from 'aws-cdk-lib/assertions';
import { composeNotification } from '../../functions/notification/compose-notification';
import { buildNotification } from '../../functions/notification/job-notification';
import { stuckContent } from '../../functions/stuck-job/alert';
import { parseBatchJobStateChange } from '../../functions/notification/event-schema';
import { type InboxRequest, selectNotifications } from '../../integ/inbox-reader/read-inbox';
import { INTEG_APP_NAME } from '../../infra/config/ephemeral';
import {
  INTEG_REGION,
  INTEG_STAGE,
  PROBES,
  buildJobBaseScenario,
  type JobBaseScenario,
} from '../../integ/job-base-scenario';
import { testApp } from '../support/cdk';
import { loadEvent, withDetail, type EventFixture } from '../support/fixtures';
import { snsEnvelope, sqsDelivery } from './sns-envelope';

/** What the deployment would put where the expected notification refers to other resources. */
const DEPLOYED = {
  alarmName: 'jobs-integ-JobBase-DeadLetterAlarm-A1B2C3D4E5F6',
  jobQueueName: 'jobs-integ-JobQueue-a1b2c3',
  topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:jobs-integ-JobBase-Notifications-d4e5f6',
};
/** What CloudFormation takes from a custom resource at most. */
const CUSTOM_RESOURCE_RESPONSE_MAX_BYTES = 4096;

type Inbox = 'Succeeds' | 'Fails' | 'Stuck' | 'Alarm';

let scenario: JobBaseScenario;
const templates = {} as Record<'jobBase' | 'probes' | 'assertions', Template>;

beforeAll(() => {
  scenario = buildJobBaseScenario(testApp());
  templates.jobBase = Template.fromStack(scenario.jobBase);
  templates.probes = Template.fromStack(scenario.probes);
  templates.assertions = Template.fromStack(scenario.assertions);
});

/** A string CloudFormation would build with Fn::Join, each reference replaced as `resolve` says. */
function render(value: unknown, resolve: (reference: Record<string, unknown>) => string): string {
  if (typeof value === 'string') return value;
  const reference = value as Record<string, unknown>;
  const join = reference['Fn::Join'] as [string, unknown[]] | undefined;
  return join ? join[1].map((part) => render(part, resolve)).join(join[0]) : resolve(reference);
}

/** The references of the expected notification, as a deployment of the scenario would resolve them. */
function deployed(jobId: string) {
  return (reference: Record<string, unknown>): string => {
    const text = JSON.stringify(reference);
    if (text.includes('apiCallResponse.jobId')) return jobId;
    if (text.includes('ExportsOutputRefNotifications')) return DEPLOYED.topicArn;
    if (text.includes('ExportsOutputRefDeadLetterAlarm')) return DEPLOYED.alarmName;
    if (text.includes('BatchJobQueue')) return DEPLOYED.jobQueueName;
    throw new Error(`unexpected reference in the expected notification: ${text}`);
  };
}

/** The encoded expectation turned into matchers, as the assertion provider does in AWS. */
function decode(encoded: unknown): unknown {
  if (Array.isArray(encoded)) return encoded.map(decode);
  if (encoded === null || typeof encoded !== 'object') return encoded;
  const entries = Object.entries(encoded).map(([key, value]) => [key, decode(value)] as const);
  const [key, value] = entries[0] ?? [];
  switch (key) {
    case '$ArrayWith':
      return Match.arrayWith(value as unknown[]);
    case '$ObjectLike':
      return Match.objectLike(value as Record<string, unknown>);
    case '$StringLike':
      return Match.stringLikeRegexp(value as string);
    case '$SerializedJson':
      return Match.serializedJson(value);
    default:
      return Object.fromEntries(entries);
  }
}

/** The invocation of the reader of `inbox` that waits for the notification. */
function readerInvocation(inbox: Inbox) {
  const invocations = Object.values(
    templates.assertions.findResources('Custom::DeployAssert@SdkCallLambdainvoke'),
  ).filter((r) => JSON.stringify(r.Properties.parameters.FunctionName).includes(`${inbox}InboxReader`));
  expect(invocations).toHaveLength(1);
  return invocations[0]!;
}

/** What the assertion asks the reader of `inbox`, for the job `jobId`. */
function requestOf(inbox: Inbox, jobId: string): InboxRequest {
  const payload = render(readerInvocation(inbox).Properties.parameters.Payload, deployed(jobId));
  return JSON.parse(JSON.parse(payload) as string) as InboxRequest;
}

/** The matcher the waiter of `inbox` applies to the reader's answer, for the job `jobId`. */
function expectation(inbox: Inbox, jobId: string): Matcher {
  const encoded: unknown = JSON.parse(render(readerInvocation(inbox).Properties.expected, deployed(jobId)));
  return decode(encoded) as Matcher;
}

/** The SNS notification a handler publishes for a fixture event, as if it were the probe's job. */
function notificationOf(fixture: EventFixture, jobName: string, changes: Record<string, unknown> = {}) {
  const event = parseBatchJobStateChange(
    withDetail(loadEvent(fixture), {
      jobName,
      jobQueue: `arn:aws:batch:ap-northeast-1:123456789012:job-queue/${DEPLOYED.jobQueueName}`,
      ...changes,
    }),
  );
  const outcome = event.detail.status === 'SUCCEEDED' ? 'succeeded' : 'failed';
  const notification = buildNotification(event, {
    appName: INTEG_APP_NAME,
    stage: INTEG_STAGE.name,
    outcome,
  });
  return { body: snsEnvelope(sqsDelivery(notification), DEPLOYED.topicArn), jobId: event.detail.jobId };
}

/** The "Job stuck" notification the stuck-job handler publishes for the probe's job `jobId`. */
function stuckNotificationOf(jobId: string, status = 'RUNNABLE'): string {
  const check = {
    kind: 'batch-job-stuck-check' as const,
    version: 1 as const,
    jobId,
    jobName: PROBES.stuck.jobName,
    jobQueue: `arn:aws:batch:ap-northeast-1:123456789012:job-queue/${DEPLOYED.jobQueueName}`,
    attempt: 1,
    runnableAt: '2026-01-01T00:00:00.000Z',
    eventId: 'c1d2e3f4-0000-4000-8000-000000000000',
  };
  const facts = {
    check,
    status,
    statusReason:
      'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement is higher than that can be met by the CE(s) attached to the job queue.',
    waitedMillis: 61_000,
    place: {
      computeEnvironments: [
        { name: 'jobs-integ-BatchComputing', state: 'ENABLED', status: 'VALID', maxvCpus: 4 },
      ],
    },
    job: { jobId, status },
    region: 'ap-northeast-1',
  };
  const options = { appName: INTEG_APP_NAME, stage: INTEG_STAGE.name, stuckAfterMinutes: 1 };
  const notification = composeNotification({ kind: 'job-stuck', ...stuckContent(facts, options) });
  return snsEnvelope(sqsDelivery(notification), DEPLOYED.topicArn);
}

/**
 * What CloudWatch publishes when the dead-letter alarm changes state: a JSON message with these
 * fields (the shape of the CloudWatch User Guide's alarm notifications), a subject naming the state,
 * and no message attributes.
 */
function alarmNotification(state: 'ALARM' | 'OK', alarmName = DEPLOYED.alarmName): string {
  const message = {
    AlarmName: alarmName,
    AlarmDescription: 'Batch job notifications failed and wait in the dead-letter queue',
    AWSAccountId: '123456789012',
    AlarmConfigurationUpdatedTimestamp: '2026-01-01T00:00:00.000+0000',
    NewStateValue: state,
    NewStateReason: 'integration test: proving that the alarm reaches the encrypted topic',
    StateChangeTime: '2026-01-01T00:05:00.000+0000',
    Region: 'Asia Pacific (Tokyo)',
    AlarmArn: `arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:${alarmName}`,
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    OKActions: [],
    AlarmActions: [DEPLOYED.topicArn],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      StatisticType: 'Statistic',
      Statistic: 'MAXIMUM',
      Unit: null,
      Dimensions: [{ value: 'jobs-integ-JobBase-DeadLetterQueue-a1b2c3', name: 'QueueName' }],
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1.0,
      TreatMissingData: 'notBreaching',
      EvaluateLowSampleCountPercentile: '',
    },
  };
  return snsEnvelope(
    {
      subject: `${state}: "${alarmName}" in Asia Pacific (Tokyo)`,
      message: JSON.stringify(message),
      attributes: {},
    },
    DEPLOYED.topicArn,
  );
}

/** What Lambda Invoke answers the assertion provider when the reader found `bodies` in the inbox. */
function invokeResponse(request: InboxRequest, ...bodies: string[]) {
  return {
    StatusCode: 200,
    ExecutedVersion: '$LATEST',
    Payload: JSON.stringify(
      selectNotifications(
        bodies.map((body) => ({ body })),
        request,
      ),
    ),
  };
}

/** The envelope's document with `changes` made to it. */
function documentWith(envelope: Record<string, unknown>, changes: Record<string, unknown>): string {
  return JSON.stringify({ ...(JSON.parse(envelope.Message as string) as object), ...changes });
}

/** The envelope's document with one of its `attributes` changed. */
function inDocument(envelope: Record<string, unknown>, attribute: string, value: string): string {
  const document = JSON.parse(envelope.Message as string) as { attributes: Record<string, string> };
  return JSON.stringify({ ...document, attributes: { ...document.attributes, [attribute]: value } });
}

function passes(matcher: Matcher, actual: unknown): boolean {
  return !matcher.test(actual).hasFailed();
}

/** Whether the waiter of `inbox`, for the job `jobId`, passes when the inbox holds `bodies`. */
function waiterPasses(inbox: Inbox, jobId: string, ...bodies: string[]): boolean {
  return passes(expectation(inbox, jobId), invokeResponse(requestOf(inbox, jobId), ...bodies));
}

describe('JobBase integration scenario: where it deploys', () => {
  test('every stack deploys to the pinned region and the deploying account, beside the assertions', () => {
    for (const stack of [scenario.jobBase, scenario.probes, scenario.assertions]) {
      expect(stack.region).toBe(INTEG_REGION);
      expect(Token.isUnresolved(stack.account)).toBe(true);
    }
  });

  test('integ.config.json pins integ-runner to the region the stacks synthesize for', () => {
    const config = JSON.parse(readFileSync(join(__dirname, '..', '..', 'integ.config.json'), 'utf8')) as {
      parallelRegions: string[];
    };
    expect(config.parallelRegions).toEqual([INTEG_REGION]);
  });

  test('the test-case stacks sit at the top of the app, where integ-runner compares them with the snapshot', () => {
    const testCases: Stack[] = [scenario.jobBase, scenario.probes];
    for (const stack of testCases) expect(stack.node.scope).toBe(scenario.test.node.scope);
  });
});

describe('JobBase integration scenario: clean-up', () => {
  test.each(['jobBase', 'probes', 'assertions'] as const)(
    'nothing in the %s stack outlives it (no Retain or Snapshot policies)',
    (name) => {
      const resources = Object.entries(templates[name].toJSON().Resources as Record<string, object>);
      const kept = resources.filter(([, r]) =>
        ['DeletionPolicy', 'UpdateReplacePolicy'].some((p) => {
          const policy = (r as Record<string, unknown>)[p];
          return policy !== undefined && policy !== 'Delete';
        }),
      );
      expect(kept.map(([id]) => id)).toEqual([]);
    },
  );

  test.each(['probes', 'assertions'] as const)(
    'every function of the %s stack logs to a group deleted with the stack',
    (name) => {
      const functions = Object.values(templates[name].findResources('AWS::Lambda::Function'));
      expect(functions.length).toBeGreaterThan(0);
      const groups = Object.keys(
        templates[name].findResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' }),
      );
      for (const fn of functions) {
        const logGroup = (fn.Properties.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)
          ?.LogGroup;
        expect(groups).toContain(logGroup?.Ref);
      }
    },
  );
});

describe('JobBase integration scenario: the probes', () => {
  test.each([
    ['succeeds', 0],
    ['fails', 1],
  ] as const)('the job that %s exits %d, with a public IP to pull its public image', (_name, code) => {
    templates.probes.hasResourceProperties('AWS::Batch::JobDefinition', {
      ContainerProperties: Match.objectLike({
        Command: ['sh', '-c', Match.stringLikeRegexp(`; exit ${code}$`)],
        Image: Match.stringLikeRegexp('^public\\.ecr\\.aws/'),
        NetworkConfiguration: { AssignPublicIp: 'ENABLED' },
      }),
    });
  });

  test('each of the four inboxes receives every message of the stage topic, as SNS envelopes, unfiltered', () => {
    // Attribute filters would see no attributes in a per-protocol publish, and whether a MessageBody
    // filter sees the `sqs` body is undocumented: the readers pick their message instead.
    templates.probes.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      {
        Protocol: 'sqs',
        TopicArn: { 'Fn::ImportValue': Match.stringLikeRegexp('ExportsOutputRefNotifications') },
        FilterPolicy: Match.absent(),
        FilterPolicyScope: Match.absent(),
        RawMessageDelivery: Match.absent(),
      },
      4,
    );
    templates.probes.resourceCountIs('AWS::SNS::Subscription', 4);
  });

  test.each(['Succeeds', 'Fails', 'Stuck', 'Alarm'] as const)(
    'the %s inbox has a reader that may receive its messages, and nothing more',
    (inbox) => {
      const [queue] = Object.keys(templates.probes.findResources('AWS::SQS::Queue')).filter((id) =>
        id.startsWith(`${inbox}Inbox`),
      );
      templates.probes.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: { INBOX_URL: { Ref: queue } } },
      });
      templates.probes.hasResourceProperties('AWS::IAM::Policy', {
        PolicyName: Match.stringLikeRegexp(`^${inbox}InboxReaderServiceRoleDefaultPolicy`),
        PolicyDocument: {
          Statement: [
            { Action: 'sqs:ReceiveMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
          ],
        },
      });
    },
  );
});

describe('JobBase integration scenario: the assertions', () => {
  test.each(Object.values(PROBES))('submits $jobName to the stage job queue', ({ jobName }) => {
    templates.assertions.hasResourceProperties('Custom::DeployAssert@SdkCallBatchsubmitJob', {
      service: 'Batch',
      api: 'submitJob',
      parameters: {
        jobName: JSON.stringify(jobName),
        jobQueue: Match.objectLike({
          'Fn::Join': ['', ['"', { 'Fn::ImportValue': Match.stringLikeRegexp('BatchJobQueue') }, '"']],
        }),
        jobDefinition: Match.anyValue(),
      },
    });
  });

  test('waits for each job notification up to 20 minutes, and for the alarm up to 5, looking every 30 and 15 seconds', () => {
    const machines = Object.values(templates.assertions.findResources('AWS::StepFunctions::StateMachine'));
    const retries = machines.map(
      (machine) =>
        /"IntervalSeconds":\d+,"MaxAttempts":\d+/.exec(
          render(machine.Properties.DefinitionString, () => '<arn>'),
        )?.[0],
    );
    expect(retries.sort()).toEqual([
      '"IntervalSeconds":15,"MaxAttempts":20',
      '"IntervalSeconds":30,"MaxAttempts":40',
      '"IntervalSeconds":30,"MaxAttempts":40',
      '"IntervalSeconds":30,"MaxAttempts":40',
    ]);
  });

  test("sets the stage's dead-letter alarm to ALARM", () => {
    templates.assertions.hasResourceProperties('Custom::DeployAssert@SdkCallCloudWatchsetAlarmState', {
      service: 'CloudWatch',
      api: 'setAlarmState',
      parameters: {
        AlarmName: Match.objectLike({
          'Fn::Join': ['', ['"', { 'Fn::ImportValue': Match.stringLikeRegexp('DeadLetterAlarm') }, '"']],
        }),
        StateValue: '"ALARM"',
        StateReason: Match.anyValue(),
      },
    });
  });

  test("passes on CloudWatch's ALARM notification of the stage's dead-letter alarm, as the reader returns it", () => {
    expect(waiterPasses('Alarm', 'any', alarmNotification('ALARM'))).toBe(true);
  });

  test('keeps waiting on the OK notification, and on the alarm of another stage', () => {
    expect(waiterPasses('Alarm', 'any', alarmNotification('OK'))).toBe(false);
    expect(
      waiterPasses('Alarm', 'any', alarmNotification('ALARM', 'jobs-dev-JobBase-DeadLetterAlarm-X')),
    ).toBe(false);
  });

  test("asks the alarm's reader about the stage's alarm, and each probe's reader about its submitted job", () => {
    expect(requestOf('Alarm', 'any')).toEqual({ alarmName: DEPLOYED.alarmName });
    expect(requestOf('Succeeds', 'job-1')).toEqual({ jobId: 'job-1' });
    expect(requestOf('Fails', 'job-2')).toEqual({ jobId: 'job-2' });
    expect(requestOf('Stuck', 'job-3')).toEqual({ jobId: 'job-3' });
  });

  test("passes on the alarm's notification among the job notifications in the same inbox", () => {
    const { body } = notificationOf('succeededContainer', PROBES.succeeds.jobName);
    expect(waiterPasses('Alarm', 'any', body, alarmNotification('ALARM'))).toBe(true);
  });

  test('the provider may submit jobs, and the waiter may invoke the readers', () => {
    interface InlinePolicies {
      Properties: { Policies: [{ PolicyDocument: { Statement: unknown } }] };
    }
    const resources = templates.assertions.toJSON().Resources as Record<string, InlinePolicies>;
    const statementsOf = (handler: string): unknown => {
      const [fn] = Object.values(
        templates.assertions.findResources('AWS::Lambda::Function', { Properties: { Handler: handler } }),
      );
      const role = (fn?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      return resources[role]?.Properties.Policies[0].PolicyDocument.Statement;
    };
    const allows = (action: string, resource: unknown): unknown =>
      expect.arrayContaining([
        expect.objectContaining({ Action: [action], Effect: 'Allow', Resource: resource }),
      ]);
    expect(statementsOf('index.handler')).toEqual(allows('batch:SubmitJob', ['*']));
    expect(statementsOf('index.handler')).toEqual(allows('cloudwatch:SetAlarmState', ['*']));
    expect(statementsOf('index.handler')).toEqual(allows('batch:TerminateJob', ['*']));
    for (const inbox of ['Succeeds', 'Fails', 'Stuck', 'Alarm']) {
      const reader = expect.arrayContaining([
        expect.objectContaining({
          'Fn::Join': [
            '',
            expect.arrayContaining([{ 'Fn::ImportValue': expect.stringContaining(`${inbox}InboxReader`) }]),
          ],
        }),
      ]);
      expect(statementsOf('index.isComplete')).toEqual(allows('lambda:InvokeFunction', reader));
    }
  });

  test('passes on the success notification of the submitted job, as the reader returns it', () => {
    const { body, jobId } = notificationOf('succeededContainer', PROBES.succeeds.jobName);
    expect(waiterPasses('Succeeds', jobId, body)).toBe(true);
  });

  test('passes on the failure notification of the submitted job with exit code 1', () => {
    const { body, jobId } = notificationOf('failedExitCode', PROBES.fails.jobName);
    expect(waiterPasses('Fails', jobId, body)).toBe(true);
  });

  test('keeps waiting while the inbox is empty', () => {
    expect(waiterPasses('Succeeds', 'any')).toBe(false);
  });

  test('fails on the notification of another job', () => {
    const { body } = notificationOf('succeededContainer', PROBES.succeeds.jobName);
    expect(waiterPasses('Succeeds', '00000000-0000-4000-8000-000000000000', body)).toBe(false);
  });

  test('fails on a failure where a success is expected', () => {
    const { body, jobId } = notificationOf('failedExitCode', PROBES.succeeds.jobName);
    expect(waiterPasses('Succeeds', jobId, body)).toBe(false);
  });

  test('fails on a failure with another exit code', () => {
    const { body, jobId } = notificationOf('failedExitCode', PROBES.fails.jobName, {
      attempts: [{ container: { exitCode: 2 }, startedAt: 1, stoppedAt: 2 }],
      container: { exitCode: 2 },
    });
    expect(waiterPasses('Fails', jobId, body)).toBe(false);
  });

  test.each([
    ['the subject', (e: Record<string, unknown>) => ({ ...e, Subject: 'Job succeeded' })],
    ['the topic', (e: Record<string, unknown>) => ({ ...e, TopicArn: `${DEPLOYED.topicArn}-other` })],
    [
      'an attribute value in the document',
      (e: Record<string, unknown>) => ({ ...e, Message: inDocument(e, 'stage', 'dev') }),
    ],
    [
      'the document schema',
      (e: Record<string, unknown>) => ({ ...e, Message: documentWith(e, { version: 2 }) }),
    ],
  ])('fails when %s differs from the message contract', (_what, change) => {
    const { body, jobId } = notificationOf('succeededContainer', PROBES.succeeds.jobName);
    const changed = JSON.stringify(change(JSON.parse(body) as Record<string, unknown>));
    expect(waiterPasses('Succeeds', jobId, changed)).toBe(false);
  });

  test.each(['succeededContainer', 'failedMultiContainer'] as const)(
    "the assertion's answer for %s stays within what CloudFormation takes from a custom resource",
    (fixture) => {
      const { body, jobId } = notificationOf(fixture, PROBES.succeeds.jobName);
      const response = JSON.stringify({
        Status: 'SUCCESS',
        Reason: 'OK',
        PhysicalResourceId: 'LambdaInvoke119dcd49b406dbe3b436bc1afdc43323',
        StackId: `arn:aws:cloudformation:ap-northeast-1:123456789012:stack/jobs-integ-IntegAssertions/${'0'.repeat(36)}`,
        RequestId: '0'.repeat(36),
        LogicalResourceId: 'LambdaInvoke119dcd49b406dbe3b436bc1afdc43323',
        NoEcho: false,
        Data: { assertion: '{"status":"success"}', apiCallResponse: invokeResponse({ jobId }, body) },
      });
      expect(Buffer.byteLength(response)).toBeLessThan(CUSTOM_RESOURCE_RESPONSE_MAX_BYTES);
    },
  );
});

describe('JobBase integration scenario: the stuck job', () => {
  test('the stage alerts on jobs still waiting after one minute, the shortest wait', () => {
    templates.jobBase.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ STUCK_AFTER_MINUTES: '1' }) },
    });
  });

  test("the stuck probe asks for more vCPUs than the compute environment's maximum, so Batch never places it", () => {
    const [environment] = Object.values(templates.jobBase.findResources('AWS::Batch::ComputeEnvironment'));
    const maxvCpus = environment?.Properties.ComputeResources.MaxvCpus as number;
    const definitions = Object.entries(templates.probes.findResources('AWS::Batch::JobDefinition'));
    const [, stuck] = definitions.find(([id]) => id.startsWith('Stuck')) ?? [];
    const requirements = stuck?.Properties.ContainerProperties.ResourceRequirements as Array<{
      Type: string;
      Value: string;
    }>;
    const vcpus = Number(requirements.find((r) => r.Type === 'VCPU')?.Value);
    expect(vcpus).toBe(PROBES.stuck.vcpus);
    expect(vcpus).toBeGreaterThan(maxvCpus);
  });

  test('passes on the "Job stuck" notification of the submitted job, as the reader returns it', () => {
    expect(waiterPasses('Stuck', 'job-3', stuckNotificationOf('job-3'))).toBe(true);
  });

  test('keeps waiting on the stuck notification of another job, and on a job-state notification of this one', () => {
    expect(waiterPasses('Stuck', 'job-3', stuckNotificationOf('job-4'))).toBe(false);
    const { body } = notificationOf('failedExitCode', PROBES.stuck.jobName, { jobId: 'job-3' });
    expect(waiterPasses('Stuck', 'job-3', body)).toBe(false);
  });

  test('terminates the stuck job, and only once its notification arrived', () => {
    const [terminate] = Object.values(
      templates.assertions.findResources('Custom::DeployAssert@SdkCallBatchterminateJob'),
    );
    const [submitId] = Object.entries(
      templates.assertions.findResources('Custom::DeployAssert@SdkCallBatchsubmitJob'),
    )
      .filter(([, r]) => JSON.stringify(r.Properties.parameters.jobName).includes(PROBES.stuck.jobName))
      .map(([id]) => id);
    expect(terminate?.Properties.parameters.jobId).toEqual({
      'Fn::Join': ['', ['"', { 'Fn::GetAtt': [submitId, 'apiCallResponse.jobId'] }, '"']],
    });
    const [waiterId] = Object.entries(
      templates.assertions.findResources('Custom::DeployAssert@SdkCallLambdainvoke'),
    )
      .filter(([, r]) => JSON.stringify(r.Properties.parameters.FunctionName).includes('StuckInboxReader'))
      .map(([id]) => id);
    expect(terminate?.DependsOn).toContain(waiterId);
  });
});
