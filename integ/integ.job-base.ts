/**
 * integ-runner entry point: the JobBase scenario (see `job-base-scenario.ts`). `npm run integ` checks
 * its committed snapshot offline; `npm run integ:update` deploys it, runs the assertions, destroys it
 * and refreshes the snapshot (docs/integration-tests.md).
 */
import { App, Aspects, PERMISSIONS_BOUNDARY_CONTEXT_KEY } from 'aws-cdk-lib';
import { DISABLE_CREATION_STACK_TRACES } from 'aws-cdk-lib/cx-api';
import { INTEG_STAGE_NAME, ephemeralTags, provenanceFromEnv } from '../infra/config/ephemeral';
import { previewAccountIsOwn } from '../infra/config/github';
import { parseConfig } from '../infra/config/load';
import { previewBootstrapNames } from '../infra/config/names';
import { appConfig } from '../infra/config/stages';
import { RetainRoles } from '../infra/constructs/retain-roles';
import { buildJobBaseScenario } from './job-base-scenario';

// The scenario deploys to the preview account; where that account is bootstrapped with the scoped
// policies (PreviewBootstrapStack), every role must carry their boundary, the assertions' too.
const config = parseConfig(appConfig);
const boundary = previewAccountIsOwn(config)
  ? { [PERMISSIONS_BOUNDARY_CONTEXT_KEY]: { name: previewBootstrapNames(config.appName).boundaryName } }
  : {};
// The snapshot is committed: it must not record where the checkout that wrote it lives on disk.
const app = new App({ context: { [DISABLE_CREATION_STACK_TRACES]: true, ...boundary } });
const scenario = buildJobBaseScenario(app);
if (previewAccountIsOwn(config)) Aspects.of(app).add(new RetainRoles());
// Stack tags say where the stacks came from (integ.yml sets the run and time); they are not part of
// the templates, so the snapshot stays the same.
const { provenance, problems } = provenanceFromEnv(process.env);
if (problems.length > 0) throw new Error(problems.join('; '));
const tags = ephemeralTags({
  stage: INTEG_STAGE_NAME,
  repository: `${config.github.owner}/${config.github.repository}`,
  provenance,
});
for (const stack of [scenario.jobBase, scenario.probes, scenario.assertions]) {
  for (const [key, value] of Object.entries(tags)) stack.tags.setTag(key, value);
}
app.synth();
