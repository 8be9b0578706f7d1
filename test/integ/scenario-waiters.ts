import { Match, Template, type Matcher } from 'aws-cdk-lib/assertions';
import { composeNotification } from '../../functions/notification/compose-notification';
import { buildNotification } from '../../functions/notification/job-notification';
import { stuckContent } from '../../functions/stuck-job/alert';
import { parseBatchJobStateChange } from '../../functions/notification/event-schema';
import { type InboxRequest, selectNotifications } from '../../integ/inbox-reader/read-inbox';
import { INTEG_APP_NAME } from '../../infra/config/ephemeral';
import {
  INTEG_STAGE,
  PROBES,
  buildJobBaseScenario,
  type JobBaseScenario,
} from '../../integ/job-base-scenario';
import { testApp } from '../support/cdk';
import { loadEvent, withDetail, type EventFixture } from '../support/fixtures';
import { snsEnvelope, sqsDelivery } from './sns-envelope';

/**
 * The JobBase integration scenario as the assertion provider sees it offline: what each waiter asks an
 * inbox's reader and which answers pass, with the notifications the handlers would publish.
 */
/** What the deployment would put where the expected notification refers to other resources. */
export const DEPLOYED = {
  alarmName: 'jobs-integ-JobBase-DeadLetterAlarm-A1B2C3D4E5F6',
  jobQueueName: 'jobs-integ-JobQueue-a1b2c3',
  topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:jobs-integ-JobBase-Notifications-d4e5f6',
};
/** What CloudFormation takes from a custom resource at most. */
export const CUSTOM_RESOURCE_RESPONSE_MAX_BYTES = 4096;

export type Inbox = 'Succeeds' | 'Fails' | 'Stuck' | 'Alarm';

let built: { scenario: JobBaseScenario; templates: Record<'jobBase' | 'probes' | 'assertions', Template> };

/** The scenario and its templates, synthesized once per test file. */
export function scenarioTemplates(): typeof built {
  if (!built) {
    const scenario = buildJobBaseScenario(testApp());
    const templates = {
      jobBase: Template.fromStack(scenario.jobBase),
      probes: Template.fromStack(scenario.probes),
      assertions: Template.fromStack(scenario.assertions),
    };
    built = { scenario, templates };
  }
  return built;
}

/** A string CloudFormation would build with Fn::Join, each reference replaced as `resolve` says. */
export function render(value: unknown, resolve: (reference: Record<string, unknown>) => string): string {
  if (typeof value === 'string') return value;
  const reference = value as Record<string, unknown>;
  const join = reference['Fn::Join'] as [string, unknown[]] | undefined;
  return join ? join[1].map((part) => render(part, resolve)).join(join[0]) : resolve(reference);
}

/** The references of the expected notification, as a deployment of the scenario would resolve them. */
export function deployed(jobId: string) {
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
export function decode(encoded: unknown): unknown {
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
export function readerInvocation(inbox: Inbox) {
  const invocations = Object.values(
    scenarioTemplates().templates.assertions.findResources('Custom::DeployAssert@SdkCallLambdainvoke'),
  ).filter((r) => JSON.stringify(r.Properties.parameters.FunctionName).includes(`${inbox}InboxReader`));
  expect(invocations).toHaveLength(1);
  return invocations[0]!;
}

/** What the assertion asks the reader of `inbox`, for the job `jobId`. */
export function requestOf(inbox: Inbox, jobId: string): InboxRequest {
  const payload = render(readerInvocation(inbox).Properties.parameters.Payload, deployed(jobId));
  return JSON.parse(JSON.parse(payload) as string) as InboxRequest;
}

/** The matcher the waiter of `inbox` applies to the reader's answer, for the job `jobId`. */
export function expectation(inbox: Inbox, jobId: string): Matcher {
  const encoded: unknown = JSON.parse(render(readerInvocation(inbox).Properties.expected, deployed(jobId)));
  return decode(encoded) as Matcher;
}

/** The SNS notification a handler publishes for a fixture event, as if it were the probe's job. */
export function notificationOf(
  fixture: EventFixture,
  jobName: string,
  changes: Record<string, unknown> = {},
) {
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
export function stuckNotificationOf(jobId: string, status = 'RUNNABLE'): string {
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
export function alarmNotification(state: 'ALARM' | 'OK', alarmName = DEPLOYED.alarmName): string {
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
export function invokeResponse(request: InboxRequest, ...bodies: string[]) {
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
export function documentWith(envelope: Record<string, unknown>, changes: Record<string, unknown>): string {
  return JSON.stringify({ ...(JSON.parse(envelope.Message as string) as object), ...changes });
}

/** The envelope's document with one of its `attributes` changed. */
export function inDocument(envelope: Record<string, unknown>, attribute: string, value: string): string {
  const document = JSON.parse(envelope.Message as string) as { attributes: Record<string, string> };
  return JSON.stringify({ ...document, attributes: { ...document.attributes, [attribute]: value } });
}

export function passes(matcher: Matcher, actual: unknown): boolean {
  return !matcher.test(actual).hasFailed();
}

/** Whether the waiter of `inbox`, for the job `jobId`, passes when the inbox holds `bodies`. */
export function waiterPasses(inbox: Inbox, jobId: string, ...bodies: string[]): boolean {
  return passes(expectation(inbox, jobId), invokeResponse(requestOf(inbox, jobId), ...bodies));
}
