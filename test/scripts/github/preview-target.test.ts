import { previewTarget } from '../../../scripts/github/preview-target';
import { exampleConfig } from '../../support/cdk';

const CONFIG = exampleConfig();

test.each([
  ['delete', { EVENT_REF: '機能', REF_TYPE: 'branch' }],
  ['workflow_dispatch', { GITHUB_REF_NAME: '_', INPUT_ACTION: 'deploy' }],
])('a %s of a branch that names no stage does nothing, and says why', (event, env) => {
  expect(previewTarget(CONFIG, { GITHUB_EVENT_NAME: event, ...env })).toEqual({
    name: '',
    action: 'none',
    note: expect.stringContaining('has no ASCII letter or digit to name a stage after'),
  });
});
