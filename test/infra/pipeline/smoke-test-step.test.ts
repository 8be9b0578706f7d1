import {
  PIPELINE_ACCOUNT,
  actionNamed,
  deployActions,
  envOf,
  listOf,
  roleStatements,
  stageNamed,
  synthPipeline,
  type SynthesizedPipeline,
} from './synth-pipeline';
import type { PipelineAction, PipelineStage } from '../../../bench/support/pipeline-template';

const DEV_SMOKE_TEST_ROLE = `arn:<AWS::Partition>:iam::${PIPELINE_ACCOUNT}:role/jobs-dev-SmokeTestRole`;

describe('smokeTestStep', () => {
  let pipeline: SynthesizedPipeline;
  let dev: PipelineStage;
  let smoke: PipelineAction;
  beforeAll(() => {
    pipeline = synthPipeline();
    dev = stageNamed(pipeline, 'dev');
    smoke = actionNamed(dev, 'SmokeTest');
  });

  test('runs after the dev deploy, the only CodeBuild action of the stage', () => {
    const deploys = deployActions(dev, 'jobs-dev-JobBase');
    expect(dev.actions.filter((a) => a.kind === 'codebuild')).toEqual([smoke]);
    expect(deploys).toHaveLength(2);
    expect(smoke.runOrder).toBeGreaterThan(Math.max(...deploys.map((a) => a.runOrder)));
  });

  test("takes the queue, inbox and probe job from the dev stack's outputs", () => {
    const ns = deployActions(dev, 'jobs-dev-JobBase').find((a) => a.declaration.Namespace)?.declaration
      .Namespace;
    const variables = JSON.parse(smoke.configuration.EnvironmentVariables as string) as unknown;
    expect(ns).toEqual(expect.any(String));
    const output = (name: string, key: string) => ({
      name,
      type: 'PLAINTEXT',
      value: `#{${String(ns)}.${key}}`,
    });
    expect(variables).toEqual([
      output('JOB_QUEUE_ARN', 'JobQueueArn'),
      output('SMOKE_TEST_QUEUE_URL', 'SmokeTestQueueUrl'),
      output('SMOKE_TEST_JOB_DEFINITION_ARN', 'SmokeTestJobDefinitionArn'),
    ]);
  });

  test("runs the bundled smoke test, with nothing to install, against the dev stage's region, role and jobs", () => {
    expect(smoke.commands).toEqual([expect.stringMatching(/^node \S+\/smoke-test\.cjs$/)]);
    expect(envOf(smoke)).toEqual({
      AWS_REGION: 'ap-northeast-1',
      SMOKE_TEST_ROLE_ARN: DEV_SMOKE_TEST_ROLE,
      SMOKE_TEST_TIMEOUT_SECONDS: '600',
      SMOKE_TEST_JOB_NAME_PREFIX: 'smoke-dev',
    });
  });

  test("may assume only the dev stage's smoke-test role", () => {
    const statements = roleStatements(pipeline, smoke);
    const sts = statements.filter((s) => listOf(s.Action).some((a) => /^(sts:|\*$)/.test(String(a))));
    expect(sts.map((s) => [s.Effect, s.Action, listOf(s.Resource)])).toEqual([
      ['Allow', 'sts:AssumeRole', [DEV_SMOKE_TEST_ROLE]],
    ]);
    expect(statements.filter((s) => listOf(s.Resource).includes('*'))).toEqual([]);
  });

  test('no smoke step for a stage without smokeTest', () => {
    expect(stageNamed(pipeline, 'prod').actions.map((a) => a.name)).not.toContain('SmokeTest');
  });
});
