// The SDK alone: one Publish of the event, no validation, message building or logging.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

const client = new SNSClient({});

export const handler = async (event: unknown): Promise<void> => {
  await client.send(new PublishCommand({ TopicArn: process.env.SNS_ARN, Message: JSON.stringify(event) }));
};
