import { z } from 'zod';
import { BRANCH_PATTERN } from './branch-pattern';
import { PIPELINE_COMPUTE, pipelineComputeProblem } from './pipeline-compute';
import { accountId, matching, region, stageConfigSchema, vpc } from './stage-schema';

/** The app's shape and the rules within one object; rules across settings run in `validate.ts`. */

const oidcProviderArn = matching(
  /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/,
  'must be the ARN of a GitHub OIDC provider, e.g. arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
);
/** GitHub environment names: the `sub` claim carries them, so keep to characters it carries verbatim. */
const githubEnvironment = matching(
  /^[A-Za-z0-9._-]{1,255}$/,
  "use letters, digits, '.', '_' and '-', e.g. preview",
);
const branchPattern = matching(
  BRANCH_PATTERN,
  "use letters, digits, '.', '_', '/', '-' and the wildcards * and **, e.g. preview/**",
);
const appName = matching(
  /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
  'use lowercase letters, digits and single hyphens, e.g. jobs',
).max(20, { error: 'must be at most 20 characters' });

export const appConfigSchema = z.strictObject({
  appName,
  pipeline: z
    .strictObject({
      account: accountId,
      region,
      // Removed; kept only to say why.
      connectionArn: z
        .never({
          error:
            'is no longer supported: the pipeline deploys the cloud assembly that CI tested and uploaded, ' +
            'so it reads no repository (docs/architecture.md, "What runs where"); remove the setting',
        })
        .optional(),
      /** What the pipeline's steps run on (docs/pipeline.md): `lambda` where the region offers it, or `ec2`. */
      compute: z.enum(PIPELINE_COMPUTE).default('lambda'),
    })
    .superRefine(({ compute, region }, ctx) => {
      const message = pipelineComputeProblem(compute, region);
      if (message) ctx.addIssue({ code: 'custom', path: ['compute'], message });
    }),
  preview: z.strictObject({
    account: accountId.optional(),
    region,
    /** `shared` (docs/configuration.md, "Previews"), `existing`, or `create`: a VPC per preview (5 per region at most). */
    vpc,
    /** Branches with a `br-` preview per push (preview.yml's `on.push.branches`); their PRs get none. */
    branches: z.array(branchPattern).default(['preview/**']),
    /** Days a preview may stay idle (not deployed) before the sweep destroys it. */
    ttlDays: z.number().int().min(1).max(90).default(7),
  }),
  github: z.strictObject({
    owner: matching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub owner name'),
    repository: matching(/^[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository name'),
    /** Both set: the immutable subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:...` (`githubSubject`). */
    ownerId: z.number().int().positive().optional(),
    repositoryId: z.number().int().positive().optional(),
    branch: z.string().min(1).default('main'),
    /** Existing GitHub OIDC providers (one per account), which the account's OIDC stack imports. */
    oidcProviderArns: z.array(oidcProviderArn).default([]),
    /** The deploy role trusts this environment alone: limit its deployment branches to the deploy branch. */
    deployEnvironment: githubEnvironment.default('deploy'),
    previewEnvironment: githubEnvironment.default('preview'),
  }),
  stages: z.array(stageConfigSchema).min(1, { error: 'configure at least one stage' }),
});

export type AppConfigInput = z.input<typeof appConfigSchema>;
export type AppConfig = z.output<typeof appConfigSchema>;
export { stageConfigSchema };
export type { SnsEndpointMode, StageConfig, StageConfigInput } from './stage-schema';

/** A problem a rule across settings finds: the setting's path, and what is wrong and the fix. */
export interface ConfigProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}
