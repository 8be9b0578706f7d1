import { Logger } from '@aws-lambda-powertools/logger';
import { oneLine } from './bounded-text';
import { InvalidEventError } from './errors';
import type { NotificationSettings } from './settings';

export type HandlerLogger = Pick<Logger, 'info' | 'error' | 'appendKeys' | 'resetKeys' | 'addContext'>;

/** Structured JSON with the stage on every line; level from POWERTOOLS_LOG_LEVEL, default INFO. */
export function createLogger(
  settings: Pick<NotificationSettings, 'appName' | 'stage'>,
  serviceName: string,
): Logger {
  return new Logger({ serviceName, persistentKeys: { stage: settings.stage, appName: settings.appName } });
}

/** Log keys come from the event; a pathological value must not blow up every log line. */
export const logValue = (value: string): string => oneLine(value, 256);

/** An input `parse` rejects is logged with its event id and reasons, then rethrown. */
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
