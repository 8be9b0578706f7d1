/**
 * Turns the outputs file of a preview deploy (`cdk deploy --outputs-file`) into the Markdown that the
 * preview workflow posts on the pull request and writes to the job summary:
 *
 *   npx tsx scripts/preview-comment.ts --stage pr-42 --outputs outputs.json [--region ap-northeast-1]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseConfig } from '../infra/config/load';
import { physicalName } from '../infra/config/names';
import { PULL_REQUEST_PREFIX } from '../infra/config/stage-name';
import { appConfig } from '../infra/config/stages';
import type { JobBaseOutputName } from '../infra/stacks/job-base-stack';

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

export interface PreviewCommentInput {
  readonly appName: string;
  readonly stage: string;
  readonly region: string;
  /** The outputs file: stack name -> output name -> value. */
  readonly outputs: Record<string, Record<string, string> | undefined>;
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
  return [
    `### Preview \`${stage}\` is deployed`,
    '',
    `Stack \`${stackName}\` in ${region}. ${lifetime(stage)}`,
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

function lifetime(stage: string): string {
  return stage.startsWith(PULL_REQUEST_PREFIX)
    ? 'It is destroyed when the pull request closes.'
    : 'Destroy it when done: run the Preview workflow on the branch with action `destroy`.';
}

if (require.main === module) {
  try {
    const { values } = parseArgs({
      options: { stage: { type: 'string' }, outputs: { type: 'string' }, region: { type: 'string' } },
      strict: true,
    });
    if (!values.stage || !values.outputs) {
      throw new Error('usage: preview-comment.ts --stage <name> --outputs <file> [--region <region>]');
    }
    const config = parseConfig(appConfig);
    const outputs = JSON.parse(readFileSync(values.outputs, 'utf8')) as PreviewCommentInput['outputs'];
    process.stdout.write(
      previewComment({
        appName: config.appName,
        stage: values.stage,
        region: values.region ?? config.preview.region,
        outputs,
      }),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
