/**
 * GitHub's branch filter patterns (`on.push.branches`), as far as `preview.branches` may use them:
 * `*` matches any run of characters but `/`, `**` any run of characters, every other character
 * itself. The configuration refuses the rest of the syntax (`?`, `+`, `[]`, `!`), so that this
 * matcher and GitHub's agree on every pattern it accepts.
 */
export const BRANCH_PATTERN = /^[A-Za-z0-9._/*-]+$/;

export function matchesBranchPattern(pattern: string, branch: string): boolean {
  const regex = pattern
    .split(/(\*\*|\*)/)
    .map((part) =>
      part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+^${}()|[\]\\?]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${regex}$`).test(branch);
}

/** Whether a push to the branch deploys a branch preview. */
export function isPreviewBranch(patterns: readonly string[], branch: string): boolean {
  return patterns.some((pattern) => matchesBranchPattern(pattern, branch));
}
