import * as fs from 'node:fs';
import * as path from 'node:path';
import { RegoEngine, TemplateFile } from '@aws/cloudformation-validate';
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPlatform } from '../../infra/platform';
import { exampleConfig, testApp } from '../support/cdk';

/** Every CloudFormation template in a cloud assembly, nested stage assemblies included. */
function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return templates(full);
    return entry.name.endsWith('.template.json') ? [full] : [];
  });
}

describe('the whole app, as `npm run synth` builds it', () => {
  let app: App;
  let outdir: string;

  beforeAll(() => {
    // GIVEN the example configuration, with the handlers bundled as at deploy time
    app = testApp({ bundling: true });
    buildPlatform(app, exampleConfig());
    // WHEN
    outdir = app.synth().directory;
  });

  test('synthesizes the pipeline with every configured stage', () => {
    const files = templates(outdir).map((f) => path.relative(outdir, f));
    expect(files).toEqual(
      expect.arrayContaining([
        'Pipeline.template.json',
        path.join('assembly-Pipeline-dev', 'PipelinedevJobBase1D56FE2D.template.json'),
        path.join('assembly-Pipeline-prod', 'PipelineprodJobBaseF2BB0620.template.json'),
      ]),
    );
  });

  test('has no unacknowledged AwsSolutions finding in any stack of any stage', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(
      report.violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('every template passes the offline CloudFormation validator with no error', () => {
    const engine = new RegoEngine();
    try {
      const errors = templates(outdir).flatMap((file) =>
        engine
          .validateStandard(new TemplateFile(file), { severityLevel: 'ERROR' })
          .diagnostics.map((d) => `${path.basename(file)}: ${d.ruleId} ${d.message}`),
      );
      expect(errors).toEqual([]);
    } finally {
      engine.free();
    }
  });
});

describe('one stage from the context', () => {
  test('a preview stage is synthesized alone, without the pipeline', () => {
    // GIVEN
    const app = testApp();
    // WHEN
    const platform = buildPlatform(app, exampleConfig(), { stage: 'pr-42' });
    // THEN
    expect(platform.pipeline).toBeUndefined();
    expect(platform.stage?.stack.stackName).toBe('jobs-pr-42-JobBase');
    expect(app.node.children.map((c) => c.node.id)).toEqual(['pr-42']);
  });

  test('a configured stage can be deployed by hand, by its name', () => {
    const platform = buildPlatform(testApp(), exampleConfig(), { stage: 'dev' });
    expect(platform.stage?.config.name).toBe('dev');
    expect(platform.stage?.stack.terminationProtection).toBe(false);
  });

  test('production stacks are protected from deletion', () => {
    const platform = buildPlatform(testApp(), exampleConfig(), { stage: 'prod' });
    expect(platform.stage?.stack.terminationProtection).toBe(true);
  });
});
