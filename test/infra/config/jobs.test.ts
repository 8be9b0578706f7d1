import { jobOutputId, jobSchema } from '../../../infra/config/jobs';
import { exampleConfig, exampleWithStage as withStage, testRejections } from '../../support/cdk';

const HELLO = { name: 'hello', image: 'public.ecr.aws/docker/library/busybox:1.37', command: ['echo', 'hi'] };
const job = (change: Record<string, unknown>) => ({ ...HELLO, vcpus: 0.25, memoryMiB: 512, ...change });

// From the table in the AWS Batch API reference (ResourceRequirement, "Jobs running on Fargate").
describe('Fargate sizes', () => {
  const parse = (vcpus: number, memoryMiB: number) => jobSchema.safeParse(job({ vcpus, memoryMiB }));
  test.each([
    [0.25, 512],
    [0.25, 2048],
    [0.5, 1024],
    [0.5, 4096],
    [1, 2048],
    [1, 8192],
    [2, 4096],
    [2, 16384],
    [4, 8192],
    [4, 30720],
    [8, 16384],
    [8, 61440],
    [16, 32768],
    [16, 122880],
  ])('accepts %p vCPU with %p MiB', (vcpus, memoryMiB) => {
    expect(parse(vcpus, memoryMiB).success).toBe(true);
  });

  test.each([
    [0.25, 3072, '512, 1024, 2048'],
    [0.5, 512, '1024, 2048, 3072, 4096'],
    [1, 9216, '2048, 3072, 4096, 5120, 6144, 7168, 8192'],
    [2, 4608, /^4096, 5120, .*, 16384$/],
    [4, 31744, /^8192, 9216, .*, 30720$/],
    [8, 17408, '16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440'],
    [16, 36864, '32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880'],
  ])('fails on %p vCPU with %p MiB, listing the valid memory', (vcpus, memoryMiB, valid) => {
    const issues = parse(vcpus, memoryMiB).error?.issues ?? [];
    expect(issues.map((i) => i.path)).toEqual([['memoryMiB']]);
    const [, list] = /use one of (.*)$/.exec(issues[0]!.message) ?? [];
    expect(list).toEqual(typeof valid === 'string' ? valid : expect.stringMatching(valid));
  });

  test.each([3, 0.75, 32])('fails on %p vCPU, listing the counts Fargate runs', (vcpus) => {
    const issues = parse(vcpus, 2048).error?.issues ?? [];
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      [['vcpus'], `${vcpus} is not a Fargate vCPU count: use one of 0.25, 0.5, 1, 2, 4, 8, 16`],
    ]);
  });
});

describe('jobs in the stage configuration', () => {
  test('the example declares hello on dev, with no retries and no timeout', () => {
    expect(exampleConfig().stages[0]!.jobs).toEqual([
      { ...job({ command: ['echo', 'hello from AWS Batch'] }), retries: 0, environment: {} },
    ]);
  });

  test.each([
    ['hello', 'JobDefinitionHello'],
    ['nightly-report-2', 'JobDefinitionNightlyReport2'],
  ])('job %p is named by the output %p', (name, id) => {
    expect(jobOutputId(name)).toBe(id);
  });

  testRejections([
    [
      'a size Fargate does not run, naming the setting and the valid memory',
      withStage({ jobs: [job({ vcpus: 1, memoryMiB: 1024 })] }),
      'stages[0].jobs[0].memoryMiB: 1024 MiB does not fit 1 vCPU on Fargate: use one of 2048, 3072, 4096, 5120, 6144, 7168, 8192',
    ],
    [
      'a job declared twice, and two names sharing an output id',
      withStage({ jobs: [job({}), job({}), job({ name: 'a1' }), job({ name: 'a-1' })] }),
      [
        "stages[0].jobs[1].name: job 'hello' is declared twice: rename or remove one",
        "stages[0].jobs[3].name: 'a-1' and 'a1' would share the output JobDefinitionA1: rename one",
      ],
    ],
    [
      'a name Batch or CloudFormation would not take, and retries over 9',
      withStage({ jobs: [job({ name: 'Hello_World', retries: 10 })] }),
      [
        /^stages\[0\]\.jobs\[0\]\.name: use lowercase letters, digits and single hyphens/,
        'stages[0].jobs[0].retries: must be at most 9 (Batch makes at most 10 attempts)',
      ],
    ],
    [
      'retries below 0 and a variable Batch reserves',
      withStage({ jobs: [job({ retries: -1, environment: { AWS_BATCH_X: '1', GREETING: 'hi' } })] }),
      [
        'stages[0].jobs[0].retries: must be 0 (no retry) or more',
        "stages[0].jobs[0].environment.AWS_BATCH_X: 'AWS_BATCH_X' starts with AWS_BATCH, which Batch reserves for its own variables: rename it",
      ],
    ],
  ]);
});
