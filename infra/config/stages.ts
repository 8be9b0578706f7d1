import type { AppConfigInput } from './schema';

/**
 * The platform's configuration: edit this file to adopt the project. The accounts below are
 * placeholders, so that `npm run synth` works offline; replace them with yours before deploying.
 */
export const appConfig: AppConfigInput = {
  appName: 'jobs',
  pipeline: {
    account: '111111111111',
    region: 'ap-northeast-1',
  },
  preview: {
    // An account of its own: previews deploy through its CDK bootstrap roles.
    account: '333333333333',
    region: 'ap-northeast-1',
    // One network for every preview: the PreviewNetwork stack, deployed once by hand.
    vpc: { shared: { availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'] } },
    // Branches with a preview of their own on every push (and none for their pull requests).
    branches: ['preview/**'],
  },
  github: {
    owner: 'example-org',
    repository: 'batch-job-platform',
  },
  stages: [
    {
      name: 'dev',
      account: '111111111111',
      region: 'ap-northeast-1',
      vpc: { create: { availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'] } },
      smokeTest: true,
      // A job of your own (docs/jobs.md): npm run submit -- --stage dev --job hello --wait
      jobs: [
        {
          name: 'hello',
          image: 'public.ecr.aws/docker/library/busybox:1.37',
          command: ['echo', 'hello from AWS Batch'],
          vcpus: 0.25,
          memoryMiB: 512,
        },
      ],
    },
    {
      name: 'prod',
      account: '222222222222',
      region: 'ap-northeast-1',
      production: true,
      vpc: {
        // Fill in your VPC: its id, and private subnets in two zones, one per zone (the endpoint below
        // takes at most one subnet per zone). They route to the internet through a NAT gateway
        // (jobsEgress: 'nat'), which jobs need to pull public images. The handlers run in the same
        // subnets and reach SNS through an interface endpoint the stage creates there; with the NAT
        // route, snsEndpoint: 'nat' works too, without the endpoint's hourly charge.
        existing: {
          vpcId: 'vpc-0123456789abcdef0',
          subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
          jobsEgress: 'nat',
          snsEndpoint: 'create',
        },
      },
      database: { name: 'jobs' },
    },
  ],
};
