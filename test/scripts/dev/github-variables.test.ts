import { variableLines } from '../../../scripts/dev/github-variables';
import { exampleConfig } from '../../support/cdk';

test('prints each variable as NAME=value', () => {
  expect(variableLines(exampleConfig(), 'env')).toContain(
    'DEPLOY_ROLE_ARN=arn:aws:iam::111111111111:role/jobs-github-deploy',
  );
});

test('prints a gh command per variable, described', () => {
  expect(variableLines(exampleConfig(), 'gh')).toContain(
    "gh variable set PIPELINE_NAME --body 'jobs-pipeline'  # the pipeline the deploy job starts",
  );
});
