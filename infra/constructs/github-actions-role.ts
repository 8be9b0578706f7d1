import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface GithubActionsRoleProps {
  readonly provider: iam.IOIDCProviderRef;
  /** e.g. `token.actions.githubusercontent.com` */
  readonly issuerHost: string;
  readonly audience: string;
  /** Matched exactly, unless one holds a `*` or `?`: then all as patterns (`StringLike`). */
  readonly subjects: readonly string[];
  /** @default - a name CloudFormation generates */
  readonly roleName?: string;
  readonly description: string;
  /** Between 1 and 12 hours. @default Duration.hours(1) */
  readonly maxSessionDuration?: Duration;
}

/** A role only GitHub Actions jobs whose OIDC token carries the audience and a subject assume. */
export class GithubActionsRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: GithubActionsRoleProps) {
    super(scope, id);
    const maxSessionDuration = props.maxSessionDuration ?? Duration.hours(1);
    validate(props, maxSessionDuration);
    this.role = new iam.Role(this, 'Resource', {
      roleName: props.roleName,
      description: props.description,
      maxSessionDuration,
      assumedBy: new iam.OpenIdConnectPrincipal(props.provider, trustConditions(props)),
    });
  }
}

function trustConditions(
  props: Pick<GithubActionsRoleProps, 'issuerHost' | 'audience' | 'subjects'>,
): iam.Conditions {
  const key = (claim: keyof typeof CLAIMS): string => `${props.issuerHost}:${CLAIMS[claim]}`;
  const subjects = props.subjects.length === 1 ? props.subjects[0] : [...props.subjects];
  if (props.subjects.some(isPattern)) {
    return {
      StringEquals: { [key('audience')]: props.audience },
      StringLike: { [key('subject')]: subjects },
    };
  }
  return { StringEquals: { [key('audience')]: props.audience, [key('subject')]: subjects } };
}

const CLAIMS = { audience: 'aud', subject: 'sub' } as const;

function isPattern(subject: string): boolean {
  return /[*?]/.test(subject);
}

function validate(props: GithubActionsRoleProps, maxSessionDuration: Duration): void {
  const problems: string[] = [];
  if (props.subjects.length === 0) {
    problems.push('subjects: list at least one subject, e.g. repo:OWNER/REPO:ref:refs/heads/main');
  }
  for (const subject of props.subjects) {
    if (Token.isUnresolved(subject)) continue;
    if (!/^repo:[^:/]+\/[^:/]+:.+$/.test(subject)) {
      problems.push(`subjects: '${subject}' is not a GitHub subject (repo:OWNER/REPO:...)`);
    } else if (/^repo:[^:]*[*?]/.test(subject)) {
      problems.push(
        `subjects: '${subject}' has a wildcard in the repository, which would trust other repositories`,
      );
    }
  }
  const seconds = maxSessionDuration.toSeconds();
  if (!Token.isUnresolved(seconds) && (seconds < 3600 || seconds > 43200)) {
    problems.push(`maxSessionDuration: must be between 1 and 12 hours, got ${seconds} seconds`);
  }
  if (problems.length > 0) throw new Error(`GithubActionsRole: ${problems.join('; ')}`);
}
