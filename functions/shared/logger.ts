import { Logger } from '@aws-lambda-powertools/logger';
import type { HandlerConfig } from './config';

/** What the handler logs through; the Powertools Logger in production, a spy in tests. */
export type HandlerLogger = Pick<Logger, 'info' | 'error' | 'appendKeys' | 'resetKeys' | 'addContext'>;

/**
 * Structured JSON logs. The stage is on every line; the handler appends job id, status and event
 * id per invocation. Level: POWERTOOLS_LOG_LEVEL (or Lambda's log level control), default INFO.
 */
export function createLogger(config: Pick<HandlerConfig, 'appName' | 'stage'>, serviceName: string): Logger {
  return new Logger({ serviceName, persistentKeys: { stage: config.stage, appName: config.appName } });
}
