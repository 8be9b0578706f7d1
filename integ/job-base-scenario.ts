import { CfnResource, Duration, RemovalPolicy, Stack, type App, type Environment } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ExpectedResult, IntegTest, Match, type WaiterStateMachineOptions } from '@aws-cdk/integ-tests-alpha';
import { Construct } from 'constructs';
import { INTEG_APP_NAME, INTEG_STAGE_NAME } from '../infra/config/ephemeral';
import { physicalName, stageResourceNames } from '../infra/config/names';
import { stageConfigSchema, type StageConfig } from '../infra/config/schema';
import { JobBaseStack } from '../infra/stacks/job-base-stack';
import { Inbox, NotifiedProbe, type NotifiedProbeProps } from './notified-probe';

/**
 * The JobBase integration scenario (run by `integ/integ.job-base.ts`): an ephemeral stage runs a job
 * that exits 0 and one that exits 1, and the stage's topic delivers, for each, the notification the
 * handlers promise (subject, message, attributes) for exactly that job. A third job asks for more
 * vCPUs than the compute environment's maximum, so it waits in RUNNABLE: the stuck-job watch (at its
 * shortest wait, one minute) must report it, then the scenario terminates it.
 *
 * The assertions read each inbox through a small function of the scenario rather than integ-tests'
 * own SQS ReceiveMessage call: that call would return the whole notification to CloudFormation,
 * which takes at most 4 KB from a custom resource, and a notification with its event JSON is larger.
 * The function is asked for one job id (or the alarm's name) and picks that message itself: the
 * inboxes have no filter policy, as SNS documents that message attributes are sent only for a
 * string message structure and the handlers publish one body per protocol (docs/handlers.md).
 */

/** Where the scenario deploys; `integ.config.json` pins integ-runner to the same region. */
export const INTEG_REGION = 'ap-northeast-1';

/** A Fargate job takes minutes to be placed, pull its image and stop; CloudFormation waits up to an hour. */
export const NOTIFICATION_WAIT = { totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) };

/** Alarm notifications arrive within a minute of the state change. */
export const ALARM_WAIT = { totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) };
export const ALARM_STATE_REASON = 'integration test: proving that the alarm reaches the encrypted topic';

/** Through the same schema the app validates stages with; ephemeral, so that everything deletes. */
export const INTEG_STAGE: StageConfig = stageConfigSchema.parse({
  name: INTEG_STAGE_NAME,
  // The schema requires an account, but no stack below uses it: they deploy to the account of the
  // credentials integ-runner runs with, so the committed snapshot names no account.
  account: '123456789012',
  region: INTEG_REGION,
  ephemeral: true,
  // Zones named here, so synthesis needs no lookup; no NAT, so jobs get a public IP to pull images.
  vpc: { create: { availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'], natGateways: 0 } },
  batch: { maxvCpus: 4 },
  handlers: { vpcAttached: false },
  // The shortest wait the schema allows, so that the stuck probe is reported within minutes.
  notifications: { stuckAfterMinutes: 1 },
});

/** The jobs the scenario submits. */
export const PROBES = {
  succeeds: { jobName: 'integ-probe-succeeds', exitCode: 0 },
  fails: { jobName: 'integ-probe-fails', exitCode: 1 },
  // Fargate's 8 vCPU (with 16 GiB) is valid, but over the stage's maxvCpus: Batch never places it.
  stuck: { jobName: 'integ-probe-stuck', vcpus: 8, memoryMiB: 16_384 },
} as const;

export interface JobBaseScenario {
  readonly jobBase: JobBaseStack;
  /** The test-only resources: the two job definitions and their inboxes, and the alarm's inbox. */
  readonly probes: Stack;
  /** Where integ-tests puts the assertions (submit, then wait for the notification). */
  readonly assertions: Stack;
  readonly test: IntegTest;
}

export function buildJobBaseScenario(app: App): JobBaseScenario {
  const stage = INTEG_STAGE;
  // Region only: the account comes from the deploying credentials, for every stack alike, so the
  // assertions run where the stage and its jobs are.
  const env: Environment = { region: stage.region };
  const name = (suffix: string): string => physicalName(INTEG_APP_NAME, stage.name, suffix);

  // A top-level stack, as JobBaseStage builds it: integ-runner compares only top-level stacks with
  // the snapshot, so a stack inside a Stage would never be checked.
  const jobBase = new JobBaseStack(app, 'JobBase', {
    env,
    appName: INTEG_APP_NAME,
    stage,
    stackName: stageResourceNames(INTEG_APP_NAME, stage.name).stack.name,
    description: `Batch job platform (${INTEG_APP_NAME}), stage ${stage.name}: JobBase (integration test)`,
  });

  const probes = new Stack(app, 'Probes', {
    env,
    stackName: name('IntegProbes'),
    description:
      'JobBase integration test: probe jobs, the inboxes their notifications arrive in, their readers',
  });
  // The stage publishes how its job definitions must set assignPublicIp; read it as a consumer would.
  const assignPublicIp = jobBase.outputs.JobsAssignPublicIp?.value === 'ENABLED';
  const topic = jobBase.topic.topic;
  const probe = (id: string, { jobName, ...job }: NotifiedProbeProps['job'] & { jobName: string }) =>
    new NotifiedProbe(probes, id, { jobName, job, topic, assignPublicIp });
  const succeeds = probe('Succeeds', PROBES.succeeds);
  const fails = probe('Fails', PROBES.fails);
  const stuck = probe('Stuck', PROBES.stuck);
  const alarmName = jobBase.deadLetterQueue.alarm.alarmName;
  const alarmInbox = new Inbox(probes, 'AlarmInbox', { topic });

  const assertions = new Stack(app, 'Assertions', {
    env,
    stackName: name('IntegAssertions'),
    description: 'JobBase integration test: submits the probe jobs and waits for their notifications',
  });
  const test = new IntegTest(app, 'JobBaseInteg', {
    testCases: [jobBase, probes],
    assertionStack: assertions,
    // Every run creates the stacks afresh. The update workflow would first deploy the committed
    // snapshot, which then has to hold the handler bundles, and it would double the run time.
    stackUpdateWorkflow: false,
  });

  /** Waits until the inbox's reader, asked about `request`, returns a notification with these fields. */
  const waitInInbox = (
    inbox: Inbox,
    request: Record<string, string>,
    fields: Record<string, unknown>,
    wait: WaiterStateMachineOptions,
  ) =>
    test.assertions
      .invokeFunction({ functionName: inbox.reader.functionName, payload: JSON.stringify(request) })
      .expect(
        ExpectedResult.objectLike({
          Payload: Match.serializedJson(
            Match.arrayWith([
              Match.objectLike({ Type: 'Notification', TopicArn: topic.topicArn, ...fields }),
            ]),
          ),
        }),
      )
      .waitForAssertions(wait);

  const expectNotification = (
    probe: NotifiedProbe,
    status: 'SUCCEEDED' | 'FAILED',
    detail: Record<string, unknown> = {},
  ): void => {
    const submit = test.assertions.awsApiCall('Batch', 'submitJob', {
      jobName: probe.jobName,
      jobQueue: jobBase.batch.jobQueue.jobQueueArn,
      jobDefinition: probe.jobDefinition.jobDefinitionArn,
    });
    const outcome = status === 'SUCCEEDED' ? 'succeeded' : 'failed';
    const jobId = submit.getAttString('jobId');
    const jobQueue = jobBase.batch.jobQueue.jobQueueName;
    const read = waitInInbox(
      probe.inbox,
      { jobId },
      {
        Subject: `[${INTEG_APP_NAME}][${stage.name}] Job ${outcome}: ${probe.jobName}`,
        // The `sqs` document: the five attribute values travel in it, not as message attributes.
        Document: Match.objectLike({
          schema: 'batch-job-platform/notification',
          version: 1,
          kind: 'job-state',
          status,
          outcome,
          job: Match.objectLike({ id: jobId, name: probe.jobName, queue: jobQueue, status, ...detail }),
          attributes: {
            stage: stage.name,
            status,
            jobName: probe.jobName,
            jobQueue,
            eventId: Match.stringLikeRegexp('^\\S+$'),
          },
        }),
      },
      NOTIFICATION_WAIT,
    );
    submit.next(read);
  };
  expectNotification(succeeds, 'SUCCEEDED');
  expectNotification(fails, 'FAILED', { containers: Match.arrayWith([Match.objectLike({ exitCode: 1 })]) });

  // The job that cannot be placed gets its one "Job stuck" notification, then is terminated.
  const submitStuck = test.assertions.awsApiCall('Batch', 'submitJob', {
    jobName: stuck.jobName,
    jobQueue: jobBase.batch.jobQueue.jobQueueArn,
    jobDefinition: stuck.jobDefinition.jobDefinitionArn,
  });
  const stuckJobId = submitStuck.getAttString('jobId');
  const stuckReported = waitInInbox(
    stuck.inbox,
    { jobId: stuckJobId },
    {
      Subject: `[${INTEG_APP_NAME}][${stage.name}] Job stuck: ${stuck.jobName}`,
      Document: Match.objectLike({
        schema: 'batch-job-platform/notification',
        version: 1,
        kind: 'job-stuck',
        job: Match.objectLike({ id: stuckJobId, name: stuck.jobName, status: 'RUNNABLE' }),
        stuckAfterMinutes: 1,
      }),
    },
    NOTIFICATION_WAIT,
  );
  const terminate = test.assertions.awsApiCall('Batch', 'terminateJob', {
    jobId: stuckJobId,
    reason: 'integration test: the stuck job was reported',
  });
  submitStuck.next(stuckReported).next(terminate);

  // The dead-letter alarm reaches the encrypted topic: this proves the key and topic policies that a
  // template test can only read. Its next evaluation (the queue is empty) sets it back to OK.
  const setAlarm = test.assertions.awsApiCall('CloudWatch', 'setAlarmState', {
    AlarmName: alarmName,
    StateValue: 'ALARM',
    StateReason: ALARM_STATE_REASON,
  });
  const alarmArrived = waitInInbox(
    alarmInbox,
    { alarmName },
    {
      Subject: Match.stringLikeRegexp('^ALARM: '),
      // CloudWatch's JSON, possibly cut by the reader: look for both fields, in either order.
      Message: Match.stringLikeRegexp(
        `^(?=[\\s\\S]*"AlarmName":"${alarmName}")(?=[\\s\\S]*"NewStateValue":"ALARM")`,
      ),
    },
    ALARM_WAIT,
  );
  setAlarm.next(alarmArrived);

  giveFunctionsDeletableLogGroups(assertions);
  return { jobBase, probes, assertions, test };
}

/**
 * The assertion providers' functions would log to groups that Lambda creates on first use and that
 * outlive the stack; give each a group of its own, deleted with the stack.
 */
function giveFunctionsDeletableLogGroups(stack: Stack): void {
  for (const node of stack.node.findAll()) {
    const provider = node.node.scope;
    if (!(node instanceof CfnResource) || node.cfnResourceType !== 'AWS::Lambda::Function') continue;
    if (!(provider instanceof Construct)) continue;
    const logGroup = new logs.LogGroup(provider, `${node.node.id}LogGroup`, {
      retention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    node.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
  }
}
