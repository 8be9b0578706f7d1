import type { App } from 'aws-cdk-lib';
import { selectStage, type AppConfig } from './config/load';
import { JobBaseStage } from './stages/job-base-stage';

export interface PlatformOptions {
  /** `-c stage=NAME`: synthesize only this stage (a configured one, or a `pr-`/`br-` preview). */
  readonly stage?: string;
  /** The account previews deploy to when the configuration names none. */
  readonly defaultAccount?: string;
}

/**
 * Everything the app synthesizes: every configured stage, or with a stage named in the context,
 * that stage alone (previews and hand deploys of one stage).
 */
export function buildPlatform(app: App, config: AppConfig, options: PlatformOptions = {}): JobBaseStage[] {
  const stages = options.stage
    ? [selectStage(config, options.stage, { defaultAccount: options.defaultAccount })]
    : config.stages;
  return stages.map((stage) => new JobBaseStage(app, stage.name, { appName: config.appName, stage }));
}
