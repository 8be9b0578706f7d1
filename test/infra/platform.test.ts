import * as fs from 'node:fs';
import * as path from 'node:path';
import { RegoEngine, TemplateFile } from '@aws/cloudformation-validate';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { CfnResource, Stack, Stage, TagManager, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ephemeralTags } from '../../infra/config/ephemeral';
import { parseConfig } from '../../infra/config/load';
import { stageGivenNames } from '../../infra/config/names';
import { previewNetworkNames } from '../../infra/config/preview-network';
import { appGivenNames } from '../../infra/config/validate';
import { appConfig } from '../../infra/config/stages';
import { buildPlatform } from '../../infra/platform';
import { NOT_COST_TAGGED, SHARED_STAGE_TAG } from '../../infra/constructs/cost-allocation-tags';
import { JobBaseStage } from '../../infra/stages/job-base-stage';
import { exampleConfig, testApp } from '../support/cdk';

const CONFIG = exampleConfig();
const REPOSITORY = `${CONFIG.github.owner}/${CONFIG.github.repository}`;
/** The example with a stage in a second region (CDK then adds a support stack) and a smoke test. */
const TWO_REGIONS = parseConfig({
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

/** Every CloudFormation template in a cloud assembly, nested stage assemblies included. */
const templates = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => path.join(dir, file));

/** Every resource whose type takes tags (`TagManager.of`: its spec has Tags), with its synthesized tags. */
function taggableResources(app: App) {
  app.synth();
  return app.node
    .findAll()
    .filter(CfnResource.isCfnResource)
    .flatMap((resource) => {
      const manager = TagManager.of(resource);
      if (!manager) return [];
      const stack = Stack.of(resource);
      const file = path.join(Stage.of(stack)!.outdir, stack.templateFile);
      const template = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        Resources: Record<string, { Properties?: Record<string, unknown> }>;
      };
      const property = manager.tagPropertyName.replace(/^./, (c) => c.toUpperCase());
      const tags = template.Resources[stack.resolve(resource.logicalId) as string]?.Properties?.[property];
      const stage = Stage.of(resource);
      return [
        {
          what: `${resource.node.path} (${resource.cfnResourceType})`,
          type: resource.cfnResourceType,
          // Standard tags are a list of Key and Value; Batch's are a map.
          tags: Array.isArray(tags)
            ? Object.fromEntries(tags.map((t: { Key: string; Value: unknown }) => [t.Key, t.Value]))
            : ((tags ?? {}) as Record<string, unknown>),
          stage: stage instanceof JobBaseStage ? stage.config.name : SHARED_STAGE_TAG,
        },
      ];
    });
}

/** The resources, among those that should carry them, without `app: jobs` and their `stage`. */
function withoutCostTags(resources: ReturnType<typeof taggableResources>): string[] {
  return resources
    .filter(({ type }) => !NOT_COST_TAGGED.includes(type))
    .filter(({ tags, stage }) => tags.app !== 'jobs' || tags.stage !== stage)
    .map(({ what, tags }) => `${what}: ${JSON.stringify(tags)}`);
}

describe('the whole app, as `npm run synth` builds it, with a stage in a second region', () => {
  let app: App;
  let outdir: string;

  beforeAll(() => {
    // The handlers bundled, as at deploy time.
    app = testApp({ bundling: true });
    buildPlatform(app, TWO_REGIONS);
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

  test('tags every resource it can with app and stage for cost allocation, shared stacks with _shared', () => {
    const resources = taggableResources(app);
    expect(resources.length).toBeGreaterThan(100);
    expect(withoutCostTags(resources)).toEqual([]);
    expect(new Set(resources.map(({ stage }) => stage))).toEqual(new Set(['_shared', 'dev', 'prod', 'eu']));
  });

  test("leaves the stacks, and Batch's compute environments and job queues (tags replace them), untagged", async () => {
    const resources = taggableResources(app).filter(({ type }) => NOT_COST_TAGGED.includes(type));
    expect(new Set(resources.map(({ type }) => type))).toEqual(new Set(NOT_COST_TAGGED.slice(1)));
    for (const { tags } of resources) expect([tags.app, tags.stage]).toEqual([undefined, undefined]);
    for (const stack of app.node.findAll().filter(Stack.isStack))
      expect(stack.tags.tagValues().app).toBeUndefined();
    // CloudFormation's schemas, as CDK's service spec holds them: their Tags are create-only.
    const db = await loadAwsServiceSpec();
    const replaced = NOT_COST_TAGGED.slice(1).map((type) => {
      const [resource] = db.lookup('resource', 'cloudFormationType', 'equals', type);
      return resource?.properties.Tags?.causesReplacement;
    });
    expect(replaced).toEqual(['yes', 'yes']);
  });

  test('tags no resource whose tags CloudFormation can change only by replacing it', async () => {
    const db = await loadAwsServiceSpec();
    const types = new Set(
      taggableResources(app)
        .filter(({ type }) => !NOT_COST_TAGGED.includes(type))
        .map(({ type }) => type),
    );
    const replacedByTags = [...types].filter((type) => {
      const [resource] = db.lookup('resource', 'cloudFormationType', 'equals', type);
      return resource?.properties.Tags?.causesReplacement === 'yes';
    });
    expect(types.size).toBeGreaterThan(20);
    // A job definition is replaced by every change anyway: CloudFormation registers a new revision.
    expect(replacedByTags).toEqual(['AWS::Batch::JobDefinition']);
  });

  test('gives only physical names the configuration checks against their limits', () => {
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
    const checked = new Set(
      [
        ...appGivenNames(TWO_REGIONS),
        ...TWO_REGIONS.stages.flatMap((s) => stageGivenNames(TWO_REGIONS.appName, s.name)),
      ].map((n) => n.name),
    );
    expect(stackNames.length).toBeGreaterThan(5);
    expect([...stackNames, ...templateNames].filter((name) => !checked.has(name))).toEqual([]);
  });
});

describe('a preview stage from the context', () => {
  // The example's previews have an account of their own.
  const app = testApp();
  const { pipeline, stage } = buildPlatform(app, CONFIG, { stage: 'pr-42' });
  const template = Template.fromStack(stage!.stack);
  const NETWORK = previewNetworkNames(CONFIG.appName, 2);

  test('is synthesized alone, without the pipeline', () => {
    expect(pipeline).toBeUndefined();
    expect(stage?.stack.stackName).toBe('jobs-pr-42-JobBase');
    expect(app.node.children.map((c) => c.node.id)).toEqual(['pr-42']);
  });

  test('creates no network of its own, and runs its jobs with a public IP in the preview network', () => {
    for (const type of ['VPC', 'Subnet', 'InternetGateway', 'FlowLog'])
      template.resourceCountIs(`AWS::EC2::${type}`, 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: { 'Fn::ImportValue': NETWORK.vpcIdExport },
    });
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({
        Subnets: NETWORK.subnetIdExports.map((name) => ({ 'Fn::ImportValue': name })),
      }),
    });
    template.hasOutput('JobsAssignPublicIp', { Value: 'ENABLED' });
  });

  test('gives every role the boundary of the preview account bootstrap', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(0);
    const boundary = 'arn:aws:iam::333333333333:policy/jobs-preview-boundary';
    for (const role of roles) expect(role.Properties.PermissionsBoundary).toBe(boundary);
  });

  test('tags every resource it can with app and the stage for cost allocation', () => {
    expect(withoutCostTags(taggableResources(app))).toEqual([]);
  });

  test('is tagged with where it came from, on the stack, leaving the template free of deploy-time values', () => {
    expect(stage?.stack.tags.tagValues()).toEqual(ephemeralTags({ stage: 'pr-42', repository: REPOSITORY }));
    expect(JSON.stringify(template.toJSON())).not.toContain('ephemeral:');
  });

  test('carries the creating run and time when the deploy gives them', () => {
    const run = 'https://github.com/example-org/batch-job-platform/actions/runs/7';
    const options = {
      stage: 'br-preview-x-0a1b2c',
      provenance: { run, createdAt: '2026-07-01T00:00:00Z' },
    };
    const tagged = buildPlatform(testApp(), CONFIG, options).stage;
    expect(tagged?.stack.tags.tagValues()).toEqual(ephemeralTags({ ...options, repository: REPOSITORY }));
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
    const shared = { ...CONFIG, preview: { ...CONFIG.preview, account: CONFIG.pipeline.account } };
    const { stage } = buildPlatform(testApp(), shared, { stage: 'pr-42' });
    for (const role of Object.values(Template.fromStack(stage!.stack).findResources('AWS::IAM::Role'))) {
      expect(role.Properties.PermissionsBoundary).toBeUndefined();
    }
    const app = testApp();
    buildPlatform(app, shared);
    expect(app.node.tryFindChild('PreviewBootstrap')).toBeUndefined();
  });
});
