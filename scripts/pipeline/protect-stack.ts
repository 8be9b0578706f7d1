/**
 * The step after a production stage's change set executes: turn on the stack's termination
 * protection, then fail unless CloudFormation reports it on. Running it again on a protected stack
 * succeeds.
 *
 * Environment (set by the pipeline step): STACK_NAME, STACK_ACCOUNT, STACK_REGION, DEPLOY_ROLE_ARN
 * (the stage account's CDK bootstrap deploy role).
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { requireVariables, runAsMain, throwProblems } from '../script-support';
import {
  STAGE_TARGET_VARIABLES,
  stageCredentials,
  stageTarget,
  stageTargetProblems,
  type StageTarget,
} from './stage-session';

const SCRIPT = 'protect stack';

export function readSettings(env: NodeJS.ProcessEnv): StageTarget {
  const values = requireVariables(env, STAGE_TARGET_VARIABLES, {
    script: SCRIPT,
    source: 'the pipeline step sets them',
  });
  throwProblems(SCRIPT, stageTargetProblems(values));
  return stageTarget(values);
}

export function createClients(settings: StageTarget) {
  const credentials = stageCredentials(settings, `protect-stack-${settings.stackName}`, [
    'cloudformation:UpdateTerminationProtection',
    'cloudformation:DescribeStacks',
  ]);
  return { cloudFormation: new CloudFormationClient({ region: settings.region, credentials }) };
}

/** Turns on termination protection; resolves with the stack's id once CloudFormation reports it on. */
export async function runProtectStack(
  settings: StageTarget,
  clients: ReturnType<typeof createClients>,
  log: (line: string) => void = console.log,
): Promise<string> {
  const { stackName, account, region } = settings;
  await clients.cloudFormation.send(
    new UpdateTerminationProtectionCommand({ StackName: stackName, EnableTerminationProtection: true }),
  );
  const described = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = described.Stacks?.[0];
  if (stack?.EnableTerminationProtection !== true) {
    const where = `stack ${stackName} in ${account} ${region}`;
    const state = !stack
      ? `no ${where}`
      : stack.EnableTerminationProtection === false
        ? `termination protection off for ${where}`
        : `no termination protection setting for ${where}`;
    throw new Error(`${SCRIPT}: after UpdateTerminationProtection, DescribeStacks reports ${state}`);
  }
  const stackId = stack.StackId ?? stackName;
  log(`termination protection is on for stack ${stackName} in ${account} ${region} (${stackId})`);
  return stackId;
}

if (require.main === module) {
  runAsMain(SCRIPT, async () => {
    const settings = readSettings(process.env);
    await runProtectStack(settings, createClients(settings));
  });
}
