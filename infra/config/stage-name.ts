import { createHash } from 'node:crypto';

const STAGE_NAME_PATTERN = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/;
export const STAGE_NAME_MAX_LENGTH = 24;
/** Reserved for preview stages, so that no preview can deploy over, or destroy, a configured stage. */
export const PULL_REQUEST_PREFIX = 'pr-';
export const BRANCH_PREFIX = 'br-';

export function isPreviewStageName(name: string): boolean {
  return [PULL_REQUEST_PREFIX, BRANCH_PREFIX].some((prefix) => name.startsWith(prefix));
}

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

const BRANCH_HASH_LENGTH = 6;
const HASHED_SUFFIX = new RegExp(`-[0-9a-f]{${BRANCH_HASH_LENGTH}}$`);

/**
 * `br-` and the branch lowercased, other characters turned into hyphens; whenever that changed it, or
 * it is too long or ends like a hash, a hash of the exact branch follows, so that branches never share.
 * Undefined for a branch with no ASCII letter or digit (`機能`, `_`): it names no stage, and every
 * caller says so rather than fail.
 */
export function stageNameFromBranch(branch: string): string | undefined {
  const exact = branch.replace(/^refs\/heads\//, '');
  const slug = exact
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') return undefined;
  const name = `${BRANCH_PREFIX}${slug}`;
  if (slug === exact && !HASHED_SUFFIX.test(slug) && name.length <= STAGE_NAME_MAX_LENGTH) return name;
  const hash = createHash('sha256').update(exact).digest('hex').slice(0, BRANCH_HASH_LENGTH);
  const head = name.slice(0, STAGE_NAME_MAX_LENGTH - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

export function stageNameFromPullRequest(pullRequestNumber: number): string {
  if (!Number.isInteger(pullRequestNumber) || pullRequestNumber < 1) {
    throw new Error(`pull request number must be a positive integer, got '${pullRequestNumber}'`);
  }
  return `${PULL_REQUEST_PREFIX}${pullRequestNumber}`;
}

function safeSuggestion(name: string): string {
  return stageNameFromBranch(name) ?? 'dev';
}
