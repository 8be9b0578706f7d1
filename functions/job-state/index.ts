import { createLogger } from '../notification/logger';
import { readSettings } from '../notification/settings';
import { topicPublisher } from '../notification/sns-publisher';
import { createJobStateHandler, type ReportedStatus } from './handler';

// Cold start: a missing or malformed setting fails here, at init, naming the variable.
const settings = readSettings(process.env);
const publish = topicPublisher(settings);

// The service names are the ones the two functions have always logged under.
const reporterOf = (expectedStatus: ReportedStatus, serviceName: string) =>
  createJobStateHandler({ expectedStatus, settings, logger: createLogger(settings, serviceName), publish });

export const onSucceeded = reporterOf('SUCCEEDED', 'batch-success-handler');
export const onFailed = reporterOf('FAILED', 'batch-error-handler');
