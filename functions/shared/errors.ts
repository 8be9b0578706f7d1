/**
 * The event is not a Batch Job State Change this handler can read. Thrown (never swallowed) so that
 * the asynchronous invoke sends the event to the function's on-failure destination.
 */
export class InvalidEventError extends Error {
  /** The EventBridge event id, when the input had one, so the rejected event can be found. */
  public readonly eventId: string | undefined;
  /** One line per schema problem, `path: message`. */
  public readonly issues: readonly string[];

  public constructor(eventId: string | undefined, issues: readonly string[]) {
    super(`Invalid Batch Job State Change event${eventId ? ` ${eventId}` : ''}: ${issues.join('; ')}`);
    this.name = 'InvalidEventError';
    this.eventId = eventId;
    this.issues = issues;
  }
}

/**
 * A valid event whose job status is not the one this handler reports (the EventBridge rule should
 * never route it here, so it is a wiring fault worth an on-failure record, not a silent skip).
 */
export class UnexpectedStatusError extends Error {
  public readonly jobId: string;
  public readonly status: string;
  public readonly expectedStatus: string;

  public constructor(jobId: string, status: string, expectedStatus: string) {
    super(`Job ${jobId} has status ${status}; this handler reports only ${expectedStatus} jobs`);
    this.name = 'UnexpectedStatusError';
    this.jobId = jobId;
    this.status = status;
    this.expectedStatus = expectedStatus;
  }
}

/** A configuration problem found at cold start; the message names the variable and the fix. */
export class ConfigError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
