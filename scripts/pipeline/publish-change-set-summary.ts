/**
 * The step between a production stage's change set and its manual approval: describe the change set
 * the pipeline created in the stage's account, print its summary, mail it to the approvers' topic and
 * leave the headline and the console link in files, which the step exports as the approval's comment
 * and review URL.
 *
 * Environment (set by the pipeline step): STAGE_NAME, STACK_NAME, STACK_ACCOUNT, STACK_REGION,
 * DEPLOY_ROLE_ARN (the stage account's CDK bootstrap deploy role), APPROVAL_TOPIC_ARN,
 * CHANGE_SET_NAME (default PipelineChange), SUMMARY_OUTPUT_DIR (default the working directory).
 * Writes change-set-headline.txt and change-set-url.txt into SUMMARY_OUTPUT_DIR.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CloudFormationClient,
  paginateDescribeChangeSet,
  waitUntilChangeSetCreateComplete,
  type DescribeChangeSetCommandInput,
  type DescribeChangeSetCommandOutput,
  type DescribeChangeSetOutput,
} from '@aws-sdk/client-cloudformation';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { requireVariables, runAsMain, throwProblems } from '../script-support';
import {
  STAGE_TARGET_VARIABLES,
  stageCredentials,
  stageTarget,
  stageTargetProblems,
  type StageTarget,
} from './stage-session';
import {
  CONSOLE_PARTITIONS,
  fitMessage,
  isNoChangesReason,
  summarizeChangeSet,
  type ChangeSetSummary,
} from './change-set-summary-text';

const SCRIPT = 'change-set summary';
export const HEADLINE_FILE = 'change-set-headline.txt';
export const URL_FILE = 'change-set-url.txt';

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):\d{12}:[\w-]{1,256}$/;
const CHANGE_SET_NAME = /^[A-Za-z][-A-Za-z0-9]{0,127}$/;
const PENDING = new Set(['CREATE_PENDING', 'CREATE_IN_PROGRESS']);

export interface SummarySettings extends StageTarget {
  readonly stageName: string;
  /** The approvers' topic, in the pipeline account. */
  readonly topicArn: string;
  readonly topicRegion: string;
  readonly changeSetName: string;
  readonly outputDir: string;
}

/** How often to look at a change set that CloudFormation is still creating, and for how long. */
export interface Waiting {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
}

export interface Clients {
  /** In the stage's account, through the deploy role. */
  readonly cloudFormation: CloudFormationClient;
  /** In the pipeline account, with the step's own credentials. */
  readonly sns: SNSClient;
}

export function readSettings(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): SummarySettings {
  const values = requireVariables(env, ['STAGE_NAME', ...STAGE_TARGET_VARIABLES, 'APPROVAL_TOPIC_ARN'], {
    script: SCRIPT,
    source: 'the pipeline step sets them',
  });
  const changeSetName = env.CHANGE_SET_NAME || 'PipelineChange'; // the name CDK Pipelines gives it
  const topicRegion = TOPIC_ARN.exec(values.APPROVAL_TOPIC_ARN)?.[1];
  const problems = stageTargetProblems(values);
  if (!topicRegion) {
    problems.push(`APPROVAL_TOPIC_ARN '${values.APPROVAL_TOPIC_ARN}' is not an SNS topic ARN`);
  }
  if (!CHANGE_SET_NAME.test(changeSetName)) {
    problems.push(`CHANGE_SET_NAME '${changeSetName}' is not a change set name`);
  }
  throwProblems(SCRIPT, problems);
  const target = stageTarget(values);
  if (!CONSOLE_PARTITIONS.includes(target.partition)) {
    throwProblems(SCRIPT, [`the partition '${target.partition}' has no console to link the change set to`]);
  }
  return {
    ...target,
    stageName: values.STAGE_NAME,
    topicArn: values.APPROVAL_TOPIC_ARN,
    topicRegion: topicRegion!,
    changeSetName,
    outputDir: env.SUMMARY_OUTPUT_DIR || cwd,
  };
}

export function createClients(settings: SummarySettings): Clients {
  // The session may describe the stack's change sets and do nothing else.
  const session = `change-set-summary-${settings.stageName}`;
  const credentials = stageCredentials(settings, session, ['cloudformation:DescribeChangeSet']);
  return {
    cloudFormation: new CloudFormationClient({ region: settings.region, credentials }),
    sns: new SNSClient({ region: settings.topicRegion }),
  };
}

/**
 * Describes the summary's change set and publishes its summary; resolves with the summary, rejects
 * with the reason when the change set failed for any reason but having no changes.
 */
export async function runChangeSetSummary(
  settings: SummarySettings,
  clients: Clients,
  waiting: Waiting = { intervalSeconds: 5, timeoutSeconds: 300 },
  log: (line: string) => void = console.log,
): Promise<ChangeSetSummary> {
  const changeSet = await describeChangeSet(clients.cloudFormation, settings, waiting);
  const { stageName, partition, region } = settings;
  const summary = summarizeChangeSet({ stageName, changeSet, partition, region });
  log(summary.text);
  await writeFile(join(settings.outputDir, HEADLINE_FILE), summary.headline);
  await writeFile(join(settings.outputDir, URL_FILE), summary.url);
  await clients.sns.send(
    new PublishCommand({
      TopicArn: settings.topicArn,
      Subject: summary.subject,
      Message: fitMessage(summary.text),
    }),
  );
  log(`published the summary to ${settings.topicArn}; wrote ${HEADLINE_FILE} and ${URL_FILE}`);
  return summary;
}

/** With the changes of every page, once created; failed only because nothing changes: no changes. */
async function describeChangeSet(
  client: CloudFormationClient,
  settings: Pick<SummarySettings, 'stackName' | 'changeSetName'>,
  waiting: Waiting,
): Promise<DescribeChangeSetOutput> {
  // Without IncludePropertyValues: property values may hold secrets, and the summary goes by email.
  const input = { StackName: settings.stackName, ChangeSetName: settings.changeSetName };
  const label = `change set ${settings.changeSetName} of stack ${settings.stackName}`;
  let pages = await describePages(client, input);
  if (PENDING.has(pages[0]?.Status ?? '')) {
    const { intervalSeconds: delay, timeoutSeconds } = waiting;
    // The waiter rejects on FAILED and on timeout: the pages read after it say which, and why.
    await waitUntilChangeSetCreateComplete(
      { client, maxWaitTime: timeoutSeconds, minDelay: delay, maxDelay: delay },
      input,
    ).catch(() => undefined);
    pages = await describePages(client, input);
  }
  const { $metadata: _metadata, ...first }: Partial<DescribeChangeSetCommandOutput> = pages[0] ?? {};
  if (PENDING.has(first.Status ?? '')) {
    throw new Error(`${SCRIPT}: ${label} is still ${first.Status} after ${waiting.timeoutSeconds} s`);
  }
  if (first.Status === 'FAILED') {
    if (isNoChangesReason(first.StatusReason)) return { ...first, Changes: [] };
    throw new Error(`${SCRIPT}: ${label} failed: ${first.StatusReason ?? 'CloudFormation gave no reason'}`);
  }
  if (first.Status !== 'CREATE_COMPLETE') {
    throw new Error(`${SCRIPT}: ${label} is ${first.Status ?? 'without a status'}, not CREATE_COMPLETE`);
  }
  return { ...first, Changes: pages.flatMap((page) => page.Changes ?? []), NextToken: undefined };
}

async function describePages(
  client: CloudFormationClient,
  input: DescribeChangeSetCommandInput,
): Promise<DescribeChangeSetCommandOutput[]> {
  const pages: DescribeChangeSetCommandOutput[] = [];
  for await (const page of paginateDescribeChangeSet({ client }, input)) pages.push(page);
  return pages;
}

if (require.main === module) {
  runAsMain(SCRIPT, async () => {
    const settings = readSettings(process.env);
    await runChangeSetSummary(settings, createClients(settings));
  });
}
