import type { Context } from 'aws-lambda';
import type { HandlerConfig } from './config';
import { InvalidEventError, UnexpectedStatusError } from './errors';
import type { HandlerLogger } from './logger';
import { buildNotification, type JobOutcome, publishedMessage } from './message';
import { parseBatchJobStateChange } from './schema';
import type { Publisher, PublishResult } from './sns';
import { toSingleLine, truncateChars, utf8Bytes } from './text';

export type ReportedStatus = 'SUCCEEDED' | 'FAILED';

export interface JobStateHandlerProps {
  /** The only job status this handler reports; any other is rejected with UnexpectedStatusError. */
  readonly expectedStatus: ReportedStatus;
  readonly config: Pick<HandlerConfig, 'appName' | 'stage'> &
    Partial<Pick<HandlerConfig, 'messageStructure'>>;
  readonly logger: HandlerLogger;
  readonly publish: Publisher;
}

export type JobStateHandler = (event: unknown, context?: Context) => Promise<PublishResult>;

const OUTCOME: Record<ReportedStatus, JobOutcome> = { SUCCEEDED: 'succeeded', FAILED: 'failed' };

/** Log keys come from the event; a pathological value must not blow up every log line. */
function logValue(value: string): string {
  return truncateChars(toSingleLine(value), 256);
}

/**
 * Runs `parse` at the edge; an input it rejects is logged with its event id and reasons (under
 * `message`), then rethrown, so the asynchronous invoke records it.
 */
export function parseOrLog<T>(parse: () => T, logger: HandlerLogger, message: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidEventError) {
      logger.error(message, { eventId: error.eventId, reason: error.issues.join('; ') });
    }
    throw error;
  }
}

/**
 * The whole behaviour of a handler: parse at the edge, build the message (pure), publish. Every
 * failure is logged and rethrown, so the asynchronous invoke retries or records it; nothing is
 * swallowed.
 */
export function createJobStateHandler(props: JobStateHandlerProps): JobStateHandler {
  const { expectedStatus, config, logger, publish } = props;
  return async (event, context) => {
    logger.resetKeys();
    if (context) logger.addContext(context);
    const parsed = parseOrLog(
      () => parseBatchJobStateChange(event),
      logger,
      'Rejected an invalid Batch job state change event',
    );
    const { jobId, status } = parsed.detail;
    logger.appendKeys({ jobId: logValue(jobId), status: logValue(status), eventId: logValue(parsed.id) });
    if (status !== expectedStatus) {
      const error = new UnexpectedStatusError(logValue(jobId), logValue(status), expectedStatus);
      logger.error('Rejected a job state change this handler does not report', { error });
      throw error;
    }
    const structure = config.messageStructure ?? 'json';
    const options = {
      appName: config.appName,
      stage: config.stage,
      outcome: OUTCOME[expectedStatus],
      structure,
    };
    const notification = buildNotification(parsed, options, event);
    try {
      const result = await publish(notification);
      logger.info('Published the job state notification', {
        messageId: result.messageId,
        messageBytes: utf8Bytes(publishedMessage(notification, structure)),
        messageStructure: structure,
      });
      return result;
    } catch (error) {
      logger.error('SNS Publish failed (after the SDK retries, if the error was retryable)', { error });
      throw error;
    }
  };
}
