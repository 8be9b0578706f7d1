/**
 * Physical names, as the original design names things: `<app>-<stage>-<Name>`. Only resources that
 * people or other systems look up by name get one; everything else keeps the name CloudFormation
 * generates, so that a replacement never collides with the resource it replaces.
 */

/** The longest name each service accepts for the resources this project names. */
export const NAME_LIMITS = {
  lambdaFunction: 64,
  iamRole: 64,
  cloudFormationStack: 128,
  s3Bucket: 63,
  codePipeline: 100,
  snsDisplayName: 100,
  iamPolicy: 128,
  chatbotConfiguration: 128,
  scheduleGroup: 64,
} as const;

export type NamedResource = keyof typeof NAME_LIMITS;

/** A physical name the app gives, and the service whose rules apply to it. */
export interface GivenName {
  readonly name: string;
  readonly resource: NamedResource;
  /** What bears the name, when the name alone does not say, e.g. `the pipeline's source bucket`. */
  readonly what?: string;
}

export function physicalName(appName: string, stageName: string, name: string): string {
  return `${appName}-${stageName}-${name}`;
}

/** The display name of a stage's topic: the sender people see on e-mail and SMS notifications. */
export function topicDisplayName(appName: string, stageName: string): string {
  return `${appName} ${stageName} batch jobs`;
}

/**
 * The resources a JobBase stage names, each with the service whose limit applies: the stack, stage
 * and integration scenario take their names from here, and `nameProblems` checks them all.
 */
export function stageResourceNames(appName: string, stageName: string) {
  const named = (suffix: string, resource: NamedResource): GivenName => ({
    name: physicalName(appName, stageName, suffix),
    resource,
  });
  return {
    successHandler: named('BatchSuccessHandler', 'lambdaFunction'),
    errorHandler: named('BatchErrorHandler', 'lambdaFunction'),
    stuckHandler: named('BatchStuckHandler', 'lambdaFunction'),
    stuckJobChecks: named('StuckJobChecks', 'scheduleGroup'),
    slack: named('Slack', 'chatbotConfiguration'),
    handlerRole: named('BatchLambdaRole', 'iamRole'),
    smokeTestRole: named('SmokeTestRole', 'iamRole'),
    stack: named('JobBase', 'cloudFormationStack'),
  } as const;
}

export type StageResourceNames = ReturnType<typeof stageResourceNames>;

/** Every name a stage gives. */
export function stageGivenNames(appName: string, stageName: string): GivenName[] {
  return [
    ...Object.values(stageResourceNames(appName, stageName)),
    { name: topicDisplayName(appName, stageName), resource: 'snsDisplayName' },
  ];
}

/** The problems with the names a stage would give, one message each (empty when all fit). */
export function nameProblems(appName: string, stageName: string): string[] {
  return givenNameProblems(stageGivenNames(appName, stageName), 'appName or the stage name');
}

/**
 * S3 reserves these prefixes and suffixes of bucket names (General purpose bucket naming rules).
 * The app name's own rule (lowercase letters, digits, single hyphens) keeps the rest of them.
 */
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/**
 * What is wrong with each name, one message per problem, saying which settings to shorten or change
 * (`shorten`, e.g. `appName`) and by how much. Empty when every name is valid.
 */
export function givenNameProblems(names: readonly GivenName[], shorten: string): string[] {
  return names.flatMap(({ name, resource, what }) => {
    const limit = NAME_LIMITS[resource];
    const named = `the ${resource} name '${name}'${what ? ` (${what})` : ''}`;
    const problems =
      name.length > limit
        ? [
            `${named} is ${name.length} characters, over the limit of ${limit}: ` +
              `shorten ${shorten} by ${name.length - limit}`,
          ]
        : [];
    if (resource === 's3Bucket') {
      const reserved = [
        ...RESERVED_BUCKET_PREFIXES.filter((p) => name.startsWith(p)).map((p) => `starts with '${p}'`),
        ...RESERVED_BUCKET_SUFFIXES.filter((x) => name.endsWith(x)).map((x) => `ends with '${x}'`),
      ];
      for (const rule of reserved) problems.push(`${named} ${rule}, which S3 reserves: change ${shorten}`);
    }
    return problems;
  });
}

/** The role a stage's smoke test runs as; named, so the pipeline can be allowed to assume it. */
export function smokeTestRoleArn(
  appName: string,
  stageName: string,
  account: string,
  partition = 'aws',
): string {
  return `arn:${partition}:iam::${account}:role/${physicalName(appName, stageName, 'SmokeTestRole')}`;
}

/** The names through which the merge workflow reaches the pipeline. */
export interface PipelineNames {
  readonly stackName: string;
  readonly pipelineName: string;
  /** Globally unique, hence the account and region. */
  readonly sourceBucketName: string;
  /** The cloud assembly CI tested (`npm run pack`), one object version per merge. */
  readonly sourceObjectKey: string;
  /** The source action, whose revision a pipeline start pins (`--source-revisions actionName=...`). */
  readonly sourceActionName: string;
  /** The sender's name of the approval e-mails. */
  readonly approvalTopicDisplayName: string;
}

export function pipelineNames(appName: string, account: string, region: string): PipelineNames {
  return {
    stackName: `${appName}-Pipeline`,
    pipelineName: `${appName}-pipeline`,
    sourceBucketName: `${appName}-pipeline-source-${account}-${region}`,
    sourceObjectKey: 'cloud-assembly.zip',
    sourceActionName: 'Source',
    approvalTopicDisplayName: `${appName} pipeline approvals`,
  };
}

/** The preview account's bootstrap policies (`PreviewBootstrapStack`), which `cdk bootstrap` names. */
export interface PreviewBootstrapNames {
  readonly stackName: string;
  readonly executionPolicyName: string;
  readonly boundaryName: string;
}

export function previewBootstrapNames(appName: string): PreviewBootstrapNames {
  return {
    stackName: `${appName}-PreviewBootstrap`,
    executionPolicyName: `${appName}-preview-cfn-execution`,
    boundaryName: `${appName}-preview-boundary`,
  };
}

/**
 * Every name the pipeline stack gives, and the names CDK derives from them: a support stack for each
 * stage region other than the pipeline's.
 */
export function pipelineGivenNames(
  appName: string,
  account: string,
  region: string,
  stageRegions: readonly string[],
): GivenName[] {
  const names = pipelineNames(appName, account, region);
  const supportRegions = [...new Set(stageRegions)].filter((r) => r !== region);
  return [
    { name: names.stackName, resource: 'cloudFormationStack' },
    { name: names.pipelineName, resource: 'codePipeline' },
    { name: names.sourceBucketName, resource: 's3Bucket', what: "the pipeline's source bucket" },
    {
      name: names.approvalTopicDisplayName,
      resource: 'snsDisplayName',
      what: "the approval topic's display name",
    },
    // aws-codepipeline names each cross-region support stack `<pipeline stack>-support-<region>`.
    ...supportRegions.map(
      (r) => ({ name: `${names.stackName}-support-${r}`, resource: 'cloudFormationStack' }) as const,
    ),
  ];
}

/** The names of the preview account's bootstrap stack and policies. */
export function previewBootstrapGivenNames(appName: string): GivenName[] {
  const names = previewBootstrapNames(appName);
  return [
    { name: names.stackName, resource: 'cloudFormationStack' },
    { name: names.executionPolicyName, resource: 'iamPolicy' },
    { name: names.boundaryName, resource: 'iamPolicy' },
  ];
}
