/** What the handlers write and the stage dashboard reads: one home for both (no Powertools here). */
export const JOB_METRICS_NAMESPACE = 'BatchJobPlatform';

export const JOB_METRIC = {
  succeeded: 'JobsSucceeded',
  failed: 'JobsFailed',
  stuck: 'JobsStuck',
} as const;

export type JobMetricName = (typeof JOB_METRIC)[keyof typeof JOB_METRIC];

/** The dimensions of every job metric, in this order: queue name, job definition name (no revision). */
export const JOB_METRIC_DIMENSIONS = ['JobQueue', 'JobDefinition'] as const;
