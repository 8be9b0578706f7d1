/**
 * A small model of IAM's evaluation, for the statements the project writes: a request is allowed
 * when every policy set (the identity policies, the permissions boundary) has a statement that
 * allows it and no statement anywhere denies it. Supports Action and Resource with `*` and `?`
 * wildcards and the string conditions StringEquals, StringNotEquals, StringLike and StringNotLike;
 * anything else throws, so that a test never passes on a statement it cannot read.
 */

export interface IamStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  /** Condition keys in the request context, e.g. `iam:PermissionsBoundary`. */
  readonly context?: Readonly<Record<string, string>>;
}

const list = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? value : [value as T]);

function wildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

function conditionHolds(condition: IamStatement['Condition'], context: IamRequest['context'] = {}): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      const values = list(expected);
      switch (operator) {
        case 'StringEquals':
          return actual !== undefined && values.includes(actual);
        case 'StringNotEquals':
          return actual === undefined || !values.includes(actual);
        case 'StringLike':
          return actual !== undefined && values.some((v) => wildcard(v, actual));
        case 'StringNotLike':
          return actual === undefined || !values.some((v) => wildcard(v, actual));
        default:
          throw new Error(`iam-evaluation: condition operator ${operator} is not modelled`);
      }
    }),
  );
}

function matches(statement: IamStatement, request: IamRequest): boolean {
  return (
    list(statement.Action).some((a) => wildcard(a, request.action, true)) &&
    list(statement.Resource).some((r) => wildcard(r, request.resource)) &&
    conditionHolds(statement.Condition, request.context)
  );
}

/** Whether IAM allows the request, given each policy set that must allow it (identity, boundary). */
export function isAllowed(
  request: IamRequest,
  ...policySets: ReadonlyArray<readonly IamStatement[]>
): boolean {
  const all = policySets.flat();
  if (all.some((s) => s.Effect === 'Deny' && matches(s, request))) return false;
  return policySets.every((set) => set.some((s) => s.Effect === 'Allow' && matches(s, request)));
}
