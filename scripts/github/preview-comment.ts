/**
 * Turns the outputs file of a preview deploy (`cdk deploy --outputs-file`) into the Markdown that the
 * preview workflow posts on the pull request and writes to the job summary:
 *
 *   npx tsx scripts/github/preview-comment.ts --stage pr-42 --outputs outputs.json [--region ap-northeast-1]
 *   npx tsx scripts/github/preview-comment.ts --stage pr-42 --destroyed       # the comment once it is gone
 *   npx tsx scripts/github/preview-comment.ts --stage pr-42 --find-in comments.json
 *
 * Each comment starts with a hidden marker, `<!-- preview:pr-42 -->`, so that the workflow updates
 * the one comment of that preview in place (`--find-in` prints its id among the pull request's
 * comments, as `gh api --paginate --slurp` lists them), whatever else the bot has posted since.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../infra/config/load';
import { physicalName } from '../../infra/config/names';
import { PULL_REQUEST_PREFIX } from '../../infra/config/stage-name';
import { appConfig } from '../../infra/config/stages';
import type { JobBaseOutputName } from '../../infra/stacks/job-base-outputs';
import { runAsMain } from '../script-support';

/** The outputs people use first, in this order; any others follow. */
export const FEATURED_OUTPUTS: readonly JobBaseOutputName[] = [
  'JobQueueName',
  'JobQueueArn',
  'JobsAssignPublicIp',
  'TopicArn',
  'SuccessHandlerName',
  'ErrorHandlerName',
  'DeadLetterQueueUrl',
];

interface PreviewCommentInput {
  readonly appName: string;
  readonly stage: string;
  readonly region: string;
  /** The outputs file: stack name -> output name -> value. */
  readonly outputs: Record<string, Record<string, string> | undefined>;
}

const previewMarker = (stage: string): string => `<!-- preview:${stage} -->`;

/** The login of the token the workflows comment with. */
export const COMMENT_AUTHOR = 'github-actions[bot]';

interface IssueComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user?: { readonly login?: string } | null;
}

/**
 * The id of the preview's own comment: the workflow token's comment that carries the marker, the
 * newest if there are several. Takes the comments as one array or as pages of arrays.
 */
export function findPreviewComment(comments: unknown, stage: string): number | undefined {
  const list = (Array.isArray(comments) ? comments.flat() : []) as IssueComment[];
  const marker = previewMarker(stage);
  return list
    .filter((c) => c.user?.login === COMMENT_AUTHOR && (c.body ?? '').split('\n')[0] === marker)
    .map((c) => c.id)
    .sort((a, b) => a - b)
    .at(-1);
}

export function destroyedComment(stage: string): string {
  return `${previewMarker(stage)}\n### Preview \`${stage}\` was destroyed\n\nEvery stack of the stage is deleted.\n`;
}

export function previewComment({ appName, stage, region, outputs }: PreviewCommentInput): string {
  const stackName = physicalName(appName, stage, 'JobBase');
  const stack = outputs[stackName];
  if (!stack) {
    throw new Error(
      `the outputs file has no stack '${stackName}' (it has: ${Object.keys(outputs).join(', ')})`,
    );
  }
  const names = [
    ...FEATURED_OUTPUTS.filter((name) => name in stack),
    ...Object.keys(stack)
      .filter((name) => !(FEATURED_OUTPUTS as readonly string[]).includes(name))
      .sort(),
  ];
  const queue = stack.JobQueueName ?? '<JobQueueName>';
  const lifetime = stage.startsWith(PULL_REQUEST_PREFIX)
    ? 'It is destroyed when the pull request closes.'
    : 'It is destroyed when the branch is deleted, or after a week without a push.';
  return [
    previewMarker(stage),
    `### Preview \`${stage}\` is deployed`,
    '',
    `Stack \`${stackName}\` in ${region}. ${lifetime}`,
    '',
    '| Output | Value |',
    '| --- | --- |',
    ...names.map((name) => `| ${name} | \`${stack[name]}\` |`),
    '',
    'Submit a job with credentials for the preview account:',
    '',
    '```sh',
    `aws batch submit-job --region ${region} --job-queue ${queue} --job-name try-${stage} --job-definition <definition>`,
    '```',
    '',
  ].join('\n');
}

if (require.main === module) {
  runAsMain('preview comment', () => {
    const { values } = parseArgs({
      options: {
        stage: { type: 'string' },
        outputs: { type: 'string' },
        region: { type: 'string' },
        destroyed: { type: 'boolean' },
        'find-in': { type: 'string' },
      },
    });
    const usage =
      'usage: preview-comment.ts --stage <name> (--outputs <file> [--region <region>] | --destroyed | --find-in <file>)';
    const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
    if (!values.stage) throw new Error(usage);
    if (values['find-in']) {
      const id = findPreviewComment(readJson(values['find-in']), values.stage);
      if (id !== undefined) process.stdout.write(`${id}\n`);
    } else if (values.destroyed) {
      process.stdout.write(destroyedComment(values.stage));
    } else {
      if (!values.outputs) throw new Error(usage);
      const config = parseConfig(appConfig);
      const outputs = readJson(values.outputs) as PreviewCommentInput['outputs'];
      const region = values.region ?? config.preview.region;
      process.stdout.write(previewComment({ appName: config.appName, stage: values.stage, region, outputs }));
    }
    return Promise.resolve();
  });
}
