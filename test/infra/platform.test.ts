import * as fs from 'node:fs';
import * as path from 'node:path';
import { RegoEngine, TemplateFile } from '@aws/cloudformation-validate';
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EPHEMERAL_TAGS } from '../../infra/config/ephemeral';
import { parseConfig } from '../../infra/config/load';
import { stageGivenNames } from '../../infra/config/names';
import { previewNetworkNames } from '../../infra/config/preview-network';
import { appGivenNames } from '../../infra/config/validate';
import { appConfig } from '../../infra/config/stages';
import { buildPlatform } from '../../infra/platform';
import { exampleConfig, testApp } from '../support/cdk';

const CONFIG = exampleConfig();

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
    buildPlatform(app, CONFIG);
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

describe('a preview stage from the context', () => {
  // GIVEN the example configuration, whose previews have an account of their own; built once
  const app = testApp();
  const { pipeline, stage } = buildPlatform(app, CONFIG, { stage: 'pr-42' });
  const template = Template.fromStack(stage!.stack);
  const NETWORK = previewNetworkNames(CONFIG.appName, 2);

  test('is synthesized alone, without the pipeline', () => {
    expect(pipeline).toBeUndefined();
    expect(stage?.stack.stackName).toBe('jobs-pr-42-JobBase');
    expect(app.node.children.map((c) => c.node.id)).toEqual(['pr-42']);
  });

  test('creates no network of its own, and runs its jobs in the preview network', () => {
    for (const type of [
      'AWS::EC2::VPC',
      'AWS::EC2::Subnet',
      'AWS::EC2::InternetGateway',
      'AWS::EC2::FlowLog',
    ])
      template.resourceCountIs(type, 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: { 'Fn::ImportValue': NETWORK.vpcIdExport },
    });
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({
        Subnets: NETWORK.subnetIdExports.map((name) => ({ 'Fn::ImportValue': name })),
      }),
    });
  });

  test('publishes that its jobs need a public IP, as the network has no NAT', () => {
    template.hasOutput('JobsAssignPublicIp', { Value: 'ENABLED' });
  });

  test('gives every role the boundary of the preview account bootstrap', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      expect(role.Properties.PermissionsBoundary).toBe(
        'arn:aws:iam::333333333333:policy/jobs-preview-boundary',
      );
    }
  });

  test('is tagged with where it came from, on the stack, leaving the template free of deploy-time values', () => {
    expect(stage?.stack.tags.tagValues()).toEqual({
      [EPHEMERAL_TAGS.kind]: 'pr',
      [EPHEMERAL_TAGS.stage]: 'pr-42',
      [EPHEMERAL_TAGS.pullRequest]: '42',
      [EPHEMERAL_TAGS.repository]: `${CONFIG.github.owner}/${CONFIG.github.repository}`,
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('ephemeral:');
  });

  test('carries the creating run and time when the deploy gives them', () => {
    const run = 'https://github.com/example-org/batch-job-platform/actions/runs/7';
    const tagged = buildPlatform(testApp(), CONFIG, {
      stage: 'br-preview-x-0a1b2c',
      provenance: { run, createdAt: '2026-07-01T00:00:00Z' },
    }).stage;
    expect(tagged?.stack.tags.tagValues()).toMatchObject({
      [EPHEMERAL_TAGS.kind]: 'branch',
      [EPHEMERAL_TAGS.run]: run,
      [EPHEMERAL_TAGS.createdAt]: '2026-07-01T00:00:00Z',
    });
  });

  test('fails when the branch given does not name the stage', () => {
    expect(() =>
      buildPlatform(testApp(), CONFIG, { stage: 'br-feature-x', provenance: { branch: 'feature/x' } }),
    ).toThrow(/context stage: EPHEMERAL_BRANCH 'feature\/x' names stage/);
  });
});

describe('a configured stage from the context', () => {
  test.each([
    ['dev', false],
    ['prod', true],
  ])('%s is deployed by hand, by its name, protected from deletion: %p', (name, protectedStack) => {
    const { stage } = buildPlatform(testApp(), CONFIG, { stage: name });
    expect(stage?.config.name).toBe(name);
    expect(stage?.stack.terminationProtection).toBe(protectedStack);
    // Neither ephemeral tags nor the preview boundary: it is no preview.
    expect(stage?.stack.tags.tagValues()).toEqual({});
    const roles = Object.values(Template.fromStack(stage!.stack).findResources('AWS::IAM::Role'));
    for (const role of roles) expect(role.Properties.PermissionsBoundary).toBeUndefined();
  });
});

describe('previews without an account of their own', () => {
  test('get no boundary, and there is no bootstrap stack', () => {
    // GIVEN previews in the pipeline account
    const shared = { ...CONFIG, preview: { ...CONFIG.preview, account: CONFIG.pipeline.account } };
    // THEN
    const { stage } = buildPlatform(testApp(), shared, { stage: 'pr-42' });
    for (const role of Object.values(Template.fromStack(stage!.stack).findResources('AWS::IAM::Role'))) {
      expect(role.Properties.PermissionsBoundary).toBeUndefined();
    }
    const app = testApp();
    buildPlatform(app, shared);
    expect(app.node.tryFindChild('PreviewBootstrap')).toBeUndefined();
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
