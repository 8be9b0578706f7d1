import { parseConfig, selectStage } from '../../../infra/config/load';
import { appConfig } from '../../../infra/config/stages';
import {
  exampleConfig,
  exampleWith as withSection,
  exampleWithStage as withStage,
  exampleWithVpc as withExisting,
  PRIVATE_SUBNETS,
  PUBLIC_SUBNETS,
  VPC_ID,
  REACHABLE,
  testRejections,
} from '../../support/cdk';

const ACCOUNT = '444444444444';
const KEY_ARN = 'arn:aws:kms:ap-northeast-1:111111111111:key/12345678-1234-1234-1234-123456789012';

describe('parseConfig', () => {
  test('accepts the example configuration and applies the defaults', () => {
    const { branches: _b, ttlDays: _t, ...preview } = appConfig.preview;
    const config = parseConfig({ ...appConfig, preview });
    const dev = config.stages[0]!;
    expect(dev.batch).toEqual({ maxvCpus: 32, spot: false });
    expect(dev.handlers).toEqual({ memorySize: 128, ephemeralStorageSize: 512, timeoutSeconds: 900 });
    expect([dev.production, dev.ephemeral, dev.notifications.perChild]).toEqual([false, false, false]);
    expect(dev.vpc.create).toEqual({
      availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'],
      cidr: '10.0.0.0/16',
      natGateways: 0,
    });
    expect(config.github).toMatchObject({
      branch: 'main',
      oidcProviderArns: [],
      deployEnvironment: 'deploy',
      previewEnvironment: 'preview',
    });
    expect(config.preview).toMatchObject({ branches: ['preview/**'], ttlDays: 7 });
  });

  test('fails with a message that says how many problems there are', () => {
    expect(() => parseConfig(withStage({ account: '1' }))).toThrow(
      /^Invalid configuration \(1 problem\):\n {2}- /,
    );
  });

  testRejections([
    [
      'an invalid stage name, naming a valid form',
      withStage({ name: 'Dev_1' }),
      /^stages\[0\]\.name: 'Dev_1' is not a valid stage name: .*lowercase/,
    ],
    [
      'three independent mistakes, listing every one',
      withStage({ account: '1234', region: 'Tokyo', batch: { maxvCpus: 0 } }),
      [
        /^stages\[0\]\.account: must be a 12-digit AWS account id/,
        /^stages\[0\]\.region: 'Tokyo' is not an AWS region aws-cdk-lib knows/,
        /^stages\[0\]\.batch\.maxvCpus: must be at least 1/,
      ],
    ],
    ['maxvCpus over 4096', withStage({ batch: { maxvCpus: 4097 } }), /maxvCpus: must be at most 4096/],
    ['a fractional maxvCpus', withStage({ batch: { maxvCpus: 1.5 } }), /maxvCpus: must be a whole number/],
    [
      'an existing VPC without subnets',
      withExisting({ ...REACHABLE, subnetIds: [] }),
      /^stages\[0\]\.vpc\.existing\.subnetIds: list the subnets/,
    ],
    [
      'a VPC both existing and created',
      withStage({
        vpc: {
          existing: { ...REACHABLE, vpcId: VPC_ID, subnetIds: PRIVATE_SUBNETS },
          create: { availabilityZones: ['ap-northeast-1a'] },
        },
      }),
      'stages[0].vpc: set either vpc.existing or vpc.create, not both',
    ],
    [
      'no VPC',
      withStage({ vpc: {} }),
      'stages[0].vpc: set vpc.existing ({ vpcId, subnetIds }) or vpc.create ({ availabilityZones })',
    ],
    [
      'a production stage that is ephemeral',
      withStage({ production: true, ephemeral: true }),
      /^stages\[0\]\.ephemeral: a production stage cannot be ephemeral: set production or ephemeral/,
    ],
    [
      'a topic key without the topic',
      withStage({ notifications: { topicKeyArn: KEY_ARN } }),
      /^stages\[0\]\.notifications: topicKeyArn only applies to an existing topic: set topicArn too/,
    ],
    [
      'topic policies acknowledged for a topic the stage creates',
      withStage({ notifications: { topicPoliciesAcknowledged: true } }),
      /^stages\[0\]\.notifications: topicPoliciesAcknowledged only applies to an existing topic/,
    ],
    [
      'a misspelt setting, naming it',
      withStage({ maxVcpus: 8 }),
      "stages[0]: unknown setting 'maxVcpus': did you mean batch.maxvCpus?",
    ],
    [
      'a malformed job queue URL and subnet id',
      withExisting({ ...REACHABLE, subnetIds: ['sub-1'] }, { jobQueueUrl: 'sqs://queue' }),
      [
        /^stages\[0\]\.vpc\.existing\.subnetIds\[0\]: must be a subnet id/,
        /^stages\[0\]\.jobQueueUrl: must be an SQS queue URL/,
      ],
    ],
    [
      'branch-filter syntax the matcher does not share with GitHub',
      withSection('preview', { branches: ['!release/*'] }),
      /^preview\.branches\[0\]: use letters, digits/,
    ],
    ['a TTL outside 1 to 90 days', withSection('preview', { ttlDays: 0 }), /^preview\.ttlDays:/],
    [
      'a shared VPC together with another',
      withSection('preview', {
        vpc: {
          shared: { availabilityZones: ['ap-northeast-1a'] },
          create: { availabilityZones: ['ap-northeast-1a'] },
        },
      }),
      'preview.vpc: vpc.shared imports the preview network: set it alone',
    ],
    [
      'pipeline.connectionArn, which the pipeline no longer reads, naming why',
      withSection('pipeline', {
        connectionArn:
          'arn:aws:codeconnections:ap-northeast-1:111111111111:connection/0123abcd-0123-4567-89ab-0123456789ab',
      }),
      /^pipeline\.connectionArn: is no longer supported: .*cloud assembly.*remove the setting$/,
    ],
    [
      'an ARN that is not a GitHub OIDC provider',
      withSection('github', {
        oidcProviderArns: ['arn:aws:iam::111111111111:oidc-provider/accounts.google.com'],
      }),
      /^github\.oidcProviderArns\[0\]: must be the ARN of a GitHub OIDC provider/,
    ],
    [
      'an environment name the subject claim would not carry verbatim',
      withSection('github', { previewEnvironment: 'pre view:1' }),
      "github.previewEnvironment: use letters, digits, '.', '_' and '-', e.g. preview",
    ],
  ]);
});

describe('selectStage', () => {
  const config = exampleConfig();
  const { account: _omitted, ...previewWithoutAccount } = config.preview;

  test('returns a configured stage by its name', () => {
    expect(selectStage(config, 'prod')).toBe(config.stages[1]);
  });

  test('builds an ephemeral preview stage for a pull request, outside the VPC by default', () => {
    const stage = selectStage(config, 'pr-42');
    expect(stage).toMatchObject({
      name: 'pr-42',
      account: config.preview.account,
      region: config.preview.region,
      ephemeral: true,
      production: false,
      smokeTest: false,
      vpc: { shared: { availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'], cidr: '10.0.0.0/16' } },
    });
    expect(stage.handlers.vpcAttached).toBeUndefined();
  });

  test.each([
    [
      'a VPC of its own',
      { create: { availabilityZones: ['ap-northeast-1a'] } },
      { create: { availabilityZones: ['ap-northeast-1a'], cidr: '10.0.0.0/16', natGateways: 0 } },
    ],
    [
      'an existing VPC, so that open pull requests do not each need one',
      { existing: { vpcId: VPC_ID, subnetIds: PRIVATE_SUBNETS } },
      { existing: { vpcId: VPC_ID, subnetIds: PRIVATE_SUBNETS, publicSubnets: false } },
    ],
  ])('gives a preview %s', (_case, vpc, expected) => {
    const own = parseConfig({ ...appConfig, preview: { ...appConfig.preview, vpc } });
    expect(selectStage(own, 'pr-7').vpc).toEqual(expected);
  });

  test('takes the preview account from the credentials when the configuration names none', () => {
    const stage = selectStage({ ...config, preview: previewWithoutAccount }, 'br-x', {
      defaultAccount: ACCOUNT,
    });
    expect(stage.account).toBe(ACCOUNT);
  });

  test("fails on a preview VPC that breaks a stage's network rules", () => {
    const existing = { vpcId: VPC_ID, subnetIds: PUBLIC_SUBNETS, publicSubnets: true, jobsEgress: 'nat' };
    const shared = parseConfig({ ...appConfig, preview: { ...appConfig.preview, vpc: { existing } } });
    expect(() => selectStage(shared, 'pr-7')).toThrow(
      /preview stage\.vpc\.existing\.jobsEgress: jobsEgress only applies to private subnets/,
    );
  });

  test.each<[string, () => unknown, RegExp]>([
    [
      'no preview account, saying how to give one',
      () => selectStage({ ...config, preview: previewWithoutAccount }, 'pr-7'),
      /preview\.account is not configured and no default account is known: set preview\.account, or run with AWS credentials/,
    ],
    [
      'a stage name that is neither configured nor a preview',
      () => selectStage(config, 'staging'),
      /'staging' is neither a configured stage \(dev, prod\) nor a preview stage name/,
    ],
    [
      'a raw branch name, suggesting the sanitised one',
      () => selectStage(config, 'Feature/Login'),
      /'Feature\/Login' is not a valid stage name.*'br-feature-login-[0-9a-f]{6}'/,
    ],
  ])('fails on %s', (_case, select, message) => {
    expect(select).toThrow(message);
  });
});
