/**
 * GitHub's concurrency groups, as documented: a group holds one running and one pending run or job,
 * and a newly queued one cancels the pending one, whatever `cancel-in-progress` says.
 */
export class ConcurrencyGroups {
  private readonly groups = new Map<string, { running?: string; pending?: string }>();

  constructor(
    private readonly activate: (who: string) => void,
    private readonly cancel: (pending: string, by: string) => void,
  ) {}

  /** Runs `who` at once, or lets it wait, cancelling whatever waited before. */
  enter(group: string, who: string): void {
    const slot = this.groups.get(group) ?? {};
    this.groups.set(group, slot);
    if (!slot.running) {
      slot.running = who;
      this.activate(who);
      return;
    }
    if (slot.pending) this.cancel(slot.pending, who);
    slot.pending = who;
  }

  leave(who: string): void {
    for (const slot of this.groups.values()) {
      if (slot.pending === who) slot.pending = undefined;
      if (slot.running !== who) continue;
      slot.running = slot.pending;
      slot.pending = undefined;
      if (slot.running) this.activate(slot.running);
    }
  }
}
