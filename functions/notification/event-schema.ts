import * as z from 'zod';
import { InvalidEventError } from './errors';
import { oneLine } from './bounded-text';

/*
 * zod as a namespace, not `{ z }`, lets esbuild keep 95 KB of its 443 KB; for the same reason the
 * envelope is declared here rather than taken from the Powertools parser (`npm run bench`).
 * Only the fields the message reads are declared; objects are loose so that fields AWS adds later
 * reach subscribers untouched, and optional fields accept null: a missing value must not cost a
 * notification.
 */

const optionalString = z.string().nullish();
const optionalInt = z.number().int().nullish();
/** Epoch milliseconds; the formatter copes with out-of-range values. */
const optionalTime = z.number().nullish();

const LogConfigurationSchema = z.looseObject({
  logDriver: optionalString,
  options: z.record(z.string(), z.string()).nullish(),
});

const ContainerStateFields = {
  exitCode: optionalInt,
  reason: optionalString,
  logStreamName: optionalString,
};

/** attempts[].container (classic container jobs) and attempts[].taskProperties[].containers[]. */
const AttemptContainerSchema = z.looseObject({ ...ContainerStateFields, name: optionalString });
const tasksOf = <T extends z.ZodType>(container: T) =>
  z.array(z.looseObject({ containers: z.array(container).nullish() })).nullish();

const AttemptSchema = z.looseObject({
  container: AttemptContainerSchema.nullish(),
  taskProperties: tasksOf(AttemptContainerSchema),
  startedAt: optionalTime,
  stoppedAt: optionalTime,
  statusReason: optionalString,
});

/** detail.container and detail.ecsProperties.taskProperties[].containers[]: the latest state. */
const ContainerSchema = z.looseObject({
  ...ContainerStateFields,
  name: optionalString,
  logConfiguration: LogConfigurationSchema.nullish(),
});

const DetailSchema = z.looseObject({
  jobName: z.string(),
  jobId: z.string().min(1),
  jobQueue: z.string(),
  status: z.string().min(1),
  jobArn: optionalString,
  jobDefinition: optionalString,
  statusReason: optionalString,
  attempts: z.array(AttemptSchema).nullish(),
  createdAt: optionalTime,
  startedAt: optionalTime,
  stoppedAt: optionalTime,
  container: ContainerSchema.nullish(),
  ecsProperties: z.looseObject({ taskProperties: tasksOf(ContainerSchema) }).nullish(),
  /** Present on the node jobs of a multi-node parallel job. */
  nodeDetails: z.looseObject({ nodeIndex: optionalInt, isMainNode: z.boolean().nullish() }).nullish(),
  /** Present on the parent of a multi-node parallel job. */
  nodeProperties: z.looseObject({ numNodes: optionalInt, mainNode: optionalInt }).nullish(),
  /** `size` and `statusSummary` (children per status) on an array's parent, `index` on a child. */
  arrayProperties: z
    .looseObject({
      size: optionalInt,
      index: optionalInt,
      statusSummary: z.record(z.string(), z.number()).nullish(),
    })
    .nullish(),
});

/** The envelope as the Powertools parser's EventBridgeSchema declares it. */
export const BatchJobStateChangeSchema = z.looseObject({
  version: z.string(),
  id: z.string(),
  source: z.literal('aws.batch'),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.literal('Batch Job State Change'),
  detail: DetailSchema,
  'replay-name': z.string().optional(),
});

export type BatchJobStateChange = z.infer<typeof BatchJobStateChangeSchema>;
export type BatchJobDetail = BatchJobStateChange['detail'];
export type BatchAttempt = NonNullable<BatchJobDetail['attempts']>[number];
export type BatchContainerState = z.infer<typeof AttemptContainerSchema>;

/** At most ten `path: message` lines: enough to fix an event, short enough to log. */
export function issueLines(error: z.ZodError, root: string): string[] {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.map(String).join('.') || root}: ${issue.message}`);
}

export function parseBatchJobStateChange(event: unknown): BatchJobStateChange {
  const result = BatchJobStateChangeSchema.safeParse(event);
  if (result.success) return result.data;
  throw new InvalidEventError(eventIdOf(event), issueLines(result.error, '(event)'));
}

/** For logs about events that failed to parse. */
export function eventIdOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null || !('id' in event)) return undefined;
  const { id } = event;
  return typeof id === 'string' && id !== '' ? oneLine(id, 128) : undefined;
}
