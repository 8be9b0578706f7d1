import { SQSClient } from '@aws-sdk/client-sqs';
import { inboxReader } from './read-inbox';

/** Test-only Lambda entry point (see `read-inbox.ts`); configuration read once, at cold start. */
export const handler = inboxReader(new SQSClient({}), process.env.INBOX_URL);
