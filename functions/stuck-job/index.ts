import { BatchClient } from '@aws-sdk/client-batch';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createLogger } from '../notification/logger';
import { SNS_MAX_ATTEMPTS, topicPublisher } from '../notification/sns-publisher';
import { createStuckJobHandler } from './handler';
import { readStuckSettings } from './settings';

// Cold start: a missing or malformed setting fails here, at init, naming the variable.
const settings = readStuckSettings(process.env);
const sdkOptions = { maxAttempts: SNS_MAX_ATTEMPTS, retryMode: 'standard' } as const;

export const handler = createStuckJobHandler({
  settings,
  logger: createLogger(settings, 'batch-stuck-handler'),
  scheduler: new SchedulerClient(sdkOptions),
  batch: new BatchClient(sdkOptions),
  publish: topicPublisher(settings),
});
