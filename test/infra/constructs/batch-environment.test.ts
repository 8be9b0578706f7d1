import { Match } from 'aws-cdk-lib/assertions';
import { jobBase, logicalIdOf } from '../../support/templates';

const environmentArn = (id: string) => ({ 'Fn::GetAtt': [id, 'ComputeEnvironmentArn'] });

describe('BatchEnvironment', () => {
  const { template } = jobBase();

  test('a managed Fargate environment of 32 vCPUs by default, with its own security group', () => {
    template.resourceCountIs('AWS::Batch::ComputeEnvironment', 1);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      Type: 'managed',
      State: 'ENABLED',
      ComputeResources: Match.objectLike({
        Type: 'FARGATE',
        MaxvCpus: 32,
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^BatchSecurityGroup'), 'GroupId'] }],
      }),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'jobs-dev-BatchComputing-sg: Fargate jobs, all egress allowed',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }],
    });
  });

  test('uses the Batch service-linked role, so deleting a stage cannot leave the environment INVALID', () => {
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ServiceRole: Match.absent() });
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain('batch.amazonaws.com');
  });

  test('the environment and the ENABLED, priority 1 queue bound to it are unnamed, so replacements never collide', () => {
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeEnvironmentName: Match.absent(),
    });
    template.hasResourceProperties('AWS::Batch::JobQueue', {
      JobQueueName: Match.absent(),
      State: 'ENABLED',
      Priority: 1,
      ComputeEnvironmentOrder: [
        {
          ComputeEnvironment: environmentArn(logicalIdOf(template, 'AWS::Batch::ComputeEnvironment')),
          Order: 1,
        },
      ],
    });
  });

  test('with Spot on, the queue tries Fargate Spot before on-demand', () => {
    const { template: spot } = jobBase({ batch: { spot: true, maxvCpus: 64 } });
    const of = (type: string) =>
      logicalIdOf(spot, 'AWS::Batch::ComputeEnvironment', {
        ComputeResources: Match.objectLike({ Type: type, MaxvCpus: 64 }),
      });
    spot.hasResourceProperties('AWS::Batch::JobQueue', {
      ComputeEnvironmentOrder: [
        { ComputeEnvironment: environmentArn(of('FARGATE_SPOT')), Order: 1 },
        { ComputeEnvironment: environmentArn(of('FARGATE')), Order: 2 },
      ],
    });
  });
});
