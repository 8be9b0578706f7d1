/**
 * How a pipeline step reaches a stage's stack in the stage's account: it assumes that account's CDK
 * bootstrap deploy role (which trusts the pipeline account through `cdk bootstrap --trust`) with an
 * inline session policy. A session policy intersects with the role's own permissions, so the session
 * may do only what the step names, on only that stack, however much the role itself may do.
 */
import { assumeRole } from '../script-support';

/** A stage's stack and the role that reaches it, as the pipeline step passes them. */
export interface StageTarget {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
  /** The target account's CDK bootstrap deploy role. */
  readonly roleArn: string;
}

/** The variables every step that reaches a stage's stack sets. */
export const STAGE_TARGET_VARIABLES = [
  'STACK_NAME',
  'STACK_ACCOUNT',
  'STACK_REGION',
  'DEPLOY_ROLE_ARN',
] as const;

type StageTargetVariables = Readonly<Record<(typeof STAGE_TARGET_VARIABLES)[number], string>>;

const ROLE_ARN = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const STACK_NAME = /^[A-Za-z][-A-Za-z0-9]{0,127}$/;
const NOT_A_ROLE = 'is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)';

export function partitionOf(roleArn: string): string {
  const match = ROLE_ARN.exec(roleArn);
  if (!match?.[1]) throw new Error(`'${roleArn}' ${NOT_A_ROLE}`);
  return match[1];
}

export function stageTargetProblems(values: StageTargetVariables): string[] {
  const problems: string[] = [];
  if (!STACK_NAME.test(values.STACK_NAME)) {
    problems.push(`STACK_NAME '${values.STACK_NAME}' is not a CloudFormation stack name`);
  }
  if (!ACCOUNT.test(values.STACK_ACCOUNT)) {
    problems.push(`STACK_ACCOUNT '${values.STACK_ACCOUNT}' is not a 12-digit account id`);
  }
  if (!REGION.test(values.STACK_REGION)) {
    problems.push(`STACK_REGION '${values.STACK_REGION}' is not a region code such as ap-northeast-1`);
  }
  const role = ROLE_ARN.exec(values.DEPLOY_ROLE_ARN);
  if (!role) {
    problems.push(`DEPLOY_ROLE_ARN '${values.DEPLOY_ROLE_ARN}' ${NOT_A_ROLE}`);
  } else if (ACCOUNT.test(values.STACK_ACCOUNT) && role[2] !== values.STACK_ACCOUNT) {
    problems.push(
      `DEPLOY_ROLE_ARN is in account ${role[2]}, not in STACK_ACCOUNT ${values.STACK_ACCOUNT} (use that account's bootstrap deploy role)`,
    );
  }
  return problems;
}

/** The target the variables name; check them with `stageTargetProblems` first. */
export function stageTarget(values: StageTargetVariables): StageTarget {
  return {
    stackName: values.STACK_NAME,
    account: values.STACK_ACCOUNT,
    region: values.STACK_REGION,
    roleArn: values.DEPLOY_ROLE_ARN,
    partition: partitionOf(values.DEPLOY_ROLE_ARN),
  };
}

/**
 * Credentials of a 15-minute session of the target's deploy role that may do `actions` on the
 * target's stack (any stack of that name: stack ARNs end in a generated id) and nothing else.
 */
export function stageCredentials(
  target: StageTarget,
  sessionName: string,
  actions: readonly string[],
): ReturnType<typeof assumeRole> {
  const { partition, region, account, stackName } = target;
  const stacks = `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/*`;
  return assumeRole({
    roleArn: target.roleArn,
    sessionName,
    region,
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: stacks }] },
    durationSeconds: 900,
  });
}
