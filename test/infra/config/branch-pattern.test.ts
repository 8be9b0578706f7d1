import { isPreviewBranch, matchesBranchPattern } from '../../../infra/config/branch-pattern';

describe('matchesBranchPattern', () => {
  test.each([
    ['preview/**', 'preview/a/b', true],
    ['preview/*', 'preview/a', true],
    ['preview/*', 'preview/a/b', false],
    ['preview/**', 'previews/a', false],
    ['release-*', 'release-1.2', true],
    ['a.b', 'axb', false],
  ])('%p against %p is %p', (pattern, branch, expected) => {
    expect(matchesBranchPattern(pattern, branch)).toBe(expected);
  });
});

test('a branch gets a preview when any pattern matches it', () => {
  expect(isPreviewBranch(['release-*', 'preview/**'], 'preview/a/b')).toBe(true);
  expect(isPreviewBranch(['release-*'], 'preview/a')).toBe(false);
});
