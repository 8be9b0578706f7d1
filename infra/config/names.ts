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
} as const;

export type NamedResource = keyof typeof NAME_LIMITS;

/** Every name a JobBase stage gives, with the service whose limit applies. */
export const STAGE_NAMES: ReadonlyArray<readonly [string, NamedResource]> = [
  ['BatchSuccessHandler', 'lambdaFunction'],
  ['BatchErrorHandler', 'lambdaFunction'],
  ['BatchLambdaRole', 'iamRole'],
  ['SmokeTestRole', 'iamRole'],
  ['JobBase', 'cloudFormationStack'],
];

export function physicalName(appName: string, stageName: string, name: string): string {
  return `${appName}-${stageName}-${name}`;
}

/** The problems with the names a stage would give, one message each (empty when all fit). */
export function nameProblems(appName: string, stageName: string): string[] {
  return STAGE_NAMES.flatMap(([name, resource]) => {
    const full = physicalName(appName, stageName, name);
    const limit = NAME_LIMITS[resource];
    return full.length > limit
      ? [
          `the ${resource} name '${full}' is ${full.length} characters, over the limit of ${limit}: ` +
            `shorten the app name or the stage name by ${full.length - limit}`,
        ]
      : [];
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
}

export function pipelineNames(appName: string, account: string, region: string): PipelineNames {
  return {
    stackName: `${appName}-Pipeline`,
    pipelineName: `${appName}-pipeline`,
    sourceBucketName: `${appName}-pipeline-source-${account}-${region}`,
    sourceObjectKey: 'cloud-assembly.zip',
    sourceActionName: 'Source',
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
