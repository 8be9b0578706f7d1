import { z } from 'zod';
import { BRANCH_PATTERN } from './branch-pattern';
import { accountId, region, stageConfigSchema, vpc } from './stage-schema';

/**
 * The app's configuration: its shapes and the rules of each setting on its own (or of one object's
 * settings together). The rules that read settings far apart run once the shapes parse
 * (`validate.ts`).
 */

const oidcProviderArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, {
    error:
      'must be the ARN of a GitHub OIDC provider, e.g. arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
  });
/** GitHub environment names: the `sub` claim carries them, so keep to characters it carries verbatim. */
const githubEnvironment = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,255}$/, { error: "use letters, digits, '.', '_' and '-', e.g. preview" });

/** A GitHub branch filter pattern, as `on.push.branches` takes it (`*` and `**` only). */
const branchPattern = z.string().regex(BRANCH_PATTERN, {
  error: "use letters, digits, '.', '_', '/', '-' and the wildcards * and **, e.g. preview/**",
});

const appName = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, {
    error: 'use lowercase letters, digits and single hyphens, e.g. jobs',
  })
  .max(20, { error: 'must be at most 20 characters' });

export const appConfigSchema = z.strictObject({
  appName,
  pipeline: z.strictObject({
    account: accountId,
    region,
    /** Removed: the pipeline deploys the cloud assembly CI tested. Kept only to say so. */
    connectionArn: z
      .never({
        error:
          'is no longer supported: the pipeline deploys the cloud assembly that CI tested and uploaded, ' +
          'so it reads no repository (README, "What runs where"); remove the setting',
      })
      .optional(),
  }),
  /** Where pull-request and branch previews deploy, their network, which branches get one, how long they live. */
  preview: z.strictObject({
    account: accountId.optional(),
    region,
    /**
     * The network of every preview: `shared` imports the preview network (README, "Previews"),
     * `existing` a VPC of yours, `create` a VPC per preview (an account holds 5 VPCs per region
     * unless raised, so only a few previews then fit).
     */
    vpc,
    /**
     * The branches that get a preview stage of their own (`br-<branch>`) on every push, destroyed
     * when the branch is deleted: GitHub's branch filter patterns, the same as `on.push.branches`
     * of preview.yml. A pull request from such a branch gets no `pr-<number>` stage, so that no
     * change has two.
     */
    branches: z.array(branchPattern).default(['preview/**']),
    /** Days a preview may stay idle (not deployed) before the sweep destroys it. */
    ttlDays: z.number().int().min(1).max(90).default(7),
  }),
  github: z.strictObject({
    owner: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, { error: 'must be a GitHub owner name' }),
    repository: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, { error: 'must be a GitHub repository name' }),
    /**
     * The numeric owner and repository ids. Repositories created or renamed since July 2026 present
     * the immutable subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:...`; set both to use that form.
     */
    ownerId: z.number().int().positive().optional(),
    repositoryId: z.number().int().positive().optional(),
    branch: z.string().min(1).default('main'),
    /**
     * GitHub OIDC providers that already exist, by ARN. An account holds one provider for
     * `token.actions.githubusercontent.com`; the GitHub OIDC stack of an account listed here imports it
     * instead of creating it.
     */
    oidcProviderArns: z.array(oidcProviderArn).default([]),
    /**
     * The environment the deploy job runs in; the deploy role trusts that environment alone. Limit its
     * deployment branches to the deploy branch: then no other job, not even one on the branch (a
     * `workflow_run` or `issue_comment` workflow added later), presents the deploy role's subject.
     */
    deployEnvironment: githubEnvironment.default('deploy'),
    /** The environment every job that assumes the preview role runs in. */
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
