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
    // GIVEN the example configuration (dev, then prod in another account), and dev and qa in one wave
    example = synthPipeline();
    earlyWave = synthPipeline(VARIANTS.earlyWave);
    [sourceBucketId = ''] = Object.keys(
      example.template.findResources('AWS::S3::Bucket', { Properties: { BucketName: SOURCE_BUCKET } }),
    );
  });

  test('deploys the stages in the configured order after Source, UpdatePipeline and Assets, with no Build stage', () => {
    const names = example.stages.map((s) => s.name);
    // THEN self-mutation follows the source directly: nothing is built in the pipeline
    expect(names).toEqual(['Source', 'UpdatePipeline', 'Assets', 'dev', 'prod']);
  });

  test('self-mutation deploys the uploaded cloud assembly: the S3 source artifact is its input', () => {
    const [source] = stageNamed(example, 'Source').actions;
    const [selfMutate] = stageNamed(example, 'UpdatePipeline').actions;
    expect(source?.declaration.OutputArtifacts).toHaveLength(1);
    expect(selfMutate?.declaration.InputArtifacts).toEqual(source?.declaration.OutputArtifacts);
  });

  test('no step installs the project, builds, tests or lints', () => {
    const commands = example.stages.flatMap((s) => s.actions.flatMap((a) => a.commands));
    // THEN none is npm ci, a test, a linter or a compiler; the only npm commands install the pinned CLIs
    expect(commands.length).toBeGreaterThan(0);
    const forbidden =
      /\bnpm (ci|test|run|install(?! -g (aws-cdk|cdk-assets)@\d))|\b(eslint|jest|integ-runner|tsc|tsx|prettier|actionlint)\b/;
    expect(commands.filter((command) => forbidden.test(command))).toEqual([]);
  });

  test('the S3 source action is named Source and reads cloud-assembly.zip without polling', () => {
    const actions = stageNamed(example, 'Source').actions;
    // THEN its only action reads the object from the source bucket, started by the workflow alone
    expect(actions.map((a) => [a.name, a.kind, a.configuration])).toEqual([
      [
        'Source',
        'source',
        { S3Bucket: { Ref: sourceBucketId }, S3ObjectKey: 'cloud-assembly.zip', PollForSourceChanges: false },
      ],
    ]);
  });

  test.each([
    [
      'blocks all public access',
      {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      },
    ],
    ['is versioned', { VersioningConfiguration: { Status: 'Enabled' } }],
    [
      'is encrypted',
      {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      },
    ],
  ])('the source bucket %s', (_behaviour, properties) => {
    example.template.hasResourceProperties('AWS::S3::Bucket', { BucketName: SOURCE_BUCKET, ...properties });
  });

  test('the source bucket policy denies requests without TLS', () => {
    example.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: sourceBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  test('outputs the source bucket name for the merge workflow', () => {
    example.template.hasOutput('SourceBucketName', { Value: { Ref: sourceBucketId } });
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
    // THEN one key, rotated, encrypts the artifact bucket
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
    // GIVEN prod moved into the pipeline account
    const { template } = synthPipeline(VARIANTS.sameAccount);
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('stages with the same wave share one pipeline stage, where the first of them is configured', () => {
    const names = earlyWave.stages.map((s) => s.name);
    // THEN qa deploys with dev, before prod
    expect(names.slice(3)).toEqual(['early', 'prod']);
  });

  test('stages in one wave deploy side by side', () => {
    const early = stageNamed(earlyWave, 'early');
    const [dev, qa] = ['jobs-dev-JobBase', 'jobs-qa-JobBase'].map((stack) => deployActions(early, stack));
    // THEN both stacks' change sets are created and executed in the same run orders
    expect(dev?.map((a) => a.runOrder)).toEqual([1, 2]);
    expect(qa?.map((a) => a.runOrder)).toEqual([1, 2]);
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
