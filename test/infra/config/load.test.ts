import { parseConfig, selectStage } from '../../../infra/config/load';
import type { AppConfigInput } from '../../../infra/config/schema';
import { appConfig } from '../../../infra/config/stages';
import { exampleConfig, problemsOf } from '../../support/cdk';

/** An existing VPC's statement that its private subnets route to a NAT gateway, for handlers and jobs. */
const REACHABLE = { snsEndpoint: 'nat', jobsEgress: 'nat' } as const;

/** The example configuration with its first stage changed by `change`. */
function withStage(change: Record<string, unknown>, base: AppConfigInput = appConfig): unknown {
  const [first, ...rest] = base.stages;
  return { ...base, stages: [{ ...first, ...change }, ...rest] };
}

describe('parseConfig', () => {
  test('accepts the example configuration and applies the defaults', () => {
    // WHEN
    const config = exampleConfig();
    // THEN
    const dev = config.stages[0]!;
    expect(dev.batch).toEqual({ maxvCpus: 32, spot: false });
    expect(dev.handlers).toEqual({ memorySize: 128, ephemeralStorageSize: 512, timeoutSeconds: 900 });
    expect(dev.production).toBe(false);
    expect(dev.ephemeral).toBe(false);
    expect(dev.notifications.perChild).toBe(false);
    expect(dev.vpc.create).toEqual({
      availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'],
      cidr: '10.0.0.0/16',
      natGateways: 0,
    });
    expect(config.github.branch).toBe('main');
  });

  test('fails on an invalid stage name, naming the setting and a valid form', () => {
    const problems = problemsOf(withStage({ name: 'Dev_1' }));
    expect(problems).toEqual([
      expect.stringMatching(/^stages\[0\]\.name: 'Dev_1' is not a valid stage name: .*lowercase/),
    ]);
  });

  test('fails with every problem listed at once', () => {
    // GIVEN three independent mistakes
    const input = withStage({ account: '1234', region: 'Tokyo', batch: { maxvCpus: 0 } });
    // WHEN
    const problems = problemsOf(input);
    // THEN
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^stages\[0\]\.account: must be a 12-digit AWS account id/),
        expect.stringMatching(/^stages\[0\]\.region: must be an AWS region code/),
        expect.stringMatching(/^stages\[0\]\.batch\.maxvCpus: must be at least 1/),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  test('fails when the error message would not say how many problems there are', () => {
    expect(() => parseConfig(withStage({ account: '1' }))).toThrow(
      /^Invalid configuration \(1 problem\):\n {2}- /,
    );
  });

  test.each([
    [4097, /must be at most 4096/],
    [1.5, /expected int/i],
  ])('fails on maxvCpus %p', (maxvCpus, message) => {
    expect(problemsOf(withStage({ batch: { maxvCpus } }))).toEqual([expect.stringMatching(message)]);
  });

  test('fails when a physical name would be too long once prefixed, saying by how much', () => {
    // GIVEN a 20-character app name and a 24-character stage name
    const input = withStage(
      { name: 'abcdefghijklmnopqrstuvwx' },
      { ...appConfig, appName: 'abcdefghijklmnopqrst' },
    );
    // WHEN
    const problems = problemsOf(input);
    // THEN jobs-...-BatchSuccessHandler is 20 + 24 + 2 + 19 = 65 characters
    expect(problems).toContainEqual(
      expect.stringMatching(
        /lambdaFunction name '.*-BatchSuccessHandler' is 65 characters, over the limit of 64: .* by 1/,
      ),
    );
  });

  test('fails when a name outside the stages would break its limit, naming appName and by how much', () => {
    // GIVEN a 20-character app name and the 14-character pipeline region ap-northeast-1
    const problems = problemsOf({ ...appConfig, appName: 'abcdefghijklmnopqrst' });
    // THEN the source bucket name is 64 characters; every other name fits
    expect(problems).toEqual([
      "appName: the s3Bucket name 'abcdefghijklmnopqrst-pipeline-source-111111111111-ap-northeast-1' " +
        "(the pipeline's source bucket) is 64 characters, over the limit of 63: shorten appName by 1",
    ]);
  });

  test('fails when a stage name uses a preview prefix', () => {
    expect(problemsOf(withStage({ name: 'pr-1' }))).toEqual([
      expect.stringMatching(/stages\[0\]\.name: 'pr-1' starts with a prefix reserved for preview stages/),
    ]);
  });

  test('fails when two stages share a name', () => {
    const [dev] = appConfig.stages;
    const problems = problemsOf({ ...appConfig, stages: [dev, dev] });
    expect(problems).toEqual([expect.stringMatching(/stages\[1\]\.name: stage 'dev' is configured twice/)]);
  });

  test('fails when the existing VPC lists no subnets', () => {
    const problems = problemsOf(
      withStage({ vpc: { existing: { ...REACHABLE, vpcId: 'vpc-0123456789abcdef0', subnetIds: [] } } }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^stages\[0\]\.vpc\.existing\.subnetIds: list the subnets/),
    ]);
  });

  test('fails when the VPC is both existing and created', () => {
    const problems = problemsOf(
      withStage({
        vpc: {
          existing: { ...REACHABLE, vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0'] },
          create: { availabilityZones: ['ap-northeast-1a'] },
        },
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^stages\[0\]\.vpc: set either vpc\.existing or vpc\.create, not both/),
    ]);
  });

  test('fails when no VPC is configured', () => {
    expect(problemsOf(withStage({ vpc: {} }))).toEqual([
      expect.stringMatching(/^stages\[0\]\.vpc: set vpc\.existing \(\{ vpcId, subnetIds \}\) or vpc\.create/),
    ]);
  });

  test('fails when a production stage is ephemeral', () => {
    expect(problemsOf(withStage({ production: true, ephemeral: true }))).toEqual([
      expect.stringMatching(/^stages\[0\]\.ephemeral: a production stage cannot be ephemeral/),
    ]);
  });

  test('fails when a topic key is given without the topic', () => {
    const topicKeyArn = 'arn:aws:kms:ap-northeast-1:111111111111:key/12345678-1234-1234-1234-123456789012';
    expect(problemsOf(withStage({ notifications: { topicKeyArn } }))).toEqual([
      expect.stringMatching(/^stages\[0\]\.notifications: topicKeyArn only applies to an existing topic/),
    ]);
  });

  test('fails when the topic policies are acknowledged for a topic the stage creates', () => {
    expect(problemsOf(withStage({ notifications: { topicPoliciesAcknowledged: true } }))).toEqual([
      expect.stringMatching(
        /^stages\[0\]\.notifications: topicPoliciesAcknowledged only applies to an existing topic: set topicArn too/,
      ),
    ]);
  });

  test('fails when perChild is not a boolean', () => {
    expect(problemsOf(withStage({ notifications: { perChild: 'yes' } }))).toEqual([
      expect.stringMatching(/^stages\[0\]\.notifications\.perChild: /),
    ]);
  });

  test('fails on a misspelt setting, naming it', () => {
    expect(problemsOf(withStage({ maxVcpus: 8 }))).toEqual([
      "stages[0]: unknown setting 'maxVcpus': check the spelling",
    ]);
  });

  test('fails on a malformed job queue URL and subnet id', () => {
    const problems = problemsOf(
      withStage({
        jobQueueUrl: 'sqs://queue',
        vpc: { existing: { ...REACHABLE, vpcId: 'vpc-0123456789abcdef0', subnetIds: ['sub-1'] } },
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^stages\[0\]\.vpc\.existing\.subnetIds\[0\]: must be a subnet id/),
      expect.stringMatching(/^stages\[0\]\.jobQueueUrl: must be an SQS queue URL/),
    ]);
  });

  test('fails when only one of the GitHub ids is set', () => {
    const input = { ...appConfig, github: { ...appConfig.github, ownerId: 12345 } };
    expect(problemsOf(input)).toContainEqual(
      expect.stringMatching(/^github: set both ownerId and repositoryId/),
    );
  });
});

describe('parseConfig: an existing VPC must let the handlers reach SNS and the probe job pull its image', () => {
  const vpcId = 'vpc-0123456789abcdef0';
  const publicSubnetIds = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'];
  const privateSubnetIds = ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'];

  test('fails on VPC-attached handlers in public subnets: Lambda never gives a function a public IP', () => {
    const problems = problemsOf(
      withStage({
        vpc: { existing: { vpcId, subnetIds: publicSubnetIds, publicSubnets: true, snsEndpoint: 'create' } },
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^stages\[0\]\.vpc\.existing\.handlerSubnetIds: .*public subnets.*Lambda never gives a function a public IP.*list private subnets in handlerSubnetIds, or set handlers\.vpcAttached: false/,
      ),
    ]);
  });

  test('fails when nothing says how the handler subnets reach SNS, listing the ways', () => {
    const problems = problemsOf(
      withStage({ smokeTest: false, vpc: { existing: { vpcId, subnetIds: privateSubnetIds } } }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^stages\[0\]\.vpc\.existing\.snsEndpoint: .*'create'.*'existing'.*'nat'.*900 s timeout/,
      ),
    ]);
  });

  test("fails when the smoke test's probe job could not pull its public image from private subnets", () => {
    const problems = problemsOf(
      withStage({
        smokeTest: true,
        vpc: {
          existing: { vpcId, subnetIds: privateSubnetIds, snsEndpoint: 'create', jobsEgress: 'endpoints' },
        },
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^stages\[0\]\.vpc\.existing\.jobsEgress: .*public\.ecr\.aws.*no VPC endpoint.*jobsEgress: 'nat'.*publicSubnets: true.*smokeTest/,
      ),
    ]);
  });

  test('fails with every network problem at once', () => {
    const problems = problemsOf(
      withStage({
        smokeTest: true,
        vpc: { existing: { vpcId, subnetIds: privateSubnetIds } },
        handlers: { timeoutSeconds: 0 },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^stages\[0\]\.vpc\.existing\.snsEndpoint: /),
        expect.stringMatching(/^stages\[0\]\.vpc\.existing\.jobsEgress: /),
        expect.stringMatching(/^stages\[0\]\.handlers\.timeoutSeconds: /),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  test.each<[string, Record<string, unknown>]>([
    [
      'handlers outside the VPC, in a VPC with public subnets only',
      {
        vpc: { existing: { vpcId, subnetIds: publicSubnetIds, publicSubnets: true } },
        handlers: { vpcAttached: false },
      },
    ],
    [
      'private handler subnets next to public job subnets, with an SNS endpoint the stage creates',
      {
        smokeTest: true,
        vpc: {
          existing: {
            vpcId,
            subnetIds: publicSubnetIds,
            publicSubnets: true,
            handlerSubnetIds: privateSubnetIds,
            snsEndpoint: 'create',
          },
        },
      },
    ],
    [
      'private subnets with a NAT route for handlers and jobs',
      {
        smokeTest: true,
        vpc: { existing: { vpcId, subnetIds: privateSubnetIds, snsEndpoint: 'nat', jobsEgress: 'nat' } },
      },
    ],
    [
      'an ephemeral stage, whose handlers stay outside the VPC by default',
      { ephemeral: true, vpc: { existing: { vpcId, subnetIds: publicSubnetIds, publicSubnets: true } } },
    ],
  ])('accepts %s', (_case, change) => {
    expect(() => parseConfig(withStage(change))).not.toThrow();
  });
});

describe('selectStage', () => {
  const config = exampleConfig();

  test('returns a configured stage by its name', () => {
    expect(selectStage(config, 'prod')).toBe(config.stages[1]);
  });

  test('builds an ephemeral preview stage for a pull request, outside the VPC by default', () => {
    // WHEN
    const stage = selectStage(config, 'pr-42');
    // THEN
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

  test('a preview can still create a VPC of its own', () => {
    const own = parseConfig({
      ...appConfig,
      preview: { ...appConfig.preview, vpc: { create: { availabilityZones: ['ap-northeast-1a'] } } },
    });
    expect(selectStage(own, 'pr-7').vpc).toEqual({
      create: { availabilityZones: ['ap-northeast-1a'], cidr: '10.0.0.0/16', natGateways: 0 },
    });
  });

  test('a preview can share an existing VPC, so that open pull requests do not each need one', () => {
    // GIVEN
    const existing = { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0'] };
    const shared = parseConfig({ ...appConfig, preview: { ...appConfig.preview, vpc: { existing } } });
    // WHEN
    const stage = selectStage(shared, 'pr-7');
    // THEN
    expect(stage.vpc).toEqual({ existing: { ...existing, publicSubnets: false } });
  });

  test('takes the preview account from the credentials when the configuration names none', () => {
    const { account: _omitted, ...preview } = config.preview;
    const stage = selectStage({ ...config, preview }, 'br-feature-x', { defaultAccount: '333333333333' });
    expect(stage.account).toBe('333333333333');
  });

  test('fails when no preview account is known, saying how to give one', () => {
    const { account: _omitted, ...preview } = config.preview;
    expect(() => selectStage({ ...config, preview }, 'pr-7')).toThrow(
      /preview\.account is not configured and no default account is known: set preview\.account, or run with AWS credentials/,
    );
  });

  test('fails on a stage name that is neither configured nor a preview', () => {
    expect(() => selectStage(config, 'staging')).toThrow(
      /'staging' is neither a configured stage \(dev, prod\) nor a preview stage name/,
    );
  });

  test('fails on a raw branch name, suggesting the sanitised one', () => {
    expect(() => selectStage(config, 'Feature/Login')).toThrow(
      /'Feature\/Login' is not a valid stage name.*'br-feature-login-[0-9a-f]{6}'/,
    );
  });
});

describe('preview settings', () => {
  const withPreview = (preview: Record<string, unknown>): unknown => ({
    ...appConfig,
    preview: { ...appConfig.preview, ...preview },
  });

  test('branch previews default to preview/** and idle previews live 7 days', () => {
    const { branches: _b, ttlDays: _t, ...preview } = appConfig.preview;
    const config = parseConfig({ ...appConfig, preview });
    expect(config.preview.branches).toEqual(['preview/**']);
    expect(config.preview.ttlDays).toBe(7);
  });

  test('fails on a branch pattern that matches the deploy branch', () => {
    expect(problemsOf(withPreview({ branches: ['feature/*', '**'] }))).toEqual([
      "preview.branches[1]: '**' matches the deploy branch 'main', which is never a preview",
    ]);
  });

  test('fails on branch-filter syntax the matcher does not share with GitHub', () => {
    expect(problemsOf(withPreview({ branches: ['!release/*'] }))).toEqual([
      expect.stringMatching(/^preview\.branches\[0\]: use letters, digits/),
    ]);
  });

  test('fails on a TTL outside 1 to 90 days', () => {
    expect(problemsOf(withPreview({ ttlDays: 0 }))).toEqual([expect.stringMatching(/^preview\.ttlDays:/)]);
  });

  test('fails on a shared VPC together with another', () => {
    const shared = { availabilityZones: ['ap-northeast-1a'] };
    const create = { availabilityZones: ['ap-northeast-1a'] };
    expect(problemsOf(withPreview({ vpc: { shared, create } }))).toEqual([
      'preview.vpc: vpc.shared imports the preview network: set it alone',
    ]);
  });

  test('fails on a configured stage that shares the preview network', () => {
    const [dev, ...rest] = appConfig.stages;
    const input = {
      ...appConfig,
      stages: [{ ...dev, vpc: { shared: { availabilityZones: ['ap-northeast-1a'] } } }, ...rest],
    };
    expect(problemsOf(input)).toEqual([
      'stages[0].vpc.shared: only previews share the preview network: use vpc.existing with its ids, or vpc.create',
    ]);
  });
});
