import * as fs from 'node:fs';
import * as path from 'node:path';
import { RegoEngine, TemplateFile } from '@aws/cloudformation-validate';
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Stack } from 'aws-cdk-lib';
import { ConfigError } from '../../infra/config/config-error';
import { parseConfig } from '../../infra/config/load';
import { stageGivenNames } from '../../infra/config/names';
import { appGivenNames } from '../../infra/config/validate';
import { appConfig } from '../../infra/config/stages';
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

describe('names over a service limit', () => {
  test('fail as a configuration error naming the setting, not as a stack trace from synthesis', () => {
    // GIVEN the longest app name allowed, and a 14-character pipeline region
    const input = { ...appConfig, appName: 'abcdefghijklmnopqrst' };
    // WHEN the app is built and synthesized as infra/app.ts does
    const synthesize = (): void => {
      const app = testApp();
      buildPlatform(app, parseConfig(input));
      app.synth();
    };
    // THEN the source bucket's 64-character name is reported before any construct is built
    expect(synthesize).toThrow(ConfigError);
    expect(synthesize).toThrow(
      /appName: the s3Bucket name 'abcdefghijklmnopqrst-pipeline-source-111111111111-ap-northeast-1' .* is 64 characters, over the limit of 63: shorten appName by 1/,
    );
  });
});

describe('every physical name', () => {
  /** Properties that carry a resource's physical name, or the name people see. */
  const NAME_PROPERTIES = [
    'FunctionName',
    'RoleName',
    'BucketName',
    'Name',
    'TopicName',
    'QueueName',
    'LogGroupName',
    'DisplayName',
  ];

  test('the app gives is one the configuration checks against its limits', () => {
    // GIVEN the example, with a stage in another region (CDK then adds a support stack) and a smoke test
    const config = parseConfig({
      ...appConfig,
      stages: [
        ...appConfig.stages,
        {
          name: 'eu',
          account: '444444444444',
          region: 'eu-west-1',
          vpc: { create: { availabilityZones: ['eu-west-1a'] } },
          smokeTest: true,
        },
      ],
    });
    const app = testApp();
    buildPlatform(app, config);
    const outdir = app.synth().directory;
    // WHEN every stack name and every literal name in every template is collected
    const stackNames = app.node
      .findAll()
      .filter(Stack.isStack)
      .map((stack) => stack.stackName);
    const templateNames = templates(outdir)
      // CDK generates the names in its cross-region support stacks, within the limits.
      .filter((file) => !path.basename(file).startsWith('cross-region-stack-'))
      .flatMap((file) => {
        const template = JSON.parse(fs.readFileSync(file, 'utf8')) as {
          Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
        };
        return Object.values(template.Resources)
          .filter((resource) => resource.Type !== 'AWS::KMS::Alias') // generated by CDK from the pipeline's name
          .flatMap((resource) => NAME_PROPERTIES.map((key) => resource.Properties?.[key]))
          .filter((value): value is string => typeof value === 'string');
      });
    // THEN each is among the names the configuration validates
    const checked = new Set(
      [
        ...appGivenNames(config),
        ...config.stages.flatMap((s) => stageGivenNames(config.appName, s.name)),
      ].map((n) => n.name),
    );
    expect(stackNames.length).toBeGreaterThan(5);
    expect([...stackNames, ...templateNames].filter((name) => !checked.has(name))).toEqual([]);
  });
});
