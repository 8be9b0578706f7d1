import { Match } from 'aws-cdk-lib/assertions';
import { jobBase, logicalIdOf } from '../../support/templates';

describe('SmokeTestResources', () => {
  const { template } = jobBase({ smokeTest: true }, { smokeTestAccount: '999999999999' });

  test('a probe job, a queue subscribed to the topic and a named role for the pipeline account', () => {
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 86400 });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': [queue, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Batch::JobDefinition', {
      PlatformCapabilities: ['FARGATE'],
      ContainerProperties: Match.objectLike({
        Image: 'public.ecr.aws/docker/library/busybox:1.37',
        NetworkConfiguration: { AssignPublicIp: 'ENABLED' },
      }),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'jobs-dev-SmokeTestRole',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { AWS: 'arn:aws:iam::999999999999:root' } })],
      },
    });
  });

  test('the role may submit only the probe job to this queue and read only its queue', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^SmokeTestRole') }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>,
    );
    expect(statements.map((s) => s.Action)).toEqual(
      expect.arrayContaining([
        'batch:SubmitJob',
        'batch:DescribeJobs',
        expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
      ]),
    );
    expect(statements.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual(['batch:DescribeJobs']);
  });
});
