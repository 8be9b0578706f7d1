/**
 * integ-runner entry point: the JobBase scenario (see `job-base-scenario.ts`). `npm run integ` checks
 * its committed snapshot offline; `npm run integ:update` deploys it, runs the assertions, destroys it
 * and refreshes the snapshot (docs/integration-tests.md).
 */
import { App } from 'aws-cdk-lib';
import { DISABLE_CREATION_STACK_TRACES } from 'aws-cdk-lib/cx-api';
import { buildJobBaseScenario } from './job-base-scenario';

// The snapshot is committed: it must not record where the checkout that wrote it lives on disk.
const app = new App({ context: { [DISABLE_CREATION_STACK_TRACES]: true } });
buildJobBaseScenario(app);
app.synth();
