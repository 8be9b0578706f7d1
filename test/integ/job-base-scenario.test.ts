import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Token, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { z } from 'zod';
import { buildNotification } from '../../functions/shared/message';
import { parseBatchJobStateChange } from '../../functions/shared/schema';
import {
  INTEG_APP_NAME,
  INTEG_REGION,
  INTEG_STAGE,
  PROBES,
  buildJobBaseScenario,
  type JobBaseScenario,
} from '../../integ/job-base-scenario';
import { testApp } from '../support/cdk';
import { loadEvent, withDetail, type EventFixture } from '../support/fixtures';

/** Stands for the id SubmitJob returns, wherever the expected notification names it. */
const JOB_ID = 'JOB-ID';

let scenario: JobBaseScenario;
const templates: Record<'jobBase' | 'probes' | 'assertions', Template> = {} as never;

beforeAll(() => {
  scenario = buildJobBaseScenario(testApp());
  templates.jobBase = Template.fromStack(scenario.jobBase);
  templates.probes = Template.fromStack(scenario.probes);
  templates.assertions = Template.fromStack(scenario.assertions);
});

/** A string built with Fn::Join, its tokens written as placeholders (the job id as JOB_ID). */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const record = value as Record<string, unknown>;
  const join = record['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(render).join(join[0]);
  const getAtt = record['Fn::GetAtt'] as [string, string] | undefined;
  return getAtt?.[1] === 'apiCallResponse.jobId' ? JOB_ID : '<token>';
}

const EnvelopePattern = z.object({
  Type: z.string(),
  TopicArn: z.string(),
  Subject: z.string(),
  Message: z.object({ $StringLike: z.string() }),
  MessageAttributes: z.record(z.string(), z.object({ Type: z.literal('String'), Value: z.unknown() })),
});
const ExpectedMessages = z.object({
  $ObjectLike: z.object({
    Messages: z.object({
      $ArrayWith: z.tuple([
        z.object({
          $ObjectLike: z.object({
            Body: z.object({ $SerializedJson: z.object({ $ObjectLike: EnvelopePattern }) }),
          }),
        }),
      ]),
    }),
  }),
});

/** What the waiter for one inbox expects the SNS envelope of a notification to look like. */
function expectedEnvelope(inbox: 'Succeeds' | 'Fails'): z.infer<typeof EnvelopePattern> {
  const receives = Object.values(
    templates.assertions.findResources('Custom::DeployAssert@SdkCallSQSreceiveMessage'),
  ).filter((r) => JSON.stringify(r.Properties.parameters.QueueUrl).includes(`${inbox}Inbox`));
  expect(receives).toHaveLength(1);
  const expected = ExpectedMessages.parse(JSON.parse(render(receives[0]!.Properties.expected)));
  return expected.$ObjectLike.Messages.$ArrayWith[0].$ObjectLike.Body.$SerializedJson.$ObjectLike;
}

/** The message the handlers publish for a fixture event, as if it were the probe's job. */
function publishedMessage(fixture: EventFixture, jobName: string, changes: Record<string, unknown> = {}) {
  const event = parseBatchJobStateChange(withDetail(loadEvent(fixture), { jobName, ...changes }));
  const outcome = event.detail.status === 'SUCCEEDED' ? 'succeeded' : 'failed';
  const notification = buildNotification(event, {
    appName: INTEG_APP_NAME,
    stage: INTEG_STAGE.name,
    outcome,
  });
  return { ...notification, jobId: event.detail.jobId };
}

/** The waiter's message pattern for that job id, tested as the assertion provider tests it. */
function messageMatches(inbox: 'Succeeds' | 'Fails', jobId: string, message: string): boolean {
  const pattern = expectedEnvelope(inbox).Message.$StringLike.replace(JOB_ID, jobId);
  return new RegExp(pattern, 'gm').test(message);
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

  test('every function of the assertion stack logs to a group deleted with the stack', () => {
    const functions = Object.values(templates.assertions.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(3);
    const groups = templates.assertions.findResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    for (const fn of functions) {
      const ref = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } } | undefined)?.LogGroup.Ref;
      expect(Object.keys(groups)).toContain(ref);
    }
  });
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

  test.each(Object.values(PROBES))(
    "$jobName's inbox receives the stage topic's messages for that job alone, as SNS envelopes",
    ({ jobName }) => {
      templates.probes.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        TopicArn: { 'Fn::ImportValue': Match.stringLikeRegexp('ExportsOutputRefNotifications') },
        FilterPolicy: { jobName: [jobName] },
        RawMessageDelivery: Match.absent(),
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

  test('waits for each notification up to 20 minutes, looking every 30 seconds', () => {
    const machines = Object.values(templates.assertions.findResources('AWS::StepFunctions::StateMachine'));
    expect(machines).toHaveLength(2);
    for (const machine of machines) {
      expect(render(machine.Properties.DefinitionString)).toContain('"IntervalSeconds":30,"MaxAttempts":40');
    }
  });

  test('the provider may submit jobs, and the waiter may read the inboxes', () => {
    const statementsOf = (handler: string): unknown => {
      const [fn] = Object.values(
        templates.assertions.findResources('AWS::Lambda::Function', { Properties: { Handler: handler } }),
      );
      const role = templates.assertions.toJSON().Resources[fn!.Properties.Role['Fn::GetAtt'][0]];
      return role.Properties.Policies[0].PolicyDocument.Statement;
    };
    expect(statementsOf('index.handler')).toEqual(
      expect.arrayContaining([expect.objectContaining({ Action: ['batch:SubmitJob'], Effect: 'Allow' })]),
    );
    expect(statementsOf('index.isComplete')).toEqual(
      expect.arrayContaining([expect.objectContaining({ Action: ['sqs:ReceiveMessage'], Effect: 'Allow' })]),
    );
  });

  test.each([
    ['Succeeds', PROBES.succeeds.jobName, 'SUCCEEDED', 'succeeded'],
    ['Fails', PROBES.fails.jobName, 'FAILED', 'failed'],
  ] as const)(
    'the %s inbox waits for the subject and attributes of the message contract',
    (inbox, jobName, status, outcome) => {
      const envelope = expectedEnvelope(inbox);
      expect(envelope.Type).toBe('Notification');
      expect(envelope.Subject).toBe(`[jobs][integ] Job ${outcome}: ${jobName}`);
      expect(envelope.MessageAttributes).toMatchObject({
        stage: { Value: 'integ' },
        status: { Value: status },
        jobName: { Value: jobName },
        jobQueue: { Value: '<token>' },
        eventId: { Value: { $StringLike: '^\\S+$' } },
      });
    },
  );

  test('expects every attribute the handlers publish', () => {
    const { attributes } = publishedMessage('succeededContainer', PROBES.succeeds.jobName);
    expect(Object.keys(expectedEnvelope('Succeeds').MessageAttributes).sort()).toEqual(
      Object.keys(attributes).sort(),
    );
  });

  test("the success pattern matches the success handler's message for that job, and no other job's", () => {
    const { message, subject, jobId } = publishedMessage('succeededContainer', PROBES.succeeds.jobName);
    expect(subject).toBe(expectedEnvelope('Succeeds').Subject);
    expect(messageMatches('Succeeds', jobId, message)).toBe(true);
    expect(messageMatches('Succeeds', '00000000-0000-0000-0000-000000000000', message)).toBe(false);
  });

  test("the failure pattern matches the error handler's message for exit code 1, and not for another code", () => {
    const exit1 = publishedMessage('failedExitCode', PROBES.fails.jobName);
    expect(exit1.subject).toBe(expectedEnvelope('Fails').Subject);
    expect(messageMatches('Fails', exit1.jobId, exit1.message)).toBe(true);
    const exit2 = publishedMessage('failedExitCode', PROBES.fails.jobName, {
      attempts: [{ container: { exitCode: 2 }, startedAt: 1, stoppedAt: 2 }],
      container: { exitCode: 2 },
    });
    expect(messageMatches('Fails', exit2.jobId, exit2.message)).toBe(false);
  });

  test('the success pattern does not accept a failure of that job', () => {
    const failed = publishedMessage('failedExitCode', PROBES.succeeds.jobName);
    expect(messageMatches('Succeeds', failed.jobId, failed.message)).toBe(false);
  });
});
