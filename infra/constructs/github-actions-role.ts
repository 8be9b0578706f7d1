import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Condition keys of a GitHub Actions OIDC token, as IAM names them: `<issuer host>:<claim>`. */
export interface GithubTokenClaims {
  readonly audience: string;
  readonly subject: string;
}

export interface GithubActionsRoleProps {
  /** The account's OIDC provider for GitHub Actions. */
  readonly provider: iam.IOIDCProviderRef;
  /** The provider's issuer host, e.g. `token.actions.githubusercontent.com`. */
  readonly issuerHost: string;
  /** The audience the workflows request, e.g. `sts.amazonaws.com`. */
  readonly audience: string;
  /**
   * The `sub` claims that may assume the role. Matched exactly (`StringEquals`), unless one holds a
   * `*` or `?`, when all are matched as patterns (`StringLike`).
   */
  readonly subjects: readonly string[];
  /** @default - a name CloudFormation generates */
  readonly roleName?: string;
  readonly description: string;
  /**
   * How long a session lasts at most: between 1 and 12 hours.
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
}

/**
 * A role that GitHub Actions jobs assume with their OIDC token (`sts:AssumeRoleWithWebIdentity`), and
 * only jobs whose token carries the given audience and one of the given subjects.
 */
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

/** The trust policy's conditions: the audience exactly, and the subjects exactly or as patterns. */
export function trustConditions(
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
