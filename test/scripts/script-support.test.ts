import { failureLine, requireVariables, roleSessionName, runAsMain } from '../../scripts/script-support';

const CONTEXT = { script: 'protect stack', source: 'the pipeline step sets them' };

// What requireVariables and throwProblems return is in every step's readSettings test; the order and
// the wording of the error that names what is missing is here.
test('requireVariables fails naming every missing or empty variable at once, in order', () => {
  const env = { STACK_NAME: 'jobs-prod-JobBase', STACK_ACCOUNT: '' };
  expect(() =>
    requireVariables(env, ['STACK_NAME', 'STACK_ACCOUNT', 'STACK_REGION', 'DEPLOY_ROLE_ARN'], CONTEXT),
  ).toThrow(
    new Error(
      'protect stack: set STACK_ACCOUNT, STACK_REGION, DEPLOY_ROLE_ARN (the pipeline step sets them)',
    ),
  );
});

describe('failureLine', () => {
  test("puts an SDK error's message on one line after the script's name", () => {
    const error = new Error('User is not authorized\n  to perform: cloudformation:DescribeChangeSet');
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
  const settled = () => new Promise((resolve) => setImmediate(resolve));
  afterEach(() => {
    errors.mockClear();
    process.exitCode = undefined;
  });
  afterAll(() => errors.mockRestore());

  test('fails with exit code 1 and one line when the body rejects', async () => {
    runAsMain('protect stack', () => Promise.reject(new Error('access denied')));
    await settled();
    expect(process.exitCode).toBe(1);
    expect(errors).toHaveBeenCalledWith('protect stack: access denied');
  });

  test('fails with exit code 1 when the body throws before its promise, as reading settings does', () => {
    runAsMain('protect stack', () => {
      throw new Error('protect stack: set STACK_NAME');
    });
    expect(process.exitCode).toBe(1);
    expect(errors).toHaveBeenCalledWith('protect stack: set STACK_NAME');
  });

  test('leaves the exit code alone when the body resolves', async () => {
    runAsMain('protect stack', () => Promise.resolve());
    await settled();
    expect(process.exitCode).toBeUndefined();
    expect(errors).not.toHaveBeenCalled();
  });
});

test('roleSessionName keeps a name STS accepts, else replaces what it rejects and cuts to 64', () => {
  expect(roleSessionName('change-set-summary-prod')).toBe('change-set-summary-prod');
  const result = roleSessionName(`change-set-summary-${'prod stage/eu '.repeat(6)}`);
  expect(result).toMatch(/^[\w+=,.@-]{64}$/);
  expect(result.startsWith('change-set-summary-prod-stage-eu-')).toBe(true);
});
