import {
  failureLine,
  requireVariables,
  roleSessionName,
  runAsMain,
  throwProblems,
} from '../../scripts/script-support';

const CONTEXT = { script: 'protect stack', source: 'the pipeline step sets them' };

describe('requireVariables', () => {
  test('returns the values of the named variables', () => {
    // GIVEN both variables set, and another one
    const env = { STACK_NAME: 'jobs-prod-JobBase', STACK_REGION: 'ap-northeast-1', OTHER: 'x' };
    // WHEN / THEN
    expect(requireVariables(env, ['STACK_NAME', 'STACK_REGION'], CONTEXT)).toEqual({
      STACK_NAME: 'jobs-prod-JobBase',
      STACK_REGION: 'ap-northeast-1',
    });
  });

  test('fails naming every missing or empty variable at once, in order', () => {
    // GIVEN one variable empty and two missing
    const env = { STACK_NAME: 'jobs-prod-JobBase', STACK_ACCOUNT: '' };
    // WHEN / THEN
    expect(() =>
      requireVariables(env, ['STACK_NAME', 'STACK_ACCOUNT', 'STACK_REGION', 'DEPLOY_ROLE_ARN'], CONTEXT),
    ).toThrow(
      new Error(
        'protect stack: set STACK_ACCOUNT, STACK_REGION, DEPLOY_ROLE_ARN (the pipeline step sets them)',
      ),
    );
  });
});

describe('throwProblems', () => {
  test('does nothing without problems', () => {
    expect(() => throwProblems('protect stack', [])).not.toThrow();
  });

  test('fails with every problem in one error', () => {
    expect(() => throwProblems('protect stack', ['first', 'second'])).toThrow(
      new Error('protect stack: first; second'),
    );
  });
});

describe('failureLine', () => {
  test("puts an SDK error's message on one line after the script's name", () => {
    // GIVEN an error message over two lines
    const error = new Error('User is not authorized\n  to perform: cloudformation:DescribeChangeSet');
    // WHEN / THEN
    expect(failureLine('change-set summary', error)).toBe(
      'change-set summary: User is not authorized to perform: cloudformation:DescribeChangeSet',
    );
  });

  test("keeps a message that already starts with the script's name", () => {
    expect(failureLine('protect stack', new Error('protect stack: set STACK_NAME'))).toBe(
      'protect stack: set STACK_NAME',
    );
  });
});

describe('runAsMain', () => {
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  afterEach(() => {
    errors.mockClear();
    process.exitCode = undefined;
  });
  afterAll(() => errors.mockRestore());

  test('fails with exit code 1 and one line when the body rejects', async () => {
    // GIVEN a body that rejects
    // WHEN it runs as the main module
    runAsMain('protect stack', () => Promise.reject(new Error('access denied')));
    await new Promise((resolve) => setImmediate(resolve));
    // THEN
    expect(process.exitCode).toBe(1);
    expect(errors).toHaveBeenCalledWith('protect stack: access denied');
  });

  test('fails with exit code 1 when the body throws before its promise', () => {
    // GIVEN a body that throws synchronously, as reading the settings does
    // WHEN it runs as the main module
    runAsMain('protect stack', () => {
      throw new Error('protect stack: set STACK_NAME (the pipeline step sets them)');
    });
    // THEN
    expect(process.exitCode).toBe(1);
    expect(errors).toHaveBeenCalledWith('protect stack: set STACK_NAME (the pipeline step sets them)');
  });

  test('leaves the exit code alone when the body resolves', async () => {
    runAsMain('protect stack', () => Promise.resolve());
    await new Promise((resolve) => setImmediate(resolve));
    expect(process.exitCode).toBeUndefined();
    expect(errors).not.toHaveBeenCalled();
  });
});

describe('roleSessionName', () => {
  test('keeps a name STS accepts as it is', () => {
    expect(roleSessionName('change-set-summary-prod')).toBe('change-set-summary-prod');
  });

  test('replaces characters STS rejects and cuts to 64 characters', () => {
    // GIVEN a name with spaces and slashes, longer than 64 characters
    const name = `change-set-summary-${'prod stage/eu '.repeat(6)}`;
    // WHEN / THEN
    const result = roleSessionName(name);
    expect(result).toMatch(/^[\w+=,.@-]{64}$/);
    expect(result.startsWith('change-set-summary-prod-stage-eu-')).toBe(true);
  });
});
