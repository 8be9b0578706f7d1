import { EPHEMERAL_TAGS } from '../../infra/config/ephemeral';
import { groupByStage, type StageStacks } from '../../scripts/github/ephemeral-sweep';
import type { EphemeralStack } from '../../scripts/github/ephemeral-stacks';

export interface ModelStack {
  readonly name: string;
  readonly stage: string;
  status: string;
  /** In minutes of the model's clock. */
  readonly createdAt: number;
  readonly tagged: boolean;
}

/** The preview account of the lifecycle model: its stacks, as CloudFormation and the sweep see them. */
export class PreviewAccount {
  private readonly stacks = new Map<string, ModelStack>();

  live(): ModelStack[] {
    return [...this.stacks.values()].filter((s) => s.status !== 'DELETE_COMPLETE');
  }

  create(name: string, stage: string, tagged: boolean, now: number): void {
    const existing = this.stacks.get(name);
    if (existing && existing.status !== 'DELETE_COMPLETE') return;
    this.stacks.set(name, { name, stage, status: 'CREATE_COMPLETE', createdAt: now, tagged });
  }

  remove(name: string): void {
    const stack = this.stacks.get(name);
    if (stack) stack.status = 'DELETE_COMPLETE';
  }

  /** The live stacks grouped by stage, as the sweep's script lists them. */
  stages(stacks: readonly ModelStack[] = this.live()): StageStacks[] {
    return groupByStage(stacks.map(asEphemeral));
  }
}

function asEphemeral(stack: ModelStack): EphemeralStack {
  const kind = stack.stage.startsWith('pr-') ? 'pr' : stack.stage.startsWith('br-') ? 'branch' : 'integ';
  const date = new Date(stack.createdAt * 60_000);
  return {
    stackId: stack.name,
    stackName: stack.name,
    status: stack.status,
    stage: stack.stage,
    kind,
    tags: stack.tagged ? { [EPHEMERAL_TAGS.stage]: stack.stage } : {},
    createdAt: date,
    lastChangedAt: date,
    exports: [],
  };
}
