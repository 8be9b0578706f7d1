import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PROBE_IMAGE, ProbeJobDefinition } from '../../../infra/constructs/probe-job-definition';
import { testApp } from '../../support/cdk';

describe('ProbeJobDefinition', () => {
  test('runs the public probe image and exits with the chosen code, logging to its own group', () => {
    const stack = new Stack(testApp(), 'Stack');
    new ProbeJobDefinition(stack, 'Probe', { exitCode: 1, assignPublicIp: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Batch::JobDefinition', {
      PlatformCapabilities: ['FARGATE'],
      ContainerProperties: Match.objectLike({
        Image: PROBE_IMAGE,
        Command: ['sh', '-c', 'echo "probe job exiting with 1"; exit 1'],
        NetworkConfiguration: { AssignPublicIp: 'ENABLED' },
        LogConfiguration: Match.objectLike({
          LogDriver: 'awslogs',
          Options: Match.objectLike({ 'awslogs-group': { Ref: Match.stringLikeRegexp('^ProbeLogGroup') } }),
        }),
      }),
    });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  test.each([-1, 256, 1.5])('fails on exit code %p at synthesis', (exitCode) => {
    const stack = new Stack(testApp(), 'Stack');
    new ProbeJobDefinition(stack, 'Probe', { exitCode });
    expect(() => Template.fromStack(stack)).toThrow(
      `ProbeJobDefinition 'Probe': exitCode must be an integer from 0 to 255, got ${exitCode}`,
    );
  });
});
