import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { jobSchema } from '../../../infra/config/jobs';
import { StageJobDefinition } from '../../../infra/constructs/stage-job-definition';
import { testApp } from '../../support/cdk';

const HELLO = { name: 'hello', image: 'public.ecr.aws/docker/library/busybox:1.37', command: ['echo', 'hi'] };

function synth(job: Record<string, unknown>, assignPublicIp = false): Template {
  const stack = new Stack(testApp(), 'Stack');
  new StageJobDefinition(stack, 'Hello', {
    job: jobSchema.parse({ ...HELLO, vcpus: 0.25, memoryMiB: 512, ...job }),
    jobDefinitionName: 'jobs-dev-hello',
    assignPublicIp,
    logRetention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return Template.fromStack(stack);
}

describe('StageJobDefinition', () => {
  test('GIVEN a job WHEN synthesized THEN a named Fargate job definition runs its image, command and size', () => {
    synth({ vcpus: 2, memoryMiB: 4096, environment: { GREETING: 'hi' } }).hasResourceProperties(
      'AWS::Batch::JobDefinition',
      {
        JobDefinitionName: 'jobs-dev-hello',
        PlatformCapabilities: ['FARGATE'],
        ContainerProperties: Match.objectLike({
          Image: HELLO.image,
          Command: HELLO.command,
          ResourceRequirements: [
            { Type: 'MEMORY', Value: '4096' },
            { Type: 'VCPU', Value: '2' },
          ],
          Environment: [{ Name: 'GREETING', Value: 'hi' }],
          JobRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HelloJobRole'), 'Arn'] },
          ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HelloContainerExecutionRole'), 'Arn'] },
        }),
      },
    );
  });

  test.each([true, false])('assignPublicIp %p is the network configuration', (assignPublicIp) => {
    synth({}, assignPublicIp).hasResourceProperties('AWS::Batch::JobDefinition', {
      ContainerProperties: Match.objectLike({
        NetworkConfiguration: { AssignPublicIp: assignPublicIp ? 'ENABLED' : 'DISABLED' },
      }),
    });
  });

  test('logs to a group of its own with the retention and removal it is given', () => {
    const template = synth({});
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 90 },
    });
    template.hasResourceProperties('AWS::Batch::JobDefinition', {
      ContainerProperties: Match.objectLike({
        LogConfiguration: Match.objectLike({
          Options: Match.objectLike({ 'awslogs-group': { Ref: Match.stringLikeRegexp('^HelloLogGroup') } }),
        }),
      }),
    });
  });

  test('retries are attempts after the first; the timeout is per attempt', () => {
    synth({ retries: 2, timeoutMinutes: 30 }).hasResourceProperties('AWS::Batch::JobDefinition', {
      RetryStrategy: { Attempts: 3 },
      Timeout: { AttemptDurationSeconds: 1800 },
    });
    synth({}).hasResourceProperties('AWS::Batch::JobDefinition', {
      RetryStrategy: { Attempts: 1 },
      Timeout: {},
    });
  });

  test('fails on a size Fargate does not run, naming the setting', () => {
    const job = { ...jobSchema.parse({ ...HELLO, vcpus: 0.25, memoryMiB: 512 }), memoryMiB: 4096 };
    const stack = new Stack(testApp(), 'Stack');
    expect(
      () =>
        new StageJobDefinition(stack, 'Hello', {
          job,
          jobDefinitionName: 'jobs-dev-hello',
          assignPublicIp: false,
          logRetention: logs.RetentionDays.ONE_WEEK,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
    ).toThrow(
      "StageJobDefinition 'Hello' (job 'hello'): memoryMiB: 4096 MiB does not fit 0.25 vCPU on Fargate",
    );
  });
});
