import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ListImportsCommand,
  ListStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { EPHEMERAL_TAGS } from '../../infra/config/ephemeral';

export const REPOSITORY = 'example-org/batch-job-platform';

/** The tags a deploy gives the stacks of an ephemeral stage of `repository`. */
export function ephemeralTags(stage: string, repository = REPOSITORY): Record<string, string> {
  return {
    [EPHEMERAL_TAGS.stage]: stage,
    [EPHEMERAL_TAGS.kind]: stage.startsWith('pr-') ? 'pr' : stage.startsWith('br-') ? 'branch' : 'integ',
    [EPHEMERAL_TAGS.repository]: repository,
  };
}

export interface FakeStack {
  readonly name: string;
  status: string;
  readonly tags?: Record<string, string>;
  /** Export names of its outputs. */
  readonly exports?: string[];
  /** Export names it imports. */
  readonly imports?: string[];
  readonly createdAt?: Date;
  /** How many more DeleteStack calls end in DELETE_FAILED (with these resources failing). */
  failDeletes?: number;
  readonly failingResources?: string[];
  /** Reads of DescribeStacks left before an *_IN_PROGRESS status (other than DELETE) settles. */
  settlesAfter?: number;
  readonly settlesTo?: string;
}

const idOf = (name: string): string =>
  `arn:aws:cloudformation:ap-northeast-1:333333333333:stack/${name}/00000000-0000-0000-0000-${name.length.toString().padStart(12, '0')}`;

/**
 * A CloudFormation account in memory, behind aws-sdk-client-mock: ListStacks in every status,
 * DescribeStacks by id (a deleted stack reads DELETE_COMPLETE), ListImports (an error when nothing
 * imports the export, as CloudFormation answers), and DeleteStack, which fails while another live
 * stack imports one of the stack's exports and honours RetainResources only on DELETE_FAILED.
 */
export class FakeAccount {
  readonly client = new CloudFormationClient({ region: 'ap-northeast-1' });
  readonly mock: AwsClientStub<CloudFormationClient>;
  readonly deleteCalls: Array<{ name: string; retain?: string[] }> = [];

  constructor(readonly stacks: FakeStack[]) {
    this.mock = mockClient(this.client);
    this.mock.on(ListStacksCommand).callsFake(() => ({
      StackSummaries: this.stacks.map((s) => ({
        StackId: idOf(s.name),
        StackName: s.name,
        StackStatus: s.status,
      })),
    }));
    this.mock.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => ({
      Stacks: [this.describe(this.find(input.StackName ?? ''))],
    }));
    this.mock.on(ListImportsCommand).callsFake((input: { ExportName?: string }) => {
      const importers = this.live().filter((s) => s.imports?.includes(input.ExportName ?? ''));
      if (importers.length === 0)
        throw new Error(`Export '${input.ExportName}' is not imported by any stack.`);
      return { Imports: importers.map((s) => s.name) };
    });
    this.mock.on(DescribeStackResourcesCommand).callsFake((input: { StackName?: string }) => ({
      StackResources: (this.find(input.StackName ?? '').failingResources ?? []).map((id) => ({
        LogicalResourceId: id,
        ResourceStatus: 'DELETE_FAILED',
      })),
    }));
    this.mock
      .on(DeleteStackCommand)
      .callsFake((input: { StackName?: string; RetainResources?: string[] }) => {
        const stack = this.find(input.StackName ?? '');
        this.deleteCalls.push({ name: stack.name, retain: input.RetainResources });
        if (input.RetainResources && stack.status !== 'DELETE_FAILED') {
          throw new Error('RetainResources applies only to stacks in DELETE_FAILED');
        }
        if (/_IN_PROGRESS$/.test(stack.status) && stack.status !== 'REVIEW_IN_PROGRESS') {
          throw new Error(`Stack ${stack.name} is in ${stack.status} state and can not be deleted`);
        }
        const inUse = (stack.exports ?? []).some((e) =>
          this.live().some((s) => s !== stack && s.imports?.includes(e)),
        );
        const fails = inUse || ((stack.failDeletes ?? 0) > 0 && !input.RetainResources);
        if (!inUse && (stack.failDeletes ?? 0) > 0) stack.failDeletes! -= 1;
        stack.status = fails ? 'DELETE_FAILED' : 'DELETE_COMPLETE';
        return {};
      });
  }

  find(nameOrId: string): FakeStack {
    const stack = this.stacks.find((s) => s.name === nameOrId || idOf(s.name) === nameOrId);
    if (!stack) throw new Error(`Stack with id ${nameOrId} does not exist`);
    return stack;
  }

  live(): FakeStack[] {
    return this.stacks.filter((s) => s.status !== 'DELETE_COMPLETE');
  }

  private describe(stack: FakeStack): Stack {
    if (stack.settlesAfter !== undefined && /_IN_PROGRESS$/.test(stack.status)) {
      if (stack.settlesAfter <= 0) stack.status = stack.settlesTo ?? 'UPDATE_COMPLETE';
      else stack.settlesAfter -= 1;
    }
    return {
      StackId: idOf(stack.name),
      StackName: stack.name,
      StackStatus: stack.status as Stack['StackStatus'],
      StackStatusReason:
        stack.status === 'DELETE_FAILED' ? 'The following resource(s) failed to delete' : undefined,
      CreationTime: stack.createdAt ?? new Date('2026-07-01T00:00:00Z'),
      Tags: Object.entries(stack.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      Outputs: (stack.exports ?? []).map((ExportName) => ({ OutputKey: ExportName, ExportName })),
    };
  }
}
