import { z } from 'zod';
import { cidrProblem } from './cidr';
import { isKnownRegion } from './regions';
import { stageNameProblem } from './stage-name';

/**
 * The shape of one stage and its rules of each setting on its own (or of one object's settings
 * together); the app's shape (`schema.ts`) holds a list of them. The rules that read settings far
 * apart run once the shapes parse (`validate.ts`).
 */

export const accountId = z
  .string()
  .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id, e.g. 123456789012' });
export const region = z.string().refine(isKnownRegion, {
  error: (issue) =>
    `'${String(issue.input)}' is not an AWS region aws-cdk-lib knows: use a region code such as ` +
    'ap-northeast-1, eu-west-1 or us-east-1 (aws ec2 describe-regions lists those of your account)',
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
    .superRefine((cidr, ctx) => {
      const problem = cidrProblem(cidr);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
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

export const vpc = z
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

export const stageConfigSchema = z
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
          .int({ error: 'must be a whole number of vCPUs, from 1 to 4096' })
          .min(1, { error: 'must be at least 1 (vCPU)' })
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
  });

export type StageConfig = z.output<typeof stageConfigSchema>;
export type StageConfigInput = z.input<typeof stageConfigSchema>;
/** How the subnets of VPC-attached handlers reach SNS (`vpc.existing.snsEndpoint`). */
export type SnsEndpointMode = z.output<typeof snsEndpoint>;
