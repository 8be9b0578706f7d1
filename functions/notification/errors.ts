/**
 * The event is not a Batch Job State Change this handler can read. Thrown (never swallowed) so that
 * the asynchronous invoke sends the event to the function's on-failure destination.
 */
export class InvalidEventError extends Error {
  /**
   * @param eventId the EventBridge event id, when the input had one, so the event can be found
   * @param issues one line per schema problem, `path: message`
   */
  constructor(
    readonly eventId: string | undefined,
    readonly issues: readonly string[],
  ) {
    super(`Invalid Batch Job State Change event${eventId ? ` ${eventId}` : ''}: ${issues.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

/**
 * A valid event whose job status is not the one this handler reports (the EventBridge rule should
 * never route it here, so it is a wiring fault worth an on-failure record, not a silent skip).
 */
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

/** Settings that cannot work, found at cold start: every problem at once, each naming the variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid handler configuration: ${problems.join(' ')}`);
    this.name = 'ConfigError';
  }
}
