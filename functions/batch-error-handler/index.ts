import { readConfig } from '../shared/config';
import { createJobStateHandler } from '../shared/handler';
import { createLogger } from '../shared/logger';
import { createSnsClient, snsPublisher } from '../shared/sns';

// Cold start: a missing or malformed SNS_ARN fails here, at init, naming the variable.
const config = readConfig(process.env);
const snsClient = createSnsClient(config.snsRegion);

/** Reports FAILED Batch jobs to the notification topic (entry point used by the CDK stack). */
export const handler = createJobStateHandler({
  expectedStatus: 'FAILED',
  config,
  logger: createLogger(config, 'batch-error-handler'),
  publish: snsPublisher(snsClient, config.snsTopicArn, config.messageStructure),
});
