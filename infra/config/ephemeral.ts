import { BRANCH_PREFIX, PULL_REQUEST_PREFIX, stageNameFromBranch } from './stage-name';

/**
 * Where an ephemeral stack came from, as stack tags, which CloudFormation copies to every resource:
 * the destroy and the sweep find a stage's stacks by them, never by synthesizing the code checked out.
 */

export type EphemeralKind = 'pr' | 'branch' | 'integ';

export const EPHEMERAL_TAGS = {
  kind: 'ephemeral:kind',
  stage: 'ephemeral:stage',
  pullRequest: 'ephemeral:pull-request',
  branch: 'ephemeral:branch',
  repository: 'ephemeral:repository',
  run: 'ephemeral:run',
  createdAt: 'ephemeral:created-at',
  keepUntil: 'ephemeral:keep-until',
} as const;

/**
 * The tag `npm run clean-roles` puts on a role before it deletes it: the preview boundary denies every
 * change to a role that carries it, so no preview can attach a policy while the boundary comes off.
 */
export const RETIRING_ROLE_TAG = 'ephemeral:retiring';

/** The stage and app names of the integration-test scenario's stacks (`integ/job-base-scenario.ts`). */
export const INTEG_STAGE_NAME = 'integ';
export const INTEG_APP_NAME = 'jobs';

/** What only the deploy knows (the preview workflow sets it); absent, synthesis stays deterministic. */
export const PROVENANCE_VARIABLES = {
  branch: 'EPHEMERAL_BRANCH',
  run: 'EPHEMERAL_RUN',
  createdAt: 'EPHEMERAL_CREATED_AT',
  keepUntil: 'EPHEMERAL_KEEP_UNTIL',
} as const;

export type Provenance = Partial<Record<keyof typeof PROVENANCE_VARIABLES, string>>;

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const RUN_URL = /^https:\/\/[\w.-]+\/[\w.-]+\/[\w.-]+\/actions\/runs\/\d+(\/attempts\/\d+)?$/;

export function provenanceFromEnv(env: NodeJS.ProcessEnv): { provenance: Provenance; problems: string[] } {
  const provenance: Provenance = {};
  const problems: string[] = [];
  const check = (key: keyof Provenance, pattern: RegExp | undefined, example: string): void => {
    const name = PROVENANCE_VARIABLES[key];
    const value = env[name];
    if (value === undefined || value === '') return;
    if (pattern && !pattern.test(value)) problems.push(`${name}: '${value}' is not ${example}`);
    else provenance[key] = value;
  };
  check('branch', undefined, '');
  check('run', RUN_URL, 'a workflow run URL, e.g. https://github.com/o/r/actions/runs/1');
  check('createdAt', TIMESTAMP, 'a UTC time such as 2026-07-01T09:30:00Z');
  check('keepUntil', DAY, 'a day such as 2026-08-01');
  return { provenance, problems };
}

/** The kind of ephemeral stage a stage name is, or undefined for a configured stage. */
export function ephemeralKindOf(stage: string): EphemeralKind | undefined {
  if (stage.startsWith(PULL_REQUEST_PREFIX)) return 'pr';
  if (stage.startsWith(BRANCH_PREFIX)) return 'branch';
  if (stage === INTEG_STAGE_NAME) return 'integ';
  return undefined;
}

/** The stack tags of an ephemeral stage (`repository`: `owner/name`); throws if the provenance is wrong. */
export function ephemeralTags({
  stage,
  repository,
  provenance = {},
}: {
  stage: string;
  repository: string;
  provenance?: Provenance;
}): Record<string, string> {
  const kind = ephemeralKindOf(stage);
  if (!kind) throw new Error(`'${stage}' is not an ephemeral stage (pr-<number>, br-<branch> or integ)`);
  const tags: Record<string, string> = {
    [EPHEMERAL_TAGS.kind]: kind,
    [EPHEMERAL_TAGS.stage]: stage,
    [EPHEMERAL_TAGS.repository]: encodeTagValue(repository),
  };
  if (kind === 'pr') tags[EPHEMERAL_TAGS.pullRequest] = stage.slice(PULL_REQUEST_PREFIX.length);
  if (provenance.branch !== undefined) {
    if (kind !== 'branch')
      throw new Error(`${PROVENANCE_VARIABLES.branch} is set, but '${stage}' is no branch stage`);
    const named = stageNameFromBranch(provenance.branch);
    if (named !== stage) {
      throw new Error(
        `${PROVENANCE_VARIABLES.branch} '${provenance.branch}' names stage '${named}', not '${stage}'`,
      );
    }
    tags[EPHEMERAL_TAGS.branch] = encodeTagValue(provenance.branch);
  }
  if (provenance.run) tags[EPHEMERAL_TAGS.run] = provenance.run;
  if (provenance.createdAt) tags[EPHEMERAL_TAGS.createdAt] = provenance.createdAt;
  if (provenance.keepUntil) tags[EPHEMERAL_TAGS.keepUntil] = provenance.keepUntil;
  return tags;
}

/** Tag values hold letters, digits, spaces and `_.:/=+-@` only; others (and `+`) become `+XX` per byte. */
export function encodeTagValue(value: string): string {
  return [...value]
    .map((c) =>
      /^[\p{L}\p{Z}\p{N}_.:/=@-]$/u.test(c)
        ? c
        : [...Buffer.from(c, 'utf8')]
            .map((b) => `+${b.toString(16).toUpperCase().padStart(2, '0')}`)
            .join(''),
    )
    .join('');
}

export function decodeTagValue(value: string): string {
  const bytes = (run: string): number[] =>
    run
      .slice(1)
      .split('+')
      .map((hex) => parseInt(hex, 16));
  return value.replace(/(?:\+[0-9A-F]{2})+/g, (run) => Buffer.from(bytes(run)).toString('utf8'));
}
