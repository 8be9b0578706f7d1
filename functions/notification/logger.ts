import { Logger } from '@aws-lambda-powertools/logger';
import { oneLine } from './bounded-text';
import { InvalidEventError } from './errors';
import type { NotificationSettings } from './settings';

/** What a handler logs through; the Powertools Logger in production, a spy in tests. */
export type HandlerLogger = Pick<Logger, 'info' | 'error' | 'appendKeys' | 'resetKeys' | 'addContext'>;

/**
 * Structured JSON logs with the stage on every line; handlers append job id, status and event id
 * per invocation. Level: POWERTOOLS_LOG_LEVEL (or Lambda's log level control), default INFO.
 */
export function createLogger(
  settings: Pick<NotificationSettings, 'appName' | 'stage'>,
  serviceName: string,
): Logger {
  return new Logger({ serviceName, persistentKeys: { stage: settings.stage, appName: settings.appName } });
}

/** Log keys come from the event; a pathological value must not blow up every log line. */
export const logValue = (value: string): string => oneLine(value, 256);

/**
 * Runs `parse` at the edge; an input it rejects is logged with its event id and reasons (under
 * `message`), then rethrown, so the asynchronous invoke records it.
 */
export function parseOrLog<T>(parse: () => T, logger: HandlerLogger, message: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidEventError) {
      logger.error(message, { eventId: error.eventId, reason: error.issues.join('; ') });
    }
    throw error;
  }
}
