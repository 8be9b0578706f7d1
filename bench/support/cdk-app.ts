import { App } from 'aws-cdk-lib';
import * as cdkJson from '../../cdk.json';

export interface CdkAppOptions {
  /**
   * Bundle the Lambda handlers with esbuild, as `cdk synth` does.
   * @default false - template assertions and pipeline shapes do not need the bundles, and skipping
   * them keeps synthesis fast
   */
  readonly bundling?: boolean;
}

/** An App with the project's feature flags (cdk.json), as the CLI would create it. */
export function cdkApp(options: CdkAppOptions = {}): App {
  const bundling = options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] };
  return new App({ context: { ...cdkJson.context, ...bundling } });
}
