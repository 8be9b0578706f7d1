import { z } from 'zod';
import { BRANCH_PATTERN, matchesBranchPattern } from './branch-pattern';
import { githubGivenNames } from './github';
import { existingVpcProblems } from './network';
import { previewNetworkNames } from './preview-network';
import {
  givenNameProblems,
  nameProblems,
  pipelineGivenNames,
  previewBootstrapGivenNames,
  type GivenName,
} from './names';
import { STAGE_NAME_MAX_LENGTH, isPreviewStageName, stageNameProblem } from './stage-name';

const accountId = z
  .string()
  .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id, e.g. 123456789012' });
const region = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, {
  error: 'must be an AWS region code, e.g. ap-northeast-1',
});
const availabilityZones = z
  .array(
    z
      .string()
      .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, { error: 'must be a zone name, e.g. ap-northeast-1a' }),
  )
  .min(1, { error: 'list at least one availability zone, e.g. ["ap-northeast-1a", "ap-northeast-1c"]' })
  .max(3, { error: 'list at most 3 availability zones' });
const subnetId = z
  .string()
  .regex(/^subnet-[0-9a-f]{8,17}$/, { error: 'must be a subnet id, e.g. subnet-0abc1234' });

/** The longest wait before a stuck-job alert: a week. */
const MAX_STUCK_AFTER_MINUTES = 7 * 24 * 60;

const stageName = z.string().superRefine((name, ctx) => {
  const problem = stageNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * How the subnets of VPC-attached handlers reach SNS: the stage creates an SNS interface endpoint with
 * private DNS in them (`create`), the VPC already has one (`existing`), or they route to a NAT gateway
 * (`nat`).
 */
const snsEndpoint = z.enum(['create', 'existing', 'nat'], { error: "must be 'create', 'existing' or 'nat'" });

/**
 * How Fargate jobs in private subnets reach their image registry and CloudWatch Logs: a NAT route
 * (`nat`: any registry), or interface endpoints for ECR (api, dkr) and CloudWatch Logs plus the S3
 * gateway endpoint (`endpoints`: private ECR images only; ECR Public has no VPC endpoint).
 */
const jobsEgress = z.enum(['nat', 'endpoints'], { error: "must be 'nat' or 'endpoints'" });

/** A VPC the stage imports: the original design passes its id and subnet ids. */
const existingVpc = z.strictObject({
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: 'must be a VPC id, e.g. vpc-0abc1234' }),
  subnetIds: z.array(subnetId).min(1, {
    error:
      'list the subnets jobs (and, without handlerSubnetIds, the handlers) run in; they need a route to the internet (NAT) or VPC endpoints',
  }),
  /** Whether the subnets are public, so that Fargate tasks need a public IP to pull images. */
  publicSubnets: z.boolean().default(false),
  /** How jobs in private subnets reach their registry and logs; only with `publicSubnets: false`. */
  jobsEgress: jobsEgress.optional(),
  /** Private subnets for VPC-attached handlers; defaults to `subnetIds` (which must then be private). */
  handlerSubnetIds: z
    .array(subnetId)
    .min(1, { error: 'list at least one subnet, or leave it out' })
    .optional(),
  /** How the handler subnets reach SNS; required when the handlers are attached to the VPC. */
  snsEndpoint: snsEndpoint.optional(),
});

/** A VPC the stage creates. With no NAT gateway, jobs run in public subnets with a public IP. */
const createdVpc = z.strictObject({
  availabilityZones,
  cidr: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/, { error: 'must be an IPv4 CIDR from /16 to /24' })
    .default('10.0.0.0/16'),
  natGateways: z.number().int().min(0).max(3).default(0),
});

/**
 * The preview network, a VPC of its own long-lived stack (`PreviewNetwork`, deployed once by hand),
 * which every preview imports instead of creating a VPC. Only `preview.vpc` may use it.
 */
const sharedVpc = z.strictObject({
  availabilityZones,
  cidr: createdVpc.shape.cidr,
});

const vpc = z
  .strictObject({
    existing: existingVpc.optional(),
    create: createdVpc.optional(),
    shared: sharedVpc.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.shared && (value.existing || value.create)) {
      ctx.addIssue({ code: 'custom', message: 'vpc.shared imports the preview network: set it alone' });
    } else if (value.existing && value.create) {
      ctx.addIssue({ code: 'custom', message: 'set either vpc.existing or vpc.create, not both' });
    } else if (!value.existing && !value.create && !value.shared) {
      ctx.addIssue({
        code: 'custom',
        message: 'set vpc.existing ({ vpcId, subnetIds }) or vpc.create ({ availabilityZones })',
      });
    }
  });

const stage = z
  .strictObject({
    name: stageName,
    account: accountId,
    region,
    /** Production stages wait for a manual approval in the pipeline. */
    production: z.boolean().default(false),
    /** Ephemeral stages delete completely: nothing is retained when the stage is destroyed. */
    ephemeral: z.boolean().default(false),
    /** Stages in the same wave deploy in parallel; waves deploy in the order they first appear. */
    wave: stageName.optional(),
    vpc,
    batch: z
      .strictObject({
        maxvCpus: z
          .number()
          .int()
          .min(1, { error: 'must be at least 1' })
          .max(4096, { error: 'must be at most 4096' })
          .default(32),
        spot: z.boolean().default(false),
      })
      .prefault({}),
    notifications: z
      .strictObject({
        /** An existing topic to publish to; when absent the stage creates an encrypted one. */
        topicArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, {
            error: 'must be an SNS topic ARN',
          })
          .optional(),
        /** The KMS key of that existing topic, if it is encrypted, so that the handlers may use it. */
        topicKeyArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, {
            error: 'must be a KMS key ARN',
          })
          .optional(),
        /**
         * The existing topic's policy and its key's policy allow what the stage cannot grant on them
         * (the alarm's and the handlers' publishing, see the README); silences the synthesis warning.
         */
        topicPoliciesAcknowledged: z.boolean().default(false),
        /**
         * Notify for every child of an array job and every node of a multi-node parallel job too,
         * not only for the job that was submitted (whose notification counts the children).
         */
        perChild: z.boolean().default(false),
        /**
         * Minutes a job may wait in RUNNABLE or STARTING before one "Job stuck" notification; 0
         * turns the alerts off.
         */
        stuckAfterMinutes: z
          .number({ error: 'must be a whole number of minutes' })
          .int({ error: 'must be a whole number of minutes' })
          .min(0, { error: 'must be 0 (off) or more' })
          .max(MAX_STUCK_AFTER_MINUTES, { error: `must be at most ${MAX_STUCK_AFTER_MINUTES} (a week)` })
          .default(30),
        /**
         * `per-protocol`: one publish carries a text for e-mail, a chat card for HTTPS (Amazon Q
         * Developer in chat applications) and a JSON document for SQS and Lambda. `text`: the text
         * for every protocol, for subscriptions that filter on message attributes (docs/handlers.md).
         */
        messageStructure: z
          .enum(['per-protocol', 'text'], { error: "must be 'per-protocol' or 'text'" })
          .default('per-protocol'),
        /** A Slack channel (Amazon Q Developer in chat applications) subscribed to the topic. */
        slack: z
          .strictObject({
            /** The workspace (team) id, e.g. T0123ABCDEF, shown once the workspace is authorized. */
            workspaceId: z.string().regex(/^[0-9A-Z]{1,255}$/, {
              error: 'must be a Slack workspace id of capital letters and digits, e.g. T0123ABCDEF',
            }),
            /** The channel id, e.g. C0123ABCDEF (channel details in Slack). */
            channelId: z.string().regex(/^[A-Za-z0-9]{1,255}$/, {
              error: 'must be a Slack channel id of letters and digits, e.g. C0123ABCDEF',
            }),
          })
          .optional(),
      })
      .prefault({})
      .superRefine((value, ctx) => {
        if (value.slack && value.messageStructure === 'text') {
          ctx.addIssue({
            code: 'custom',
            path: ['slack'],
            message:
              "a Slack channel shows only the chat card of messageStructure 'per-protocol': remove " +
              "messageStructure: 'text', or the slack setting",
          });
        }
        for (const setting of ['topicKeyArn', 'topicPoliciesAcknowledged'] as const) {
          if (value[setting] && !value.topicArn) {
            ctx.addIssue({
              code: 'custom',
              message: `${setting} only applies to an existing topic: set topicArn too, or remove ${setting}`,
            });
          }
        }
      }),
    database: z
      .strictObject({
        /** `DB_NAME`; defaults to the stage name, as in the original design. */
        name: z.string().min(1).optional(),
        /** Defaults to `/<app>/<stage>/db`, as in the original design. */
        secretName: z
          .string()
          .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, { error: 'must be a Secrets Manager secret name' })
          .optional(),
      })
      .prefault({}),
    /** The SQS queue that feeds on-demand jobs (later chapters); the handlers may send to it. */
    jobQueueUrl: z
      .string()
      .regex(/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/, {
        error: 'must be an SQS queue URL, e.g. https://sqs.ap-northeast-1.amazonaws.com/123456789012/jobs',
      })
      .optional(),
    handlers: z
      .strictObject({
        memorySize: z.number().int().min(128).max(10240).default(128),
        ephemeralStorageSize: z.number().int().min(512).max(10240).default(512),
        timeoutSeconds: z.number().int().min(1).max(900).default(900),
        /** Attach the handlers to the VPC; defaults to on, and to off for ephemeral stages. */
        vpcAttached: z.boolean().optional(),
      })
      .prefault({}),
    /** Create the queue the pipeline's post-deploy smoke step reads notifications from. */
    smokeTest: z.boolean().default(false),
  })
  .superRefine((value, ctx) => {
    if (value.production && value.ephemeral) {
      ctx.addIssue({
        code: 'custom',
        path: ['ephemeral'],
        message: 'a production stage cannot be ephemeral: set production or ephemeral to false',
      });
    }
    for (const { setting, message } of existingVpcProblems(value))
      ctx.addIssue({ code: 'custom', path: ['vpc', 'existing', setting], message });
  });

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

export const appConfigSchema = z
  .strictObject({
    appName,
    pipeline: z.strictObject({
      account: accountId,
      region,
      /** Removed: the pipeline deploys the cloud assembly CI tested. Kept only to say so. */
      connectionArn: z.unknown().optional(),
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
      owner: z
        .string()
        .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, { error: 'must be a GitHub owner name' }),
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
    stages: z.array(stage).min(1, { error: 'configure at least one stage' }),
  })
  .superRefine((config, ctx) => {
    if (config.pipeline.connectionArn !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['pipeline', 'connectionArn'],
        message:
          'is no longer supported: the pipeline deploys the cloud assembly that CI tested and uploaded, ' +
          'so it reads no repository (README, "What runs where"); remove the setting',
      });
    }
    if ((config.github.ownerId === undefined) !== (config.github.repositoryId === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['github'],
        message: 'set both ownerId and repositoryId, or neither',
      });
    }
    if (config.github.deployEnvironment === config.github.previewEnvironment) {
      ctx.addIssue({
        code: 'custom',
        path: ['github', 'deployEnvironment'],
        message: `'${config.github.previewEnvironment}' is the preview environment: the deploy job needs its own`,
      });
    }
    const providerAccounts = new Set<string>();
    config.github.oidcProviderArns.forEach((arn, index) => {
      const account = arn.split(':')[4] ?? '';
      if (providerAccounts.has(account)) {
        ctx.addIssue({
          code: 'custom',
          path: ['github', 'oidcProviderArns', index],
          message: `account ${account} is listed twice: an account holds one GitHub OIDC provider`,
        });
      }
      providerAccounts.add(account);
    });
    for (const message of givenNameProblems(appGivenNames(config), 'appName'))
      ctx.addIssue({ code: 'custom', path: ['appName'], message });
    config.preview.branches.forEach((pattern, index) => {
      if (matchesBranchPattern(pattern, config.github.branch)) {
        ctx.addIssue({
          code: 'custom',
          path: ['preview', 'branches', index],
          message: `'${pattern}' matches the deploy branch '${config.github.branch}', which is never a preview`,
        });
      }
    });
    const seen = new Set<string>();
    config.stages.forEach((s, index) => {
      const path = ['stages', index, 'name'];
      if (seen.has(s.name))
        ctx.addIssue({ code: 'custom', path, message: `stage '${s.name}' is configured twice` });
      seen.add(s.name);
      if (isPreviewStageName(s.name)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `'${s.name}' starts with a prefix reserved for preview stages (pr-, br-): rename the stage`,
        });
      }
      for (const message of nameProblems(config.appName, s.name))
        ctx.addIssue({ code: 'custom', path, message });
      if (s.vpc.shared) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', index, 'vpc', 'shared'],
          message: 'only previews share the preview network: use vpc.existing with its ids, or vpc.create',
        });
      }
    });
  });

/**
 * The names the app gives outside its stages: the pipeline's (and the support stacks CDK derives
 * from it) and the GitHub OIDC stacks and roles. Each stage's names are checked with the stage
 * (`nameProblems`).
 */
export function appGivenNames(config: AppConfig): GivenName[] {
  const { appName, pipeline } = config;
  return [
    ...pipelineGivenNames(appName, pipeline.account, pipeline.region, {
      stageRegions: config.stages.map((s) => s.region),
    }),
    ...githubGivenNames(appName),
    ...previewBootstrapGivenNames(appName),
    // Its exports (`<stack>-VpcId`, `<stack>-PublicSubnet<n>Id`) are far below CloudFormation's 255.
    { name: previewNetworkNames(appName, 0).stackName, resource: 'cloudFormationStack' },
  ];
}

export type AppConfigInput = z.input<typeof appConfigSchema>;
export type AppConfig = z.output<typeof appConfigSchema>;
export type StageConfig = AppConfig['stages'][number];
export type StageConfigInput = z.input<typeof stage>;
export { stage as stageConfigSchema, STAGE_NAME_MAX_LENGTH };
