/** Thrown, never swallowed, so that the asynchronous invoke records the event as failed. */
export class InvalidEventError extends Error {
  /** `issues`: one `path: message` line per schema problem. */
  constructor(
    readonly eventId: string | undefined,
    readonly issues: readonly string[],
  ) {
    super(`Invalid Batch Job State Change event${eventId ? ` ${eventId}` : ''}: ${issues.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

/** A status the rule should never route here: a wiring fault worth a failure record. */
export class UnexpectedStatusError extends Error {
  constructor(
    readonly jobId: string,
    readonly status: string,
    readonly expectedStatus: string,
  ) {
    super(`Job ${jobId} has status ${status}; this handler reports only ${expectedStatus} jobs`);
    this.name = 'UnexpectedStatusError';
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid handler configuration: ${problems.join(' ')}`);
    this.name = 'ConfigError';
  }
}
