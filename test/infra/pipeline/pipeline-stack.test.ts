import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  PIPELINE_ACCOUNT,
  VARIANTS,
  deployActions,
  stageNamed,
  synthPipeline,
  type SynthesizedPipeline,
} from './synth-pipeline';

const SOURCE_BUCKET = 'jobs-pipeline-source-111111111111-ap-northeast-1';

describe('PipelineStack', () => {
  let example: SynthesizedPipeline;
  let earlyWave: SynthesizedPipeline;
  let sourceBucketId: string;
  beforeAll(() => {
    example = synthPipeline();
    earlyWave = synthPipeline(VARIANTS.earlyWave);
    [sourceBucketId = ''] = Object.keys(
      example.template.findResources('AWS::S3::Bucket', { Properties: { BucketName: SOURCE_BUCKET } }),
    );
  });

  test('deploys the stages in the configured order after Source, UpdatePipeline and Assets, with no Build stage', () => {
    expect(example.stages.map((s) => s.name)).toEqual(['Source', 'UpdatePipeline', 'Assets', 'dev', 'prod']);
  });

  test('no step installs the project, builds, tests or lints', () => {
    const commands = example.stages.flatMap((s) => s.actions.flatMap((a) => a.commands));
    // The only npm commands install the pinned CLIs.
    expect(commands.length).toBeGreaterThan(0);
    const forbidden =
      /\bnpm (ci|test|run|install(?! -g (aws-cdk|cdk-assets)@\d))|\b(eslint|jest|integ-runner|tsc|tsx|prettier|actionlint)\b/;
    expect(commands.filter((command) => forbidden.test(command))).toEqual([]);
  });

  test('the S3 source action Source reads cloud-assembly.zip without polling; self-mutation deploys it', () => {
    const [selfMutate] = stageNamed(example, 'UpdatePipeline').actions;
    const [source] = stageNamed(example, 'Source').actions;
    expect(selfMutate?.declaration.InputArtifacts).toEqual(source?.declaration.OutputArtifacts);
    expect(source?.declaration.OutputArtifacts).toHaveLength(1);
    expect(stageNamed(example, 'Source').actions.map((a) => [a.name, a.kind, a.configuration])).toEqual([
      [
        'Source',
        'source',
        { S3Bucket: { Ref: sourceBucketId }, S3ObjectKey: 'cloud-assembly.zip', PollForSourceChanges: false },
      ],
    ]);
  });

  test('the source bucket is private, versioned, encrypted, TLS-only, and output for the merge workflow', () => {
    example.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: SOURCE_BUCKET,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    example.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: sourceBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    example.template.hasOutput('SourceBucketName', { Value: { Ref: sourceBucketId } });
  });

  test('self-mutation may skip an unchanged pipeline: no SSM parameter, the bootstrap version still required', () => {
    // The CLI never skips a stack with SSM parameters (aws-cdk's canSkipDeploy), and checks the manifest's version.
    const template = example.template.toJSON() as { Parameters?: object; Rules?: object };
    expect([template.Parameters, template.Rules]).toEqual([undefined, undefined]);
    const artifact = example.app.synth().getStackArtifact(example.stack.artifactId);
    expect(artifact.requiresBootstrapStackVersion).toBe(6);
  });

  test('the pipeline is V2 and a newer execution supersedes an older one', () => {
    example.template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Name: 'jobs-pipeline',
      PipelineType: 'V2',
      ExecutionMode: 'SUPERSEDED',
    });
  });

  test('with a stage in another account, the artifact bucket is encrypted with a rotated key', () => {
    const keys = Object.keys(example.template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    example.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    example.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keys[0], 'Arn'] },
            },
          },
        ],
      },
    });
  });

  test('with every stage in the pipeline account, there is no key', () => {
    synthPipeline(VARIANTS.sameAccount).template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('stages of one wave share the pipeline stage where the first is configured, and deploy side by side', () => {
    expect(earlyWave.stages.map((s) => s.name).slice(3)).toEqual(['early', 'prod']);
    const early = stageNamed(earlyWave, 'early');
    for (const stack of ['jobs-dev-JobBase', 'jobs-qa-JobBase']) {
      expect(deployActions(early, stack).map((a) => a.runOrder)).toEqual([1, 2]);
    }
  });

  test.each([
    ['dev', 'in the pipeline account', () => example],
    ['prod', 'in another account', () => earlyWave],
  ])("the smoke-test role of %s (%s) trusts the pipeline's account", (stageName, _where, pipeline) => {
    const stage = pipeline().stack.stages.find((s) => s.config.name === stageName);
    Template.fromStack(stage!.stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: `jobs-${stageName}-SmokeTestRole`,
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${PIPELINE_ACCOUNT}:root` },
          },
        ],
      },
    });
  });
});
