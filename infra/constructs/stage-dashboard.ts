import { Duration, Token } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  JOB_METRIC,
  JOB_METRIC_DIMENSIONS,
  JOB_METRICS_NAMESPACE,
  type JobMetricName,
} from '../../functions/notification/metric-names';

/** CloudWatch's PutDashboard; CDK's Dashboard checks the characters ([A-Za-z0-9_-]). */
export const DASHBOARD_NAME_MAX_LENGTH = 255;

export interface StageDashboardProps {
  /** `<app>-<stage>`: the notifications link to it by this name. */
  readonly dashboardName: string;
  readonly jobQueue: batch.IJobQueue;
  /** The stage's functions, by the label their lines get. */
  readonly handlers: Readonly<Record<string, lambda.IFunction>>;
  /** The dead-letter queue's alarm, shown with its threshold. */
  readonly deadLetterAlarm: cloudwatch.IAlarm;
}

const PERIOD = Duration.minutes(5);
const WIDTH = 24;

/**
 * One stage at a glance: its jobs by job definition (the handlers' metrics), its queue's jobs by state
 * (AWS/Batch, which counts per queue only), the handlers' errors and throttles, the dead letters.
 */
export class StageDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: StageDashboardProps) {
    super(scope, id);
    const { dashboardName } = props;
    if (!Token.isUnresolved(dashboardName) && dashboardName.length > DASHBOARD_NAME_MAX_LENGTH) {
      throw new Error(
        `StageDashboard '${id}': dashboardName '${dashboardName}' is ${dashboardName.length} characters, ` +
          `over CloudWatch's ${DASHBOARD_NAME_MAX_LENGTH}: shorten appName or the stage name`,
      );
    }
    const queueName = props.jobQueue.jobQueueName;
    const batchMetric = (metricName: string, statistic: string, label: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Batch',
        metricName,
        dimensionsMap: { JobQueueName: queueName },
        statistic,
        period: PERIOD,
        label,
      });
    const handlers = Object.entries(props.handlers);
    const third = WIDTH / 3;
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName,
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown:
              `## Jobs on queue ${queueName}\nCounted by this stage's handlers, one line per job definition ` +
              '(docs/operations.md); the row below is the queue as AWS Batch counts it.',
            width: WIDTH,
            height: 2,
          }),
        ],
        (Object.entries(JOB_METRIC) as Array<[string, JobMetricName]>).map(
          ([outcome, metric]) =>
            new cloudwatch.GraphWidget({
              title: `Jobs ${outcome}, by job definition`,
              left: [jobsByDefinition(metric, queueName)],
              width: third,
            }),
        ),
        [
          new cloudwatch.GraphWidget({
            title: "The queue's jobs by state (AWS/Batch)",
            left: [
              batchMetric('JobsSubmitted', 'Sum', 'submitted'),
              batchMetric('JobsMovedToRunnable', 'Sum', 'runnable'),
              batchMetric('JobsMovedToRunning', 'Sum', 'running'),
              batchMetric('JobsMovedToSucceeded', 'Sum', 'succeeded'),
              batchMetric('JobsMovedToFailed', 'Sum', 'failed'),
            ],
            width: WIDTH / 2,
          }),
          new cloudwatch.GraphWidget({
            title: 'Wait for capacity: RUNNABLE to STARTING (AWS/Batch)',
            left: [
              batchMetric('JobAttemptRunnableToStartingDuration', 'Maximum', 'longest'),
              batchMetric('JobAttemptRunnableToStartingDuration', 'p50', 'median'),
            ],
            width: WIDTH / 2,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Handler errors',
            left: handlers.map(([label, fn]) => fn.metricErrors({ label, period: PERIOD })),
            width: third,
          }),
          new cloudwatch.GraphWidget({
            title: 'Handler throttles',
            left: handlers.map(([label, fn]) => fn.metricThrottles({ label, period: PERIOD })),
            width: third,
          }),
          new cloudwatch.AlarmWidget({
            title: 'Dead letters: failed notifications waiting',
            alarm: props.deadLetterAlarm,
            width: third,
          }),
        ],
      ],
    });
  }
}

/** One line per job definition that had the metric on the queue (SEARCH finds the last two weeks'). */
function jobsByDefinition(metric: JobMetricName, queueName: string): cloudwatch.SearchExpression {
  const schema = [JOB_METRICS_NAMESPACE, ...JOB_METRIC_DIMENSIONS].join(',');
  return new cloudwatch.SearchExpression({
    expression:
      `SEARCH('{${schema}} MetricName="${metric}" ${JOB_METRIC_DIMENSIONS[0]}="${queueName}"', ` +
      `'Sum', ${PERIOD.toSeconds()})`,
    // A dynamic label: each line is named after its job definition.
    label: `\${PROP('Dim.${JOB_METRIC_DIMENSIONS[1]}')}`,
    period: PERIOD,
  });
}
