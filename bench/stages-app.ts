/**
 * The real app with `-c bench:stages=N` copies of the example's dev stage (named s1..sN) in place of
 * the configured stages, for `npm run bench -- synth` to measure what each further stage costs.
 * Built exactly as `infra/app.ts` builds the app: the same platform code and cdk-nag validation.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseConfig } from '../infra/config/load';
import { appConfig } from '../infra/config/stages';
import { NagValidationPlugin } from '../infra/nag/nag-plugin';
import { buildPlatform } from '../infra/platform';

const STAGES_CONTEXT = 'bench:stages';

const app = new App({ postCliContext: { '@aws-cdk/core:failSynthOnValidationErrors': true } });
Validations.of(app).addPlugins(new NagValidationPlugin(app, new AwsSolutionsChecks()));
const count = Number(app.node.tryGetContext(STAGES_CONTEXT));
if (!Number.isInteger(count) || count < 1) {
  throw new Error(`-c ${STAGES_CONTEXT}=N: N must be a whole number of stages, at least 1`);
}
const dev = appConfig.stages.find((stage) => stage.name === 'dev');
if (!dev) throw new Error('the example configuration has no dev stage to copy');
const stages = Array.from({ length: count }, (_, index) => ({ ...dev, name: `s${index + 1}` }));
buildPlatform(app, parseConfig({ ...appConfig, stages }));
app.synth();
