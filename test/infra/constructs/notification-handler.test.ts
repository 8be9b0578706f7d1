import * as path from 'node:path';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NotificationHandler } from '../../../infra/constructs/notification-handler';
import { testApp } from '../../support/cdk';

describe('NotificationHandler', () => {
  test('fails without a job queue to report on', () => {
    // GIVEN
    const stack = new Stack(testApp(), 'Stack');
    // WHEN / THEN
    expect(
      () =>
        new NotificationHandler(stack, 'Handler', {
          entry: path.join(__dirname, '../../../functions/batch-success-handler/index.ts'),
          functionName: 'fn',
          role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
          status: 'SUCCEEDED',
          jobQueueArns: [],
          environment: {},
          deadLetterQueue: new sqs.Queue(stack, 'Dlq'),
          logRetention: logs.RetentionDays.ONE_DAY,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
    ).toThrow("NotificationHandler 'Handler': 'jobQueueArns' is empty; list the job queues to report on");
  });
});
