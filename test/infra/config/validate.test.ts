import { parseConfig } from '../../../infra/config/load';
import { appConfig } from '../../../infra/config/stages';
import {
  exampleWith as withSection,
  exampleWithStage as withStage,
  exampleWithVpc as withExisting,
  PRIVATE_SUBNETS,
  PUBLIC_SUBNETS,
  REACHABLE,
  testRejections,
} from '../../support/cdk';

const PROVIDER_ARN = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';
const LONG_APP_NAME = 'abcdefghijklmnopqrst';

describe('the rules across settings (parseConfig)', () => {
  testRejections([
    [
      // 20 + 24 + 2 + 19 = 65 characters for <app>-<stage>-BatchSuccessHandler
      'a stage physical name over its limit once prefixed, saying by how much',
      withStage({ name: 'abcdefghijklmnopqrstuvwx' }, { ...appConfig, appName: LONG_APP_NAME }),
      [
        /^appName: the s3Bucket name/,
        /^stages\[0\]\.name: the lambdaFunction name '.*-BatchSuccessHandler' is 65 characters, .* by 1$/,
      ],
    ],
    [
      // The source bucket is 20 + 17 + 12 + 1 + 14 = 64 characters; every other name fits.
      'a name outside the stages over its limit, naming appName and by how much',
      { ...appConfig, appName: LONG_APP_NAME },
      [
        `appName: the s3Bucket name '${LONG_APP_NAME}-pipeline-source-111111111111-ap-northeast-1' ` +
          "(the pipeline's source bucket) is 64 characters, over the limit of 63: shorten appName by 1",
      ],
    ],
    [
      'a stage name with a preview prefix',
      withStage({ name: 'pr-1' }),
      /^stages\[0\]\.name: 'pr-1' starts with a prefix reserved for preview stages/,
    ],
    [
      'two stages of one name',
      { ...appConfig, stages: [appConfig.stages[0], appConfig.stages[0]] },
      "stages[1].name: stage 'dev' is configured twice",
    ],
    [
      'VPC-attached handlers in public subnets, as Lambda never gives a function a public IP',
      withExisting({ subnetIds: PUBLIC_SUBNETS, publicSubnets: true, snsEndpoint: 'create' }),
      /^stages\[0\]\.vpc\.existing\.handlerSubnetIds: .*public subnets.*Lambda never gives a function a public IP.*list private subnets in handlerSubnetIds, or set handlers\.vpcAttached: false/,
    ],
    [
      'no way from the handler subnets to SNS, listing the ways',
      withExisting({ subnetIds: PRIVATE_SUBNETS }, { smokeTest: false }),
      /^stages\[0\]\.vpc\.existing\.snsEndpoint: .*'create'.*'existing'.*'nat'.*900 s timeout/,
    ],
    [
      'a smoke-test probe job that could not pull its public image from private subnets',
      withExisting(
        { subnetIds: PRIVATE_SUBNETS, snsEndpoint: 'create', jobsEgress: 'endpoints' },
        { smokeTest: true },
      ),
      /^stages\[0\]\.vpc\.existing\.jobsEgress: .*public\.ecr\.aws.*no VPC endpoint.*jobsEgress: 'nat'.*publicSubnets: true.*smokeTest/,
    ],
    [
      'jobsEgress with public subnets',
      withExisting(
        { subnetIds: PUBLIC_SUBNETS, publicSubnets: true, jobsEgress: 'nat' },
        { handlers: { vpcAttached: false } },
      ),
      'stages[0].vpc.existing.jobsEgress: jobsEgress only applies to private subnets: remove it, or set publicSubnets: false',
    ],
    [
      'every network problem and a field problem at once',
      withExisting({ subnetIds: PRIVATE_SUBNETS }, { smokeTest: true, handlers: { timeoutSeconds: 0 } }),
      [
        /^stages\[0\]\.handlers\.timeoutSeconds: /,
        /^stages\[0\]\.vpc\.existing\.snsEndpoint: /,
        /^stages\[0\]\.vpc\.existing\.jobsEgress: /,
      ],
    ],
    [
      'a configured stage that shares the preview network',
      withStage({ vpc: { shared: { availabilityZones: ['ap-northeast-1a'] } } }),
      'stages[0].vpc.shared: only previews share the preview network: use vpc.existing with its ids, or vpc.create',
    ],
    [
      'a branch pattern that matches the deploy branch',
      withSection('preview', { branches: ['feature/*', '**'] }),
      "preview.branches[1]: '**' matches the deploy branch 'main', which is never a preview",
    ],
    [
      'only one of the GitHub ids',
      withSection('github', { ownerId: 12345 }),
      'github: set both ownerId and repositoryId, or neither',
    ],
    [
      'two providers in one account',
      withSection('github', { oidcProviderArns: [PROVIDER_ARN, PROVIDER_ARN] }),
      'github.oidcProviderArns[1]: account 111111111111 is listed twice: an account holds one GitHub OIDC provider',
    ],
    [
      'a deploy job that would share the preview environment',
      withSection('github', { deployEnvironment: 'preview' }),
      "github.deployEnvironment: 'preview' is the preview environment: the deploy job needs its own",
    ],
  ]);

  const PUBLIC = { subnetIds: PUBLIC_SUBNETS, publicSubnets: true };
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      'handlers outside the VPC, in a VPC with public subnets only',
      PUBLIC,
      { handlers: { vpcAttached: false } },
    ],
    [
      'private handler subnets next to public job subnets, with an SNS endpoint the stage creates',
      { ...PUBLIC, handlerSubnetIds: PRIVATE_SUBNETS, snsEndpoint: 'create' },
      { smokeTest: true },
    ],
    [
      'private subnets with a NAT route for handlers and jobs',
      { ...REACHABLE, subnetIds: PRIVATE_SUBNETS },
      { smokeTest: true },
    ],
    ['an ephemeral stage, whose handlers stay outside the VPC by default', PUBLIC, { ephemeral: true }],
  ])('accepts an existing VPC: %s', (_case, existing, change) => {
    expect(() => parseConfig(withExisting(existing, change))).not.toThrow();
  });
});
