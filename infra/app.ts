#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { NagValidationPlugin } from './nag/nag-plugin';
import { appConfig } from './config/stages';
import { ConfigError } from './config/config-error';
import { parseConfig } from './config/load';
import { provenanceFromEnv } from './config/ephemeral';
import { buildPlatform } from './platform';

try {
  // The CDK CLI turns failing on validation errors off; findings must fail `cdk synth` here.
  const app = new App({ postCliContext: { '@aws-cdk/core:failSynthOnValidationErrors': true } });
  Validations.of(app).addPlugins(new NagValidationPlugin(app, new AwsSolutionsChecks()));
  const stage: unknown = app.node.tryGetContext('stage');
  if (stage !== undefined && typeof stage !== 'string') {
    throw new ConfigError([`context stage: must be a stage name, e.g. -c stage=pr-42`]);
  }
  // Where a preview came from: the preview workflow sets these at deploy time (docs/github-setup.md).
  const { provenance, problems } = provenanceFromEnv(process.env);
  if (problems.length > 0) throw new ConfigError(problems);
  buildPlatform(app, parseConfig(appConfig), {
    stage,
    defaultAccount: process.env.CDK_DEFAULT_ACCOUNT,
    provenance,
  });
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
