import { z } from 'zod';
import { cidrProblem } from './cidr';
import { jobs } from './jobs';
import { isKnownRegion } from './regions';
import { stageNameProblem } from './stage-name';

/** One stage's shape and the rules within one object; rules across settings run in `validate.ts`. */

/** A string matching `regex`, else `error`. */
export const matching = (regex: RegExp, error: string) => z.string().regex(regex, { error });

export const accountId = matching(/^\d{12}$/, 'must be a 12-digit AWS account id, e.g. 123456789012');
export const region = z.string().refine(isKnownRegion, {
  error: (issue) =>
    `'${String(issue.input)}' is not an AWS region aws-cdk-lib knows: use a region code such as ` +
    'ap-northeast-1, eu-west-1 or us-east-1 (aws ec2 describe-regions lists those of your account)',
});
const availabilityZones = z
  .array(matching(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'must be a zone name, e.g. ap-northeast-1a'))
  .min(1, { error: 'list at least one availability zone, e.g. ["ap-northeast-1a", "ap-northeast-1c"]' })
  .max(3, { error: 'list at most 3 availability zones' });
const subnetId = matching(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id, e.g. subnet-0abc1234');

const MAX_STUCK_AFTER_MINUTES = 7 * 24 * 60;

/** A string whose problem, if any, `problemOf` describes. */
const checked = (problemOf: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const message = problemOf(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  });
const stageName = checked(stageNameProblem);

/** How VPC-attached handlers reach SNS: an endpoint the stage creates, one the VPC has, or NAT. */
const snsEndpoint = z.enum(['create', 'existing', 'nat'], { error: "must be 'create', 'existing' or 'nat'" });

/** How private job subnets reach images and logs: NAT, or ECR, Logs and S3 endpoints (private ECR only). */
const jobsEgress = z.enum(['nat', 'endpoints'], { error: "must be 'nat' or 'endpoints'" });

const existingVpc = z.strictObject({
  vpcId: matching(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id, e.g. vpc-0abc1234'),
  subnetIds: z.array(subnetId).min(1, {
    error:
      'list the subnets jobs (and, without handlerSubnetIds, the handlers) run in; they need a route to the internet (NAT) or VPC endpoints',
  }),
  publicSubnets: z.boolean().default(false),
  jobsEgress: jobsEgress.optional(),
  /** Private subnets for VPC-attached handlers; defaults to `subnetIds` (which must then be private). */
  handlerSubnetIds: z
    .array(subnetId)
    .min(1, { error: 'list at least one subnet, or leave it out' })
    .optional(),
  snsEndpoint: snsEndpoint.optional(),
});

/** A VPC the stage creates. With no NAT gateway, jobs run in public subnets with a public IP. */
const createdVpc = z.strictObject({
  availabilityZones,
  cidr: checked(cidrProblem).default('10.0.0.0/16'),
  natGateways: z.number().int().min(0).max(3).default(0),
});

/** The preview network (`PreviewNetwork`, deployed once by hand), which every preview imports. */
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
        topicArn: matching(
          /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
          'must be an SNS topic ARN',
        ).optional(),
        /** The existing topic's KMS key, if encrypted. */
        topicKeyArn: matching(
          /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
          'must be a KMS key ARN',
        ).optional(),
        /** The existing topic's and key's policies already allow what the stage cannot grant (docs/configuration.md). */
        topicPoliciesAcknowledged: z.boolean().default(false),
        /** Notify for every array child and multi-node node too, not only the submitted job. */
        perChild: z.boolean().default(false),
        /** Minutes in RUNNABLE or STARTING before one "Job stuck" notification; 0 turns it off. */
        stuckAfterMinutes: z
          .number({ error: 'must be a whole number of minutes' })
          .int({ error: 'must be a whole number of minutes' })
          .min(0, { error: 'must be 0 (off) or more' })
          .max(MAX_STUCK_AFTER_MINUTES, { error: `must be at most ${MAX_STUCK_AFTER_MINUTES} (a week)` })
          .default(30),
        /** `per-protocol`: text, chat card and JSON in one publish; `text` for all (docs/handlers.md). */
        messageStructure: z
          .enum(['per-protocol', 'text'], { error: "must be 'per-protocol' or 'text'" })
          .default('per-protocol'),
        /** A Slack channel (Amazon Q Developer in chat applications) subscribed to the topic. */
        slack: z
          .strictObject({
            workspaceId: matching(
              /^[0-9A-Z]{1,255}$/,
              'must be a Slack workspace id of capital letters and digits, e.g. T0123ABCDEF',
            ),
            channelId: matching(
              /^[A-Za-z0-9]{1,255}$/,
              'must be a Slack channel id of letters and digits, e.g. C0123ABCDEF',
            ),
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
        name: z.string().min(1).optional(),
        secretName: matching(
          /^[A-Za-z0-9/_+=.@-]{1,512}$/,
          'must be a Secrets Manager secret name',
        ).optional(),
      })
      .prefault({}),
    /** The SQS queue that feeds on-demand jobs (later chapters); the handlers may send to it. */
    jobQueueUrl: matching(
      /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/,
      'must be an SQS queue URL, e.g. https://sqs.ap-northeast-1.amazonaws.com/123456789012/jobs',
    ).optional(),
    handlers: z
      .strictObject({
        memorySize: z.number().int().min(128).max(10240).default(128),
        ephemeralStorageSize: z.number().int().min(512).max(10240).default(512),
        timeoutSeconds: z.number().int().min(1).max(900).default(900),
        /** Defaults to on, and to off for ephemeral stages. */
        vpcAttached: z.boolean().optional(),
      })
      .prefault({}),
    /** Create the queue the pipeline's post-deploy smoke step reads notifications from. */
    smokeTest: z.boolean().default(false),
    /** Fargate job definitions of the stage's own, which `npm run submit` submits (docs/jobs.md). */
    jobs,
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
export type SnsEndpointMode = z.output<typeof snsEndpoint>;
