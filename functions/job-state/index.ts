import { createLogger } from '../notification/logger';
import { readSettings } from '../notification/settings';
import { topicPublisher } from '../notification/sns-publisher';
import { createJobStateHandler, type ReportedStatus } from './handler';

// Cold start: a missing or malformed setting fails here, at init, naming the variable.
const settings = readSettings(process.env);
const publish = topicPublisher(settings);

/** The logger's service name stays the one each function had when it had its own module. */
const reporterOf = (expectedStatus: ReportedStatus, serviceName: string) =>
  createJobStateHandler({ expectedStatus, settings, logger: createLogger(settings, serviceName), publish });

/** Entry points of the two functions, one bundle: SUCCEEDED and FAILED jobs to the notification topic. */
export const onSucceeded = reporterOf('SUCCEEDED', 'batch-success-handler');
export const onFailed = reporterOf('FAILED', 'batch-error-handler');
