import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { PipelineAction } from '../../../bench/support/pipeline-template';
import { lambdaImage } from '../../../infra/pipeline/compute';
import { SMOKE_TEST_WAIT_SECONDS } from '../../../infra/pipeline/smoke-test-step';
import { CODEBUILD_NODE_VERSION } from '../../../infra/pipeline/toolchain';
import { exampleConfig } from '../../support/cdk';
import { synthPipeline, type SynthesizedPipeline } from './synth-pipeline';

const LAMBDA = {
  Type: 'LINUX_LAMBDA_CONTAINER',
  ComputeType: 'BUILD_LAMBDA_1GB',
  Image: `aws/codebuild/amazonlinux-x86_64-lambda-standard:nodejs${CODEBUILD_NODE_VERSION}`,
};
const EC2 = {
  Type: 'LINUX_CONTAINER',
  ComputeType: 'BUILD_GENERAL1_SMALL',
  Image: 'aws/codebuild/standard:7.0',
};
/** The projects of the example pipeline, by stage and action. */
const PROJECTS = [
  'UpdatePipeline/SelfMutate',
  'Assets/FileAssets',
  'dev/SmokeTest',
  'prod/ChangeSetSummary',
  'prod/TerminationProtection',
];
/** Lambda compute's fixed limit on a build (CodeBuild User Guide, "Limitations of AWS Lambda compute"). */
const LAMBDA_CAP_SECONDS = 15 * 60;

/**
 * The commands Lambda compute may run, and why each writes only under /tmp, where the image sets
 * HOME and npm's global prefix (aws/aws-codebuild-docker-images, al-lambda/x86_64/nodejs22/Dockerfile)
 * and CodeBuild extracts the source, the only place it can (CodeBuild guide: "writing to files outside
 * /tmp" is not supported).
 */
const WRITES_UNDER_TMP: readonly RegExp[] = [
  // The global prefix, /tmp/opt/npm, and npm's cache under HOME.
  /^npm install -g (aws-cdk|cdk-assets)@\d+\.\d+\.\d+$/,
  // The CLI's cache under HOME; reads the assembly in the source directory.
  /^cdk -a \. deploy Pipeline /,
  // Zips of directory assets in the assembly's .cache (cdk-assets' fileCacheRoot).
  /^cdk-assets --path "[^"/][^"]*" --verbose publish /,
  // The bundled scripts of infra/pipeline/pipeline-tools.ts, which write nothing on Lambda compute.
  /^node \S+\/(smoke-test|protect-stack)\.cjs$/,
];

interface Project {
  readonly name: string;
  readonly environment: Record<string, unknown>;
  readonly timeout: unknown;
  readonly buildSpec: unknown;
  readonly commands: readonly string[];
}

/** Every CodeBuild action's project, its buildspec parsed (from the assembly when the template names a file). */
function projects(pipeline: SynthesizedPipeline): Project[] {
  const actions = pipeline.stages.flatMap((s) => s.actions.filter((a) => a.kind === 'codebuild'));
  return actions.map((action: PipelineAction) => {
    const properties = action.project ?? {};
    const { BuildSpec } = properties.Source as { BuildSpec: string };
    const text = /\.ya?ml$/.test(BuildSpec)
      ? readFileSync(join(pipeline.app.outdir, BuildSpec), 'utf-8')
      : BuildSpec;
    const environment = properties.Environment as Record<string, unknown>;
    return {
      name: `${action.stage}/${action.name}`,
      environment,
      timeout: properties.TimeoutInMinutes,
      buildSpec: parseYaml(text),
      commands: action.commands,
    };
  });
}

const shape = ({ Type, ComputeType, Image }: Record<string, unknown>) => ({ Type, ComputeType, Image });

describe('pipeline compute', () => {
  const lambda = projects(synthPipeline());
  const ec2 = projects(
    synthPipeline({ ...exampleConfig(), pipeline: { ...exampleConfig().pipeline, compute: 'ec2' } }),
  );

  test('lambda (the default): every project on Lambda compute but the change-set summary, on EC2', () => {
    expect(lambda.map((p) => [p.name, shape(p.environment)])).toEqual(
      PROJECTS.map((name) => [name, name === 'prod/ChangeSetSummary' ? EC2 : LAMBDA]),
    );
  });

  test('ec2: every project on EC2', () => {
    expect(ec2.map((p) => [p.name, shape(p.environment)])).toEqual(PROJECTS.map((name) => [name, EC2]));
  });

  describe.each([
    ['lambda', lambda],
    ['ec2', ec2],
  ])('with %s, what each buildspec assumes holds where it runs', (compute, built) => {
    const onLambda = built.filter((p) => p.environment.Type === LAMBDA.Type);
    const onEc2 = built.filter((p) => p.environment.Type === EC2.Type);

    test('Lambda compute: no runtime-versions, no timeout, no privileged mode', () => {
      expect(onLambda.length > 0).toBe(compute === 'lambda');
      for (const p of onLambda) {
        expect([p.name, JSON.stringify(p.buildSpec)]).not.toEqual([
          p.name,
          expect.stringContaining('runtime-versions'),
        ]);
        expect([p.name, p.timeout, p.environment.PrivilegedMode]).toEqual([p.name, undefined, false]);
      }
    });

    test('Lambda compute: every command is one whose writes are known to stay under /tmp', () => {
      const unknown = onLambda.flatMap((p) =>
        p.commands.filter((c) => !WRITES_UNDER_TMP.some((known) => known.test(c))).map((c) => [p.name, c]),
      );
      expect(unknown).toEqual([]);
    });

    test('EC2: Node.js chosen by runtime-versions, as .nvmrc sets it', () => {
      expect(onEc2.length).toBeGreaterThan(0);
      for (const p of onEc2) {
        const install = (p.buildSpec as { phases: { install: Record<string, unknown> } }).phases.install;
        expect([p.name, install['runtime-versions']]).toEqual([p.name, { nodejs: CODEBUILD_NODE_VERSION }]);
      }
    });
  });

  test("the smoke test's wait ends at least 5 minutes before Lambda compute's 15-minute cap", () => {
    expect(SMOKE_TEST_WAIT_SECONDS + 5 * 60).toBeLessThanOrEqual(LAMBDA_CAP_SECONDS);
  });

  test('fails for a Node.js version with no Lambda compute image, naming the fix', () => {
    expect(() => lambdaImage('21')).toThrow(
      "CodeBuild Lambda compute has no image here for Node.js 21: add it to LAMBDA_IMAGES (infra/pipeline/compute.ts), or set pipeline.compute to 'ec2'",
    );
  });
});
