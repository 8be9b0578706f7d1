/**
 * Turns a described change set into what an approver reads before a production deploy: a one-line
 * headline (the manual approval's comment), an email subject, the full text and a console link.
 * What can lose data comes first: stateful resources that are replaced or removed.
 */
import type { DescribeChangeSetOutput, ResourceChange } from '@aws-sdk/client-cloudformation';
import { classifyResourceChange, isReplacement, type ClassifiedChange } from './resource-change';

/** The longest comment a CodePipeline manual approval takes. */
export const HEADLINE_LIMIT = 500;
/** SNS: at most 100 printable ASCII characters, no line breaks. */
export const SUBJECT_LIMIT = 100;
/** SNS takes 256 KiB per message; the subject counts towards it. */
export const MESSAGE_LIMIT_BYTES = 256 * 1024 - SUBJECT_LIMIT;

/** What CloudFormation says when a change set would change nothing; such a change set is FAILED. */
const NO_CHANGES = [/didn't contain changes/i, /No updates are to be performed/i];

const ACTION_WORDS: ReadonlyArray<readonly [string, string]> = [
  ['Add', 'to add'],
  ['Modify', 'to modify'],
  ['Remove', 'to remove'],
  ['Import', 'to import'],
  ['Dynamic', 'dynamic'],
  ['SyncWithActual', 'to sync with the actual state'],
];
/** Always counted, even at zero. */
const MAIN_ACTIONS = ['Add', 'Modify', 'Remove'];

interface SummaryInput {
  readonly stageName: string;
  /** The change set as DescribeChangeSet returns it, with the changes of every page. */
  readonly changeSet: DescribeChangeSetOutput;
  readonly partition: string;
  readonly region: string;
}

export interface ChangeSetSummary {
  readonly headline: string;
  readonly subject: string;
  readonly text: string;
  readonly url: string;
}

export function isNoChangesReason(reason: string | undefined): boolean {
  return NO_CHANGES.some((pattern) => pattern.test(reason ?? ''));
}

export function summarizeChangeSet(input: SummaryInput): ChangeSetSummary {
  const { stageName, changeSet, partition, region } = input;
  const changes = (changeSet.Changes ?? []).flatMap((change) =>
    change.ResourceChange ? [change.ResourceChange] : [],
  );
  const classified = changes.map(classifyResourceChange);
  const counts = countActions(changes);
  const stateful = classified.flatMap((change) => (change.stateful ? [change.stateful] : []));
  const stackName = changeSet.StackName ?? '(unknown stack)';
  const url = changeSetConsoleUrl({
    partition,
    region,
    stackId: changeSet.StackId ?? stackName,
    changeSetId: changeSet.ChangeSetId ?? changeSet.ChangeSetName ?? '',
  });
  const noChanges = changes.length === 0;
  const flags = [
    replacementsText(changes),
    classified.some((change) => change.iam) ? 'IAM changes' : '',
    classified.some((change) => change.securityGroup) ? 'security group changes' : '',
    classified.some((change) => change.keyPolicy) ? 'key policy changes' : '',
  ].filter(Boolean);
  const overview = noChanges ? 'no changes' : [countsText(counts), ...flags].join('; ');
  return {
    headline: headlineOf(`${stageName} (${stackName}): ${overview}`, stateful),
    subject: subjectOf(stageName, stackName, counts, noChanges, stateful.length > 0),
    text: textOf({ stageName, stackName, changeSet, classified, overview, url }),
    url,
  };
}

const CONSOLE_HOSTS: Readonly<Record<string, (region: string) => string>> = {
  aws: (region) => `${region}.console.aws.amazon.com`,
  'aws-cn': () => 'console.amazonaws.cn',
  'aws-us-gov': () => 'console.amazonaws-us-gov.com',
};

export const CONSOLE_PARTITIONS: readonly string[] = Object.keys(CONSOLE_HOSTS);

/** The console page of the change set, in the console of the stack's partition. */
export function changeSetConsoleUrl(props: {
  readonly partition: string;
  readonly region: string;
  readonly stackId: string;
  readonly changeSetId: string;
}): string {
  const host = CONSOLE_HOSTS[props.partition];
  if (!host) {
    throw new Error(
      `no console link for the partition '${props.partition}' (${CONSOLE_PARTITIONS.join(', ')})`,
    );
  }
  return (
    `https://${host(props.region)}/cloudformation/home?region=${props.region}#/stacks/changesets/changes` +
    `?stackId=${encodeURIComponent(props.stackId)}&changeSetId=${encodeURIComponent(props.changeSetId)}`
  );
}

/** The text, cut at a line to fit one SNS message, with a note saying so. */
export function fitMessage(text: string, limitBytes: number = MESSAGE_LIMIT_BYTES): string {
  const size = Buffer.byteLength(text, 'utf8');
  if (size <= limitBytes) return text;
  const note = `\n\n[cut: the summary is ${size} bytes, over the ${limitBytes}-byte SNS limit; the CodeBuild log has all of it]`;
  let cut = Buffer.from(text, 'utf8')
    .subarray(0, Math.max(0, limitBytes - Buffer.byteLength(note, 'utf8')))
    .toString('utf8');
  // A character cut in half decodes as U+FFFD, which may take more bytes than the half did.
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  const lastLine = cut.lastIndexOf('\n');
  return (lastLine > 0 ? cut.slice(0, lastLine) : cut) + note;
}

function countActions(changes: readonly ResourceChange[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(MAIN_ACTIONS.map((action) => [action, 0]));
  for (const change of changes) {
    const action = change.Action ?? 'unknown';
    counts[action] = (counts[action] ?? 0) + 1;
  }
  return counts;
}

function countsText(counts: Readonly<Record<string, number>>): string {
  const known = ACTION_WORDS.map(([action]) => action);
  return [
    ...ACTION_WORDS.filter(([action]) => MAIN_ACTIONS.includes(action) || counts[action]).map(
      ([action, words]) => `${counts[action] ?? 0} ${words}`,
    ),
    ...Object.entries(counts)
      .filter(([action]) => !known.includes(action))
      .map(([action, count]) => `${count} ${action}`),
  ].join(', ');
}

function replacementsText(changes: readonly ResourceChange[]): string {
  const replaced = changes.filter(isReplacement).length;
  if (replaced === 0) return '';
  const conditional = changes.filter((change) => change.Replacement === 'Conditional').length;
  return `${replaced} replacement${replaced === 1 ? '' : 's'}${conditional > 0 ? ` (${conditional} conditional)` : ''}`;
}

/** The head, then as many stateful resources as fit in 500 characters; the marker always survives. */
function headlineOf(head: string, stateful: readonly string[]): string {
  const line = head.replace(/\p{Cc}+/gu, ' ');
  if (stateful.length === 0) return clip(line, HEADLINE_LIMIT);
  const tail = (shown: readonly string[]): string => {
    const rest = stateful.length - shown.length;
    if (shown.length === 0) return `; STATEFUL: ${rest} replaced or removed`;
    return `; STATEFUL: ${shown.join(', ')}${rest > 0 ? `, and ${rest} more` : ''}`;
  };
  const shown: string[] = [];
  for (const resource of stateful) {
    if (line.length + tail([...shown, resource]).length > HEADLINE_LIMIT) break;
    shown.push(resource);
  }
  const end = tail(shown);
  return clip(line, HEADLINE_LIMIT - end.length) + end;
}

function subjectOf(
  stageName: string,
  stackName: string,
  counts: Readonly<Record<string, number>>,
  noChanges: boolean,
  stateful: boolean,
): string {
  const what = noChanges
    ? 'no changes'
    : `${counts.Add ?? 0} add, ${counts.Modify ?? 0} modify, ${counts.Remove ?? 0} remove`;
  const subject = `[${stageName}]${stateful ? ' STATEFUL REPLACED/REMOVED:' : ''} ${stackName} change set: ${what}`;
  return clip(subject.replace(/[^\x20-\x7E]+/g, ' ').replace(/ {2,}/g, ' '), SUBJECT_LIMIT);
}

function textOf(props: {
  readonly stageName: string;
  readonly stackName: string;
  readonly changeSet: DescribeChangeSetOutput;
  readonly classified: readonly ClassifiedChange[];
  readonly overview: string;
  readonly url: string;
}): string {
  const { classified, changeSet } = props;
  const stateful = classified.filter((change) => change.stateful);
  const lines: string[] = [];
  if (stateful.length > 0) {
    lines.push(
      `WARNING: ${stateful.length} stateful resource${stateful.length === 1 ? '' : 's'} replaced or removed; ` +
        'what they hold (messages, keys, logs, jobs) and the names and ARNs others use may be lost:',
      ...stateful.map((change) => `  ! ${change.line}`),
      '',
    );
  }
  lines.push(
    `Change set ${changeSet.ChangeSetName ?? '(unnamed)'} of stack ${props.stackName} (stage ${props.stageName}): ${props.overview}`,
  );
  if (classified.length === 0 && changeSet.StatusReason)
    lines.push(`CloudFormation: ${changeSet.StatusReason}`);
  lines.push(`Review it in the console: ${props.url}`);
  const sections: ReadonlyArray<readonly [string, (change: ClassifiedChange) => boolean]> = [
    ['Replacements', (change) => change.replacement],
    ['IAM and resource policies', (change) => change.iam],
    ['Security groups', (change) => change.securityGroup],
    ['Key policies', (change) => change.keyPolicy],
    ['All changes', () => true],
  ];
  for (const [title, belongs] of sections) {
    const members = classified.filter(belongs);
    if (members.length > 0)
      lines.push('', `${title} (${members.length}):`, ...members.map((c) => `  - ${c.line}`));
  }
  return lines.join('\n');
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, Math.max(0, limit - 3))}...`;
}
