import { z } from 'zod';

/**
 * Fargate's valid memory (MiB) for each vCPU count, as AWS Batch lists them for `VCPU` and `MEMORY`
 * under "Jobs running on Fargate resources":
 * https://docs.aws.amazon.com/batch/latest/APIReference/API_ResourceRequirement.html
 * (the same table as ECS's task sizes: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html).
 */
const steps = (from: number, to: number, step: number): number[] =>
  Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
export const FARGATE_MEMORY_MIB: ReadonlyMap<number, readonly number[]> = new Map([
  [0.25, [512, 1024, 2048]],
  [0.5, steps(1024, 4096, 1024)],
  [1, steps(2048, 8192, 1024)],
  [2, steps(4096, 16384, 1024)],
  [4, steps(8192, 30720, 1024)],
  [8, steps(16384, 61440, 4096)],
  [16, steps(32768, 122880, 8192)],
]);

/** What is wrong with a Fargate size, keyed by the setting to change; empty when Fargate runs it. */
export function fargateSizeProblems(
  vcpus: number,
  memoryMiB: number,
): Partial<Record<'vcpus' | 'memoryMiB', string>> {
  const memory = FARGATE_MEMORY_MIB.get(vcpus);
  if (!memory)
    return {
      vcpus: `${vcpus} is not a Fargate vCPU count: use one of ${[...FARGATE_MEMORY_MIB.keys()].join(', ')}`,
    };
  if (memory.includes(memoryMiB)) return {};
  return {
    memoryMiB: `${memoryMiB} MiB does not fit ${vcpus} vCPU on Fargate: use one of ${memory.join(', ')}`,
  };
}

// With appName (20) and the stage name (24), a job definition name stays within Batch's 128 characters.
const JOB_NAME_MAX_LENGTH = 64;

export const jobSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/, {
        error: 'use lowercase letters, digits and single hyphens, starting with a letter, e.g. hello',
      })
      .max(JOB_NAME_MAX_LENGTH, { error: `must be at most ${JOB_NAME_MAX_LENGTH} characters` }),
    /** An image any Fargate task can pull: a public registry's, e.g. public.ecr.aws/docker/library/busybox:1.37. */
    image: z.string().min(1, { error: 'name an image, e.g. public.ecr.aws/docker/library/busybox:1.37' }),
    command: z.array(z.string()).min(1, { error: 'give the command as a list, e.g. ["echo", "hello"]' }),
    vcpus: z.number(),
    memoryMiB: z.number(),
    /** Attempts after a failed one (Batch makes at most 10 in all). */
    retries: z
      .number()
      .int()
      .min(0, { error: 'must be 0 (no retry) or more' })
      .max(9, { error: 'must be at most 9 (Batch makes at most 10 attempts)' })
      .default(0),
    /** Minutes an attempt may run before Batch stops it. @default no limit */
    timeoutMinutes: z
      .number()
      .int()
      .min(1, { error: 'must be at least 1 (Batch stops attempts after 60 s at the earliest)' })
      .optional(),
    environment: z
      .record(z.string(), z.string())
      .default({})
      .superRefine((environment, ctx) => {
        // Batch: "Environment variables cannot start with AWS_BATCH"; it sets those itself.
        for (const name of Object.keys(environment).filter((n) => n.startsWith('AWS_BATCH'))) {
          const message = `'${name}' starts with AWS_BATCH, which Batch reserves for its own variables: rename it`;
          ctx.addIssue({ code: 'custom', path: [name], message });
        }
      }),
  })
  .superRefine((job, ctx) => {
    for (const [setting, message] of Object.entries(fargateSizeProblems(job.vcpus, job.memoryMiB))) {
      ctx.addIssue({ code: 'custom', path: [setting], message });
    }
  });

export type JobConfig = z.output<typeof jobSchema>;

/** The stage's output with the job definition's ARN, e.g. `JobDefinitionHelloWorld` for `hello-world`. */
export function jobOutputId(jobName: string): string {
  return `JobDefinition${jobName.replace(/(?:^|-)([a-z0-9])/g, (_, c: string) => c.toUpperCase())}`;
}

export const jobs = z
  .array(jobSchema)
  .default([])
  .superRefine((list, ctx) => {
    list.forEach((job, index) => {
      const first = list.findIndex((other) => jobOutputId(other.name) === jobOutputId(job.name));
      if (first >= index) return;
      const earlier = list[first]?.name;
      const message =
        earlier === job.name
          ? `job '${job.name}' is declared twice: rename or remove one`
          : `'${job.name}' and '${earlier}' would share the output ${jobOutputId(job.name)}: rename one`;
      ctx.addIssue({ code: 'custom', path: [index, 'name'], message });
    });
  });
