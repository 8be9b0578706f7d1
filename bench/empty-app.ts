/**
 * The floor for `npm run bench -- synth`: one empty stack, synthesized through the same CLI and tsx
 * as the real app, so that what is left over in the real app's time is the platform's own cost.
 */
import { App, Stack } from 'aws-cdk-lib';

const app = new App();
new Stack(app, 'Empty');
app.synth();
