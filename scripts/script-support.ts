import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';

// What every script does the same way: read its environment once, report every problem with it at
// once, and end with a one-line reason when it fails (CodeBuild shows the last line).

/** The variables' values; one error naming every one that is missing or empty, and who sets them. */
export function requireVariables<const Name extends string>(
  env: NodeJS.ProcessEnv,
  names: readonly Name[],
  context: { readonly script: string; readonly source: string },
): Record<Name, string> {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(`${context.script}: set ${missing.join(', ')} (${context.source})`);
  }
  return Object.fromEntries(names.map((name) => [name, env[name]])) as Record<Name, string>;
}

export function throwProblems(script: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(`${script}: ${problems.join('; ')}`);
}

export function failureLine(script: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*[\r\n]+\s*/g, ' ');
  return message.startsWith(`${script}:`) ? message : `${script}: ${message}`;
}

/** Runs a script's body; on failure prints the reason on one line and sets a non-zero exit code. */
export function runAsMain(script: string, body: () => Promise<unknown>): void {
  const fail = (error: unknown): void => {
    console.error(failureLine(script, error));
    process.exitCode = 1;
  };
  try {
    body().catch(fail);
  } catch (error) {
    fail(error);
  }
}

/** A RoleSessionName STS accepts: invalid characters become '-', cut to 64 characters. */
export function roleSessionName(name: string): string {
  return name.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export interface AssumeRoleProps {
  readonly roleArn: string;
  readonly sessionName: string;
  /** The region of the STS endpoint. */
  readonly region: string;
  /** An inline session policy: the most the session may do. @default the role's own permissions */
  readonly policy?: object;
  /** @default 3600, the longest session a role assumed with another role's session may have */
  readonly durationSeconds?: number;
}

/** Credentials of a session of the role, assumed with the script's own; the provider renews it. */
export function assumeRole(props: AssumeRoleProps): ReturnType<typeof fromTemporaryCredentials> {
  return fromTemporaryCredentials({
    params: {
      RoleArn: props.roleArn,
      RoleSessionName: roleSessionName(props.sessionName),
      Policy: props.policy && JSON.stringify(props.policy),
      DurationSeconds: props.durationSeconds ?? 3600,
    },
    clientConfig: { region: props.region },
  });
}
