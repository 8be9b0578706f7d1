/** An Embedded Metric Format document as Powertools Metrics writes it. */
export type EmfDocument = Record<string, unknown> & {
  readonly _aws: { readonly CloudWatchMetrics: ReadonlyArray<Record<string, unknown>> };
};

/** Captures stdout, where Powertools Metrics writes (not through `console`), until `restore`. */
export function captureEmf() {
  const chunks: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  return {
    documents: (): EmfDocument[] =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.includes('"_aws"'))
        .map((line) => JSON.parse(line) as EmfDocument),
    restore: () => write.mockRestore(),
  };
}

/** The one-job count Powertools writes for `metric`, by queue and job definition, as a matcher. */
export function jobCountDocument(metric: string, jobQueue: string, jobDefinition: string): unknown {
  return expect.objectContaining({
    _aws: expect.objectContaining({
      CloudWatchMetrics: [
        {
          Namespace: 'BatchJobPlatform',
          Dimensions: [['JobQueue', 'JobDefinition']],
          Metrics: [{ Name: metric, Unit: 'Count' }],
        },
      ],
    }) as unknown,
    JobQueue: jobQueue,
    JobDefinition: jobDefinition,
    [metric]: 1,
  });
}
