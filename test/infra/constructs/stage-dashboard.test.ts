import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { StageDashboard } from '../../../infra/constructs/stage-dashboard';
import { testApp } from '../../support/cdk';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const QUEUE_ARN = 'arn:aws:batch:eu-west-1:111111111111:job-queue/jobs-dev-queue';
const ALARM_ARN = 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:jobs-dev-dead-letters';

type Widget = {
  type: string;
  properties: Record<string, unknown> & { title?: string; metrics?: unknown[][] };
};

function dashboard(dashboardName = 'jobs-dev') {
  const stack = new Stack(testApp(), 'Stack', { env: ENV });
  const fn = (name: string) => lambda.Function.fromFunctionName(stack, name, `jobs-dev-${name}`);
  new StageDashboard(stack, 'Dashboard', {
    dashboardName,
    jobQueue: batch.JobQueue.fromJobQueueArn(stack, 'Queue', QUEUE_ARN),
    handlers: { succeeded: fn('BatchSuccessHandler'), failed: fn('BatchErrorHandler') },
    deadLetterAlarm: cloudwatch.Alarm.fromAlarmArn(stack, 'Alarm', ALARM_ARN),
  });
  const template = Template.fromStack(stack);
  const [resource] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  // The body is a Fn::Join: each widget names the stack's region with a Ref.
  const parts = (resource!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts.map((part) => (typeof part === 'string' ? part : 'REGION')).join('');
  const body = JSON.parse(text) as { widgets: Widget[] };
  const byTitle = (title: string) => body.widgets.find((w) => w.properties.title === title)?.properties;
  return { resource: resource!, byTitle };
}

describe('StageDashboard', () => {
  const { resource, byTitle } = dashboard();

  test('is named as given', () => {
    expect(resource.Properties.DashboardName).toBe('jobs-dev');
  });

  test.each([
    ['succeeded', 'JobsSucceeded'],
    ['failed', 'JobsFailed'],
    ['stuck', 'JobsStuck'],
  ])("graphs the handlers' jobs %s on this queue, one line per job definition", (outcome, metric) => {
    expect(byTitle(`Jobs ${outcome}, by job definition`)?.metrics).toEqual([
      [
        {
          expression:
            `SEARCH('{BatchJobPlatform,JobQueue,JobDefinition} MetricName="${metric}" ` +
            `JobQueue="jobs-dev-queue"', 'Sum', 300)`,
          label: "${PROP('Dim.JobDefinition')}",
        },
      ],
    ]);
  });

  test("graphs AWS Batch's own counts and waits for the queue, by its JobQueueName", () => {
    const counts = byTitle("The queue's jobs by state (AWS/Batch)")?.metrics ?? [];
    expect(counts.map(([namespace, name, dimension, value]) => [namespace, name, dimension, value])).toEqual(
      [
        'JobsSubmitted',
        'JobsMovedToRunnable',
        'JobsMovedToRunning',
        'JobsMovedToSucceeded',
        'JobsMovedToFailed',
      ].map((name) => ['AWS/Batch', name, 'JobQueueName', 'jobs-dev-queue']),
    );
    expect(counts.every((metric) => (metric[4] as { stat: string }).stat === 'Sum')).toBe(true);
    const waits = byTitle('Wait for capacity: RUNNABLE to STARTING (AWS/Batch)')?.metrics ?? [];
    expect(waits.map((metric) => [metric[1], (metric[4] as { stat: string }).stat])).toEqual([
      ['JobAttemptRunnableToStartingDuration', 'Maximum'],
      ['JobAttemptRunnableToStartingDuration', 'p50'],
    ]);
  });

  test.each([
    ['Handler errors', 'Errors'],
    ['Handler throttles', 'Throttles'],
  ])('%s: one line per handler, labelled', (title, metricName) => {
    expect(byTitle(title)?.metrics).toEqual([
      [
        'AWS/Lambda',
        metricName,
        'FunctionName',
        'jobs-dev-BatchSuccessHandler',
        { label: 'succeeded', stat: 'Sum' },
      ],
      [
        'AWS/Lambda',
        metricName,
        'FunctionName',
        'jobs-dev-BatchErrorHandler',
        { label: 'failed', stat: 'Sum' },
      ],
    ]);
  });

  test("shows the dead-letter queue's depth through its alarm", () => {
    expect(byTitle('Dead letters: failed notifications waiting')?.annotations).toEqual({
      alarms: [ALARM_ARN],
    });
  });

  test("fails with a name over CloudWatch's 255 characters, naming the settings to shorten", () => {
    expect(() => dashboard('x'.repeat(256))).toThrow(
      /StageDashboard 'Dashboard': dashboardName 'x+' is 256 characters, over CloudWatch's 255: shorten appName or the stage name/,
    );
  });
});
