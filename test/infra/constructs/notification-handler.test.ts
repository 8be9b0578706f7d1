import * as path from 'node:path';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  NotificationHandler,
  type NotificationHandlerProps,
} from '../../../infra/constructs/notification-handler';
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

  function ruleOf(props: Partial<NotificationHandlerProps> = {}): Template {
    const stack = new Stack(testApp(), 'Stack');
    new NotificationHandler(stack, 'Handler', {
      entry: path.join(__dirname, '../../../functions/batch-error-handler/index.ts'),
      functionName: 'fn',
      role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
      status: 'FAILED',
      jobQueueArns: ['arn:aws:batch:us-east-1:123456789012:job-queue/q'],
      environment: {},
      deadLetterQueue: new sqs.Queue(stack, 'Dlq'),
      logRetention: logs.RetentionDays.ONE_DAY,
      removalPolicy: RemovalPolicy.DESTROY,
      ...props,
    });
    return Template.fromStack(stack);
  }

  test('by default the rule leaves out array children and multi-node nodes, on their leaf fields', () => {
    ruleOf().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        detail: {
          status: ['FAILED'],
          jobQueue: ['arn:aws:batch:us-east-1:123456789012:job-queue/q'],
          arrayProperties: { index: [{ exists: false }] },
          nodeDetails: { nodeIndex: [{ exists: false }] },
        },
      },
    });
  });

  test('with perChild the rule matches children and nodes too', () => {
    ruleOf({ perChild: true }).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        detail: Match.exact({
          status: ['FAILED'],
          jobQueue: ['arn:aws:batch:us-east-1:123456789012:job-queue/q'],
        }),
      },
    });
  });
});
