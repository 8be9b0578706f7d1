import { Match } from 'aws-cdk-lib/assertions';
import { PROBES } from '../../integ/job-base-scenario';
import {
  CUSTOM_RESOURCE_RESPONSE_MAX_BYTES,
  DEPLOYED,
  alarmNotification,
  documentWith,
  inDocument,
  invokeResponse,
  notificationOf,
  render,
  requestOf,
  scenarioTemplates,
  stuckNotificationOf,
  waiterPasses,
} from './scenario-waiters';

const { templates } = scenarioTemplates();

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
