import {
  COMMENT_AUTHOR,
  destroyedComment,
  findPreviewComment,
  previewComment,
} from '../../../scripts/github/preview-comment';

const STACK = 'jobs-pr-42-JobBase';

function comment(stage = 'pr-42', outputs: Record<string, Record<string, string>> = {}): string {
  return previewComment({
    appName: 'jobs',
    stage,
    region: 'ap-northeast-1',
    outputs: {
      [`jobs-${stage}-JobBase`]: {
        DeadLetterQueueUrl: 'https://sqs/dlq',
        JobQueueArn: 'arn:aws:batch:ap-northeast-1:111111111111:job-queue/q',
        JobQueueName: 'q',
        Extra: 'x',
      },
      ...outputs,
    },
  });
}

test('lists the stage stack outputs, the ones people use first, then the rest', () => {
  const rows = comment()
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Output') && !line.startsWith('| ---'));
  expect(rows).toEqual([
    '| JobQueueName | `q` |',
    '| JobQueueArn | `arn:aws:batch:ap-northeast-1:111111111111:job-queue/q` |',
    '| DeadLetterQueueUrl | `https://sqs/dlq` |',
    '| Extra | `x` |',
  ]);
});

test('shows how to submit a job to the queue', () => {
  expect(comment()).toContain(
    'aws batch submit-job --region ap-northeast-1 --job-queue q --job-name try-pr-42',
  );
});

test('says when the preview goes away: with the pull request, or by hand for a branch', () => {
  expect(comment('pr-42')).toContain('destroyed when the pull request closes');
  expect(comment('br-feature-x')).toContain('destroyed when the branch is deleted');
});

test('starts with the hidden marker of its preview, deployed or destroyed', () => {
  expect(comment('pr-42').split('\n')[0]).toBe('<!-- preview:pr-42 -->');
  expect(destroyedComment('pr-42').split('\n')[0]).toBe('<!-- preview:pr-42 -->');
});

test('fails when the outputs file lacks the stage stack', () => {
  expect(() =>
    previewComment({ appName: 'jobs', stage: 'pr-7', region: 'ap-northeast-1', outputs: { [STACK]: {} } }),
  ).toThrow(`the outputs file has no stack 'jobs-pr-7-JobBase' (it has: ${STACK})`);
});

describe('findPreviewComment', () => {
  const bot = { login: COMMENT_AUTHOR };
  test("finds the bot's comment of this preview among other comments, in pages as gh --slurp lists them", () => {
    const pages = [
      [
        { id: 1, user: bot, body: '<!-- preview:pr-4 -->\nanother preview' },
        { id: 2, user: bot, body: 'a comment of another workflow' },
      ],
      [
        { id: 3, user: bot, body: `${comment('pr-42')}` },
        { id: 4, user: { login: 'someone' }, body: '<!-- preview:pr-42 -->\nquoted by a person' },
        { id: 5, user: bot, body: 'the bot, later, about something else' },
      ],
    ];
    expect(findPreviewComment(pages, 'pr-42')).toBe(3);
  });

  test('finds none when the preview has no comment yet, so the workflow posts one', () => {
    expect(findPreviewComment([], 'pr-42')).toBeUndefined();
    expect(
      findPreviewComment([[{ id: 1, user: bot, body: 'x <!-- preview:pr-42 -->' }]], 'pr-42'),
    ).toBeUndefined();
  });
});
