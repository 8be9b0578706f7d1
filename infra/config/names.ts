/**
 * Physical names (`<app>-<stage>-<Name>`), only for what people or systems look up by name, so that a
 * replacement never collides with the resource it replaces. The limits are each service's longest.
 */
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
 * The names of a JobBase stage, which the stack, stage and integ scenario take and `nameProblems` checks.
 * The Slack configuration's name carries the workspace id: a new workspace replaces the configuration
 * (CloudFormation's createOnlyProperties), and a replacement under the same name fails as already existing.
 */
export function stageResourceNames(appName: string, stageName: string, slackWorkspaceId = '') {
  const named = (suffix: string, resource: NamedResource): GivenName => ({
    name: physicalName(appName, stageName, suffix),
    resource,
  });
  return {
    successHandler: named('BatchSuccessHandler', 'lambdaFunction'),
    errorHandler: named('BatchErrorHandler', 'lambdaFunction'),
    stuckHandler: named('BatchStuckHandler', 'lambdaFunction'),
    stuckJobChecks: named('StuckJobChecks', 'scheduleGroup'),
    slack: named(slackWorkspaceId ? `Slack-${slackWorkspaceId}` : 'Slack', 'chatbotConfiguration'),
    handlerRole: named('BatchLambdaRole', 'iamRole'),
    smokeTestRole: named('SmokeTestRole', 'iamRole'),
    stack: named('JobBase', 'cloudFormationStack'),
  } as const;
}

export type StageResourceNames = ReturnType<typeof stageResourceNames>;

export function stageGivenNames(appName: string, stageName: string, slackWorkspaceId?: string): GivenName[] {
  return [
    ...Object.values(stageResourceNames(appName, stageName, slackWorkspaceId)),
    { name: topicDisplayName(appName, stageName), resource: 'snsDisplayName' },
  ];
}

/** The problems with the names a stage would give, one message each (empty when all fit). */
export function nameProblems(appName: string, stageName: string, slackWorkspaceId?: string): string[] {
  return givenNameProblems(
    stageGivenNames(appName, stageName, slackWorkspaceId),
    'appName or the stage name',
  );
}

/** What S3 reserves (general purpose bucket naming rules); the app name's own rule keeps the rest. */
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** One message per problem, saying which settings (`shorten`, e.g. `appName`) to change and by how much. */
export function givenNameProblems(names: readonly GivenName[], shorten: string): string[] {
  return names.flatMap(({ name, resource, what }) => {
    const limit = NAME_LIMITS[resource];
    const named = `the ${resource} name '${name}'${what ? ` (${what})` : ''}`;
    const over = name.length - limit;
    const problems =
      over > 0
        ? [`${named} is ${name.length} characters, over the limit of ${limit}: shorten ${shorten} by ${over}`]
        : [];
    if (resource !== 's3Bucket') return problems;
    const reserved = [
      ...RESERVED_BUCKET_PREFIXES.filter((p) => name.startsWith(p)).map((p) => `starts with '${p}'`),
      ...RESERVED_BUCKET_SUFFIXES.filter((x) => name.endsWith(x)).map((x) => `ends with '${x}'`),
    ];
    return [...problems, ...reserved.map((rule) => `${named} ${rule}, which S3 reserves: change ${shorten}`)];
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
export function pipelineNames(appName: string, account: string, region: string) {
  return {
    stackName: `${appName}-Pipeline`,
    pipelineName: `${appName}-pipeline`,
    // Globally unique, hence the account and region.
    sourceBucketName: `${appName}-pipeline-source-${account}-${region}`,
    // The cloud assembly CI tested (`npm run pack`), one object version per merge.
    sourceObjectKey: 'cloud-assembly.zip',
    // A pipeline start pins this action's revision (`--source-revisions actionName=...`).
    sourceActionName: 'Source',
    approvalTopicDisplayName: `${appName} pipeline approvals`,
  };
}

export type PipelineNames = ReturnType<typeof pipelineNames>;

/** The preview account's bootstrap policies (`PreviewBootstrapStack`), which `cdk bootstrap` names. */
export function previewBootstrapNames(appName: string) {
  return {
    stackName: `${appName}-PreviewBootstrap`,
    executionPolicyName: `${appName}-preview-cfn-execution`,
    boundaryName: `${appName}-preview-boundary`,
  };
}

/** The pipeline stack's names, and the support stack CDK derives per other stage region. */
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

export function previewBootstrapGivenNames(appName: string): GivenName[] {
  const names = previewBootstrapNames(appName);
  return [
    { name: names.stackName, resource: 'cloudFormationStack' },
    { name: names.executionPolicyName, resource: 'iamPolicy' },
    { name: names.boundaryName, resource: 'iamPolicy' },
  ];
}
