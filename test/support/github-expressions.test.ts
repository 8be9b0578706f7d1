import { evaluate, evaluateCondition, interpolate } from './github-expressions';

const CONTEXT = {
  github: {
    event_name: 'pull_request',
    ref: 'refs/pull/7/merge',
    event: { pull_request: { number: 7, labels: [{ name: 'integ' }, { name: 'docs' }] }, action: 'labeled' },
  },
  inputs: {},
};

describe('the expression evaluator the workflow tests use', () => {
  test('compares strings case-insensitively, as GitHub does', () => {
    expect(evaluate("github.event_name == 'PULL_REQUEST'", CONTEXT)).toBe(true);
    expect(evaluate("github.event_name != 'push'", CONTEXT)).toBe(true);
  });

  test('returns an operand from && and ||, and treats a missing property as null', () => {
    expect(evaluate("github.event_name == 'push' && 'a' || 'b'", CONTEXT)).toBe('b');
    expect(evaluate('github.event.pull_request.head.repo.full_name', CONTEXT)).toBeNull();
    expect(evaluate("!(github.event.label.name == 'integ')", CONTEXT)).toBe(true);
  });

  test('filters arrays with * and finds an item with contains()', () => {
    expect(evaluate("contains(github.event.pull_request.labels.*.name, 'INTEG')", CONTEXT)).toBe(true);
    expect(evaluate("contains(github.event.pull_request.labels.*.name, 'bug')", CONTEXT)).toBe(false);
  });

  test('reads ${{ }} conditions and interpolates strings', () => {
    expect(evaluateCondition("${{ github.ref == 'refs/pull/7/merge' }}", CONTEXT)).toBe(true);
    expect(evaluateCondition(undefined, CONTEXT)).toBe(true);
    expect(interpolate("g-${{ format('pr-{0}', github.event.pull_request.number) }}", CONTEXT)).toBe(
      'g-pr-7',
    );
  });

  test('fails on a function or context GitHub does not give the workflow, and on bad syntax', () => {
    expect(() => evaluate('hashFiles(github.ref)', CONTEXT)).toThrow(/Unrecognized function: 'hashFiles'/);
    expect(() => evaluate('secrets.TOKEN', CONTEXT)).toThrow(/secrets/);
    expect(() => evaluate('github.ref ==', CONTEXT)).toThrow();
  });

  test('knows what the hand-written evaluator did not: comparisons, and the status functions', () => {
    expect(evaluate("github.event.pull_request.number > 5 && failure() || 'x'", CONTEXT)).toBe('x');
    expect(evaluateCondition('always() && !cancelled()', CONTEXT)).toBe(true);
  });
});
