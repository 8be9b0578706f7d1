import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { arnResourceName } from './job-facts';
import { type JOB_METRIC_DIMENSIONS, JOB_METRICS_NAMESPACE, type JobMetricName } from './metric-names';
import { attributeValue } from './notification';

/** The job a metric counts, as Batch names it: queue and job definition ARNs (or names). */
export interface MeasuredJob {
  readonly jobQueue: string;
  readonly jobDefinition?: string | null;
}

export type RecordJobMetric = (name: JobMetricName, job: MeasuredJob) => void;

/** `arn:...:job-queue/q` -> `q`; `arn:...:job-definition/d:3` -> `d`: one series per definition, not per revision. */
export function jobDimensions(job: MeasuredJob): Record<(typeof JOB_METRIC_DIMENSIONS)[number], string> {
  return {
    JobQueue: attributeValue(arnResourceName(job.jobQueue)),
    JobDefinition: attributeValue(arnResourceName(job.jobDefinition ?? '').replace(/:\d+$/, '')),
  };
}

/**
 * Counts one job per call as an Embedded Metric Format line on stdout, which Lambda writes to the
 * function's log group and CloudWatch turns into the metric: no PutMetricData call, no permission.
 */
export function emfRecorder(metrics = new Metrics({ namespace: JOB_METRICS_NAMESPACE })): RecordJobMetric {
  // Powertools adds a `service` dimension to every metric; the dashboard queries these two only.
  metrics.clearDefaultDimensions();
  return (name, job) => {
    for (const [dimension, value] of Object.entries(jobDimensions(job)))
      metrics.addDimension(dimension, value);
    metrics.addMetric(name, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  };
}
