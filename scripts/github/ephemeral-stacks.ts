/**
 * Finds the stacks of ephemeral stages (pull-request and branch previews, integration tests) in
 * CloudFormation, by their provenance tags (`infra/config/ephemeral.ts`) or, for stacks deployed
 * before the tags, by name: every stack of the stage, whatever code created it, in every status
 * CloudFormation can leave a stack in.
 */
import {
  DescribeStacksCommand,
  paginateListStacks,
  type CloudFormationClient,
  type Stack,
  type StackSummary,
} from '@aws-sdk/client-cloudformation';
import {
  EPHEMERAL_TAGS,
  INTEG_STAGE_NAME,
  decodeTagValue,
  ephemeralKindOf,
  type EphemeralKind,
} from '../../infra/config/ephemeral';

export interface EphemeralStack {
  readonly stackId: string;
  readonly stackName: string;
  readonly status: string;
  readonly stage: string;
  readonly kind: EphemeralKind;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  readonly lastChangedAt: Date;
  readonly exports: readonly string[];
}

interface FindOptions {
  readonly appName: string;
  /** `owner/name`: stacks tagged with another repository belong to someone else and are left alone. */
  readonly repository: string;
  /** The app name of the integration-test scenario's stacks (`<integAppName>-integ-*`). */
  readonly integAppName: string;
}

/** The stack, or undefined when CloudFormation no longer knows it. */
export async function describeStack(cfn: CloudFormationClient, stackId: string): Promise<Stack | undefined> {
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    return Stacks?.[0];
  } catch (error) {
    if (error instanceof Error && /does not exist/.test(error.message)) return undefined;
    throw error;
  }
}

/**
 * The stage a stack belongs to: its `ephemeral:stage` tag, else its name
 * (`<app>-pr-<n>-*`, `<app>-br-<branch>-*`, `<integApp>-integ-*`).
 */
export function stageOfStack(
  stackName: string,
  tags: Readonly<Record<string, string>>,
  options: Pick<FindOptions, 'appName' | 'integAppName'>,
): { stage: string; kind: EphemeralKind } | undefined {
  const tagged = tags[EPHEMERAL_TAGS.stage];
  const kindOf = (stage: string) => {
    const kind = ephemeralKindOf(stage);
    return kind && { stage, kind };
  };
  if (tagged) return kindOf(tagged);
  const preview = new RegExp(`^${options.appName}-(pr-\\d+|br-[a-z0-9-]+?)-[A-Z][A-Za-z0-9]*$`).exec(
    stackName,
  );
  if (preview?.[1]) return kindOf(preview[1]);
  if (stackName.startsWith(`${options.integAppName}-${INTEG_STAGE_NAME}-`)) return kindOf(INTEG_STAGE_NAME);
  return undefined;
}

export async function findEphemeralStacks(
  cfn: CloudFormationClient,
  options: FindOptions,
): Promise<EphemeralStack[]> {
  // ListStacks with no status filter lists every status (REVIEW_IN_PROGRESS, IMPORT_*, DELETE_FAILED).
  const summaries: StackSummary[] = [];
  for await (const page of paginateListStacks({ client: cfn }, {}))
    summaries.push(...(page.StackSummaries ?? []));
  const found: EphemeralStack[] = [];
  for (const summary of summaries) {
    if (!summary.StackId || !summary.StackName || summary.StackStatus === 'DELETE_COMPLETE') continue;
    const stack = await describeStack(cfn, summary.StackId);
    if (!stack || stack.StackStatus === 'DELETE_COMPLETE') continue;
    const tags = Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    const owner = tags[EPHEMERAL_TAGS.repository];
    const repository = owner === undefined ? undefined : decodeTagValue(owner);
    if (repository !== undefined && repository !== options.repository) continue;
    const stage = stageOfStack(summary.StackName, tags, options);
    if (!stage) continue;
    const createdAt = stack.CreationTime ?? summary.CreationTime ?? new Date(0);
    found.push({
      stackId: summary.StackId,
      stackName: summary.StackName,
      status: stack.StackStatus ?? summary.StackStatus ?? 'UNKNOWN',
      ...stage,
      tags,
      createdAt,
      lastChangedAt: stack.LastUpdatedTime ?? createdAt,
      exports: (stack.Outputs ?? []).flatMap((o) => (o.ExportName ? [o.ExportName] : [])),
    });
  }
  return found;
}
