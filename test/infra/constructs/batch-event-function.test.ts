import * as path from 'node:path';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BatchEventFunction } from '../../../infra/constructs/batch-event-function';
import { testApp } from '../../support/cdk';
import { logicalIdOf } from '../../support/templates';

describe('BatchEventFunction', () => {
  const stack = new Stack(testApp(), 'Stack');
  const deadLetterQueue = new sqs.Queue(stack, 'Dlq');
  const fn = new BatchEventFunction(stack, 'Fn', {
    entry: path.join(__dirname, '../../../functions/job-state/index.ts'),
    handler: 'onFailed',
    functionName: 'fn',
    deadLetterQueue,
    logRetention: logs.RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  fn.addStateChangeRule(stack, 'Failed jobs invoke fn', { status: ['FAILED'] });
  const template = Template.fromStack(stack);
  const dlq = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Dlq'), 'Arn'] };

  test('runs the given export on Node.js 24, ARM64, with 128 MB and 512 MB of storage', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.onFailed',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 128,
      EphemeralStorage: { Size: 512 },
      DeadLetterConfig: Match.absent(),
    });
  });

  test('logs to an unnamed group of the stack, beside it, that it may write to', () => {
    const logGroup = logicalIdOf(template, 'AWS::Logs::LogGroup', { RetentionInDays: 7 });
    expect(logGroup).toMatch(/^LogGroup/);
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.absent() });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: logGroup } },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
        ]),
      },
    });
  });

  test('a failed invocation is not retried but sent to the dead-letter queue, within 3600 s', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumEventAgeInSeconds: 3600,
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: dlq } },
    });
  });

  test('the rule matches Batch job state changes with the detail, retries 8 times for an hour, then dead-letters', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Description: 'Failed jobs invoke fn',
      EventPattern: {
        source: ['aws.batch'],
        'detail-type': ['Batch Job State Change'],
        detail: { status: ['FAILED'] },
      },
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 },
          DeadLetterConfig: { Arn: dlq },
        }),
      ],
    });
  });
});
