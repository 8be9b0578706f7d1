import fc from 'fast-check';
import {
  STAGE_NAME_MAX_LENGTH,
  isPreviewStageName,
  stageNameFromBranch,
  stageNameFromPullRequest,
  stageNameProblem,
} from '../../../infra/config/stage-name';

describe('stageNameFromBranch', () => {
  test.each([
    // Already a valid name: the branch alone.
    ['feature-x', /^br-feature-x$/],
    ['refs/heads/42-hotfix', /^br-42-hotfix$/],
    // Sanitised, or ending like a hash: a hash of the exact name follows.
    ['feature/Login', /^br-feature-login-[0-9a-f]{6}$/],
    ['refs/heads/fix_42', /^br-fix-42-[0-9a-f]{6}$/],
    ['--Weird//Name--', /^br-weird-name-[0-9a-f]{6}$/],
    ['fix-c0ffee', /^br-fix-c0ffee-[0-9a-f]{6}$/],
  ])('names branch %p %p', (branch, stage) => {
    expect(stageNameFromBranch(branch)).toMatch(stage);
  });

  test('keeps apart branches that sanitise to the same name, and ignores refs/heads/', () => {
    const branches = ['feature/x', 'feature-x', 'feature_x', 'Feature/X', 'feature//x'];
    expect(new Set(branches.map(stageNameFromBranch)).size).toBe(branches.length);
    expect(stageNameFromBranch('refs/heads/feature/x')).toBe(stageNameFromBranch('feature/x'));
  });

  test('never gives two distinct branches one name (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }).filter((s) => /[A-Za-z0-9]/.test(s)),
        fc.string({ minLength: 1, maxLength: 30 }).filter((s) => /[A-Za-z0-9]/.test(s)),
        (a, b) => a === b || stageNameFromBranch(a) !== stageNameFromBranch(b),
      ),
    );
  });

  test('cuts long branches to the limit with a hash that keeps them apart', () => {
    const a = stageNameFromBranch('feature/a-very-long-branch-name-one');
    const b = stageNameFromBranch('feature/a-very-long-branch-name-two');
    expect(a).toHaveLength(STAGE_NAME_MAX_LENGTH);
    expect(a).toMatch(/^br-feature-a-very-[0-9a-f]{6}$/);
    expect(a).not.toBe(b);
  });

  test('always gives a valid preview stage name', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }).filter((s) => /[A-Za-z0-9]/.test(s)),
        (branch) => {
          const name = stageNameFromBranch(branch)!;
          return stageNameProblem(name) === undefined && isPreviewStageName(name);
        },
      ),
    );
  });

  test.each(['///', '機能', '_'])('names no stage after %p, which has no ASCII letter or digit', (branch) => {
    expect(stageNameFromBranch(branch)).toBeUndefined();
  });
});

describe('stageNameFromPullRequest', () => {
  test('names the stage after the pull request', () => {
    expect(stageNameFromPullRequest(42)).toBe('pr-42');
  });

  test.each([0, -1, 1.5])('fails on pull request number %p', (n) => {
    expect(() => stageNameFromPullRequest(n)).toThrow(/must be a positive integer/);
  });
});

describe('stageNameProblem', () => {
  test.each(['dev', 'prod', 'pr-42', 'a1-b2'])('accepts %p', (name) => {
    expect(stageNameProblem(name)).toBeUndefined();
  });

  test.each<[string, RegExp]>([
    ...['Dev', '1dev', 'dev-', 'de--v', 'dev_1', ''].map((name): [string, RegExp] => [
      name,
      /is not a valid stage name/,
    ]),
    ['a'.repeat(STAGE_NAME_MAX_LENGTH + 1), /over the limit of 24/],
  ])('fails on %p', (name, problem) => {
    expect(stageNameProblem(name)).toMatch(problem);
  });
});
