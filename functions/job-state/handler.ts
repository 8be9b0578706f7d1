import type { Context } from 'aws-lambda';
import { utf8Bytes } from '../notification/bounded-text';
import { UnexpectedStatusError } from '../notification/errors';
import { parseBatchJobStateChange } from '../notification/event-schema';
import { emfRecorder, type RecordJobMetric } from '../notification/job-metrics';
import { buildNotification } from '../notification/job-notification';
import type { JobOutcome } from '../notification/notification';
import { type HandlerLogger, logValue, parseOrLog } from '../notification/logger';
import { JOB_METRIC } from '../notification/metric-names';
import { publishedMessage } from '../notification/notification';
import type { NotificationSettings } from '../notification/settings';
import { type Publisher, publishOrLog, type PublishResult } from '../notification/sns-publisher';

export type ReportedStatus = 'SUCCEEDED' | 'FAILED';

export interface JobStateHandlerProps {
  /** Any other status is rejected with UnexpectedStatusError. */
  readonly expectedStatus: ReportedStatus;
  readonly settings: Pick<NotificationSettings, 'appName' | 'stage'> &
    Partial<Pick<NotificationSettings, 'messageStructure' | 'dashboardName'>>;
  readonly logger: HandlerLogger;
  readonly publish: Publisher;
  /** Counts the job, published or not. @default - EMF on stdout, see emfRecorder */
  readonly recordMetric?: RecordJobMetric;
}

export type JobStateHandler = (event: unknown, context?: Context) => Promise<PublishResult>;

const OUTCOME: Record<ReportedStatus, JobOutcome> = { SUCCEEDED: 'succeeded', FAILED: 'failed' };

/** Parse at the edge, build (pure), publish; every failure is logged and rethrown. */
export function createJobStateHandler(props: JobStateHandlerProps): JobStateHandler {
  const { expectedStatus, settings, logger, publish } = props;
  const recordMetric = props.recordMetric ?? emfRecorder();
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
    const outcome = OUTCOME[expectedStatus];
    recordMetric(JOB_METRIC[outcome], parsed.detail);
    const structure = settings.messageStructure ?? 'json';
    const { appName, stage, dashboardName } = settings;
    const options = { appName, stage, outcome, structure, dashboardName };
    const notification = buildNotification(parsed, options, event);
    const result = await publishOrLog(publish, notification, logger);
    logger.info('Published the job state notification', {
      messageId: result.messageId,
      messageBytes: utf8Bytes(publishedMessage(notification, structure)),
      messageStructure: structure,
    });
    return result;
  };
}
