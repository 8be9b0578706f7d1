import { createHash } from 'node:crypto';

/** Stage names: lowercase letters, digits and single hyphens, starting with a letter. */
export const STAGE_NAME_PATTERN = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/;
export const STAGE_NAME_MAX_LENGTH = 24;
/**
 * Name prefixes reserved for throw-away preview stages: `pr-<number>` per pull request (swept when the
 * pull request is closed) and `br-<branch>` per branch (destroyed when the branch is deleted). Configured stages may not
 * use them, so that no preview can ever deploy over, or destroy, a long-lived stage.
 */
export const PULL_REQUEST_PREFIX = 'pr-';
export const BRANCH_PREFIX = 'br-';
export const PREVIEW_PREFIXES = [PULL_REQUEST_PREFIX, BRANCH_PREFIX] as const;

export function isPreviewStageName(name: string): boolean {
  return PREVIEW_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Why a stage name is not valid, or undefined when it is. */
export function stageNameProblem(name: string): string | undefined {
  if (name.length > STAGE_NAME_MAX_LENGTH) {
    return `'${name}' is ${name.length} characters, over the limit of ${STAGE_NAME_MAX_LENGTH}`;
  }
  if (!STAGE_NAME_PATTERN.test(name)) {
    return (
      `'${name}' is not a valid stage name: use lowercase letters, digits and single hyphens, ` +
      `starting with a letter and not ending with a hyphen (for a branch, '${safeSuggestion(name)}')`
    );
  }
  return undefined;
}

/** The length of the hash a branch stage name carries when the branch name alone would not do. */
export const BRANCH_HASH_LENGTH = 6;
const HASHED_SUFFIX = new RegExp(`-[0-9a-f]{${BRANCH_HASH_LENGTH}}$`);

/**
 * The preview stage name for a git branch, by the rules the app validates: `br-`, then the branch
 * lowercased with every run of other characters turned into one hyphen. Whenever that changed the
 * branch name (`feature/x`, `Fix_1`), or it would be too long, a short hash of the exact branch name
 * follows, so that distinct branches never share a stage (`feature/x` and `feature-x` differ) and the
 * same branch always gets the same one. A branch name that itself ends like a hash gets one too, so
 * that no branch can take the name another branch hashes to.
 */
export function stageNameFromBranch(branch: string): string {
  const exact = branch.replace(/^refs\/heads\//, '');
  const slug = exact
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') throw new Error(`branch '${branch}' has no letters or digits to name a stage after`);
  const name = `${BRANCH_PREFIX}${slug}`;
  if (slug === exact && !HASHED_SUFFIX.test(slug) && name.length <= STAGE_NAME_MAX_LENGTH) return name;
  const hash = createHash('sha256').update(exact).digest('hex').slice(0, BRANCH_HASH_LENGTH);
  const head = name.slice(0, STAGE_NAME_MAX_LENGTH - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** The preview stage name for a pull request number. */
export function stageNameFromPullRequest(pullRequestNumber: number): string {
  if (!Number.isInteger(pullRequestNumber) || pullRequestNumber < 1) {
    throw new Error(`pull request number must be a positive integer, got '${pullRequestNumber}'`);
  }
  return `${PULL_REQUEST_PREFIX}${pullRequestNumber}`;
}

function safeSuggestion(name: string): string {
  try {
    return stageNameFromBranch(name);
  } catch {
    return 'dev';
  }
}
