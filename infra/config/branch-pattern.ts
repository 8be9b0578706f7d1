/** GitHub's branch filters without `?`, `+`, `[]`, `!`, so that this matcher agrees with GitHub's. */
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

export function isPreviewBranch(patterns: readonly string[], branch: string): boolean {
  return patterns.some((pattern) => matchesBranchPattern(pattern, branch));
}
