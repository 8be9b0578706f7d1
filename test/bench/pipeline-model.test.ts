import { Template } from 'aws-cdk-lib/assertions';
import { baselinePipeline } from '../../bench/baseline-pipeline';
import { SECONDS, analysePipeline, classifyCommand, pipelineStages } from '../../bench/pipeline-model';
import { exampleConfig, testApp } from '../support/cdk';

/** Hand-made templates: only the parts of a synthesized pipeline the analyser reads. */
const action = (name: string, category: string, provider: string, runOrder: number, configuration = {}) => ({
  Name: name,
  ActionTypeId: { Category: category, Owner: 'AWS', Provider: provider, Version: '1' },
  Configuration: configuration,
  RunOrder: runOrder,
});
const source = () => action('Source', 'Source', 'S3', 1, { S3Bucket: 'bucket', S3ObjectKey: 'source.zip' });
const codeBuild = (name: string, project: string, runOrder = 1) =>
  action(name, 'Build', 'CodeBuild', runOrder, { ProjectName: { Ref: project } });
const prepare = (runOrder: number) =>
  action('Stack.Prepare', 'Deploy', 'CloudFormation', runOrder, { ActionMode: 'CHANGE_SET_REPLACE' });
const execute = (runOrder: number) =>
  action('Stack.Deploy', 'Deploy', 'CloudFormation', runOrder, { ActionMode: 'CHANGE_SET_EXECUTE' });
const approve = (runOrder: number) => action('Approve', 'Approval', 'Manual', runOrder);

const buildSpec = (build: string[], install: string[] = []): string =>
  JSON.stringify({ version: '0.2', phases: { install: { commands: install }, build: { commands: build } } });
const project = (spec: unknown, environmentType = 'LINUX_CONTAINER') => ({
  Type: 'AWS::CodeBuild::Project',
  Properties: { Source: { Type: 'CODEPIPELINE', BuildSpec: spec }, Environment: { Type: environmentType } },
});

/** As the DefaultStackSynthesizer writes it unless told not to. */
const BOOTSTRAP_VERSION = {
  BootstrapVersion: {
    Type: 'AWS::SSM::Parameter::Value<String>',
    Default: '/cdk-bootstrap/hnb659fds/version',
  },
};

const template = (
  stages: Array<{ Name: string; Actions: unknown[] }>,
  projects: Record<string, unknown> = {},
  parameters: Record<string, unknown> = BOOTSTRAP_VERSION,
) => ({
  Parameters: parameters,
  Resources: {
    ...projects,
    Pipeline: { Type: 'AWS::CodePipeline::Pipeline', Properties: { Stages: stages } },
  },
});

/** How the model prices a CodeBuild action running these commands. */
const codeBuildSeconds = (...commands: number[]): number =>
  SECONDS.actionHandoff + SECONDS.codeBuildStart + commands.reduce((a, b) => a + b, 0);

/** Source, Synth (npm ci, npm test, synth), UpdatePipeline, two parallel asset jobs, dev, prod. */
const BASELINE_LIKE = analysePipeline(
  template(
    [
      { Name: 'Source', Actions: [source()] },
      { Name: 'Build', Actions: [codeBuild('Synth', 'SynthProject')] },
      { Name: 'UpdatePipeline', Actions: [codeBuild('SelfMutate', 'SelfMutateProject')] },
      { Name: 'Assets', Actions: [codeBuild('Asset1', 'AssetProject'), codeBuild('Asset2', 'AssetProject')] },
      { Name: 'dev', Actions: [prepare(1), execute(2), codeBuild('SmokeTest', 'SmokeProject', 3)] },
      {
        Name: 'prod',
        Actions: [
          prepare(1),
          codeBuild('ChangeSetSummary', 'ScriptProject', 2),
          approve(3),
          execute(4),
          codeBuild('TerminationProtection', 'ScriptProject', 5),
        ],
      },
    ],
    {
      SynthProject: project(buildSpec(['npm test', 'npm run synth'], ['npm ci'])),
      SelfMutateProject: project(
        buildSpec(['cdk -a . deploy Pipeline --require-approval=never'], ['npm install -g aws-cdk@2.1148.1']),
      ),
      AssetProject: project(buildSpec(['cdk-assets --path "a.assets.json" publish "h:a"'])),
      SmokeProject: project(buildSpec(['npx tsx scripts/smoke-test.ts'], ['npm ci'])),
      ScriptProject: project(buildSpec(['node script.cjs'])),
    },
  ),
);

describe('pipeline model: RunOrder', () => {
  test('actions of a stage with the same RunOrder form one step, in RunOrder order', () => {
    const t = template([{ Name: 'dev', Actions: [execute(2), prepare(1), codeBuild('Other', 'None', 2)] }]);
    const [stage] = pipelineStages(t);
    expect(stage?.steps.map((s) => [s.runOrder, s.actions.map((a) => a.name)])).toEqual([
      [1, ['Stack.Prepare']],
      [2, ['Stack.Deploy', 'Other']],
    ]);
  });

  test('a step of parallel actions takes as long as its slowest action', () => {
    const t = template([{ Name: 'Assets', Actions: [prepare(1), codeBuild('Slow', 'Slow', 1)] }], {
      Slow: project(buildSpec(['npm ci'])),
    });
    const [step] = pipelineStages(t)[0]?.steps ?? [];
    expect([step?.slowest.name, step?.seconds]).toEqual(['Slow', codeBuildSeconds(SECONDS.npmCi)]);
  });

  test('an action without RunOrder runs first, as CodePipeline defaults it to 1', () => {
    const { RunOrder: _omitted, ...unordered } = prepare(1);
    const t = template([{ Name: 'dev', Actions: [execute(2), unordered] }]);
    const [stage] = pipelineStages(t);
    expect(stage?.steps[0]?.slowest.name).toBe('Stack.Prepare');
  });
});

describe('pipeline model: what a CodeBuild action runs', () => {
  test('reads the commands of a buildspec given as an Fn::Join, references in place', () => {
    const spec = {
      'Fn::Join': [
        '',
        [
          '{"phases":{"build":{"commands":["cdk-assets --path \\"',
          { Ref: 'AWS::AccountId' },
          '.json\\" publish"]}}}',
        ],
      ],
    };
    const t = template([{ Name: 'Assets', Actions: [codeBuild('FileAsset', 'P')] }], { P: project(spec) });
    const commands = pipelineStages(t)[0]?.steps[0]?.slowest.commands;
    expect(commands?.map((c) => [c.text, c.kind])).toEqual([
      ['cdk-assets --path "<AWS::AccountId>.json" publish', 'asset-publish'],
    ]);
  });

  test.each([
    ['npm install -g aws-cdk@2.1148.1', 'cli-install', SECONDS.cliInstall],
    ['npm install -g cdk-assets@4.7.3', 'cli-install', SECONDS.cliInstall],
    ['npm ci', 'dependencies', SECONDS.npmCi],
    [
      'cdk -a . deploy Pipeline --require-approval=never --verbose',
      'self-mutation',
      SECONDS.selfMutationDeploy,
    ],
    [
      'cdk-assets --path "assembly-Pipeline-dev/x.assets.json" --verbose publish "h:1-r"',
      'asset-publish',
      SECONDS.assetPublish,
    ],
    ['npm test', 'test', SECONDS.fullTestSuite],
    ['npm run test', 'test', SECONDS.fullTestSuite],
    ['npx eslint .', 'test', SECONDS.testTool],
    ['npx jest', 'test', SECONDS.testTool],
    ['npx integ-runner', 'test', SECONDS.testTool],
    ['npm run lint', 'test', SECONDS.testTool],
    ['npx tsc --noEmit', 'test', SECONDS.testTool],
    ['npm run synth', 'synth', SECONDS.synth],
    ['npx tsx scripts/smoke-test.ts', 'script', SECONDS.tsxScript],
    ['node scripts/smoke-test.cjs', 'script', SECONDS.nodeScript],
    ['export A="$(cat a.txt)"', 'other', SECONDS.otherCommand],
  ])('classifies `%s` as %s, costing %d s', (command, kind, seconds) => {
    expect(classifyCommand(command)).toMatchObject({ kind, seconds });
  });
});

describe('pipeline model: compute and self-mutation', () => {
  const selfMutate = buildSpec(
    ['cdk -a . deploy Pipeline --require-approval=never'],
    ['npm install -g aws-cdk@2.1148.1'],
  );
  const seconds = (environmentType: string, parameters?: Record<string, unknown>): number | undefined => {
    const t = template(
      [{ Name: 'UpdatePipeline', Actions: [codeBuild('SelfMutate', 'P')] }],
      { P: project(selfMutate, environmentType) },
      parameters,
    );
    return pipelineStages(t)[0]?.steps[0]?.seconds;
  };

  test('a project on Lambda compute starts in lambdaComputeStart, one on EC2 in codeBuildStart', () => {
    const work = SECONDS.cliInstall + SECONDS.selfMutationDeploy;
    expect([seconds('LINUX_LAMBDA_CONTAINER'), seconds('LINUX_CONTAINER')]).toEqual([
      SECONDS.actionHandoff + SECONDS.lambdaComputeStart + work,
      SECONDS.actionHandoff + SECONDS.codeBuildStart + work,
    ]);
  });

  test('self-mutation of a template that reads no SSM parameter is priced as the skip of an unchanged one', () => {
    expect(seconds('LINUX_CONTAINER', {})).toBe(
      SECONDS.actionHandoff + SECONDS.codeBuildStart + SECONDS.cliInstall + SECONDS.selfMutationUnchanged,
    );
  });
});

describe('pipeline model: critical paths', () => {
  test('(a) runs from the source action to the end of the first deployed stage smoke test', () => {
    expect(BASELINE_LIKE.toFirstStageTested?.steps.map((s) => `${s.stage}/${s.slowest.name}`)).toEqual([
      'Source/Source',
      'Build/Synth',
      'UpdatePipeline/SelfMutate',
      'Assets/Asset1',
      'dev/Stack.Prepare',
      'dev/Stack.Deploy',
      'dev/SmokeTest',
    ]);
  });

  test('(a) counts one CodeBuild start per sequential step, parallel jobs as one', () => {
    expect(BASELINE_LIKE.toFirstStageTested?.codeBuildStarts).toBe(4);
  });

  test('(a) totals its steps, each priced by what it runs, the smoke test with its probe job', () => {
    expect(BASELINE_LIKE.toFirstStageTested?.seconds).toBe(
      SECONDS.actionHandoff +
        SECONDS.source +
        codeBuildSeconds(SECONDS.npmCi, SECONDS.fullTestSuite, SECONDS.synth) +
        codeBuildSeconds(SECONDS.cliInstall, SECONDS.selfMutationDeploy) +
        codeBuildSeconds(SECONDS.assetPublish) +
        2 * SECONDS.actionHandoff +
        SECONDS.changeSetCreate +
        SECONDS.changeSetExecute +
        codeBuildSeconds(SECONDS.npmCi, SECONDS.tsxScript, SECONDS.smokeTestJob),
    );
  });

  test('(a) ends at the change-set execution when the first stage has no smoke test', () => {
    const t = template([
      { Name: 'Source', Actions: [source()] },
      { Name: 'dev', Actions: [prepare(1), execute(2), codeBuild('Later', 'None', 3)] },
    ]);
    const path = analysePipeline(t).toFirstStageTested;
    expect(path?.steps.at(-1)?.slowest.name).toBe('Stack.Deploy');
  });

  test('(b) runs from the approval to the end of its stage change-set execution', () => {
    expect(BASELINE_LIKE.approvalToProduction?.steps.map((s) => s.slowest.name)).toEqual([
      'Approve',
      'Stack.Deploy',
    ]);
  });

  test("(b) counts no person's time for the approval", () => {
    expect(BASELINE_LIKE.approvalToProduction?.seconds).toBe(
      2 * SECONDS.actionHandoff + SECONDS.changeSetExecute,
    );
  });

  test('(b) shows the CodeBuild steps after the deploy separately', () => {
    const { after, afterSeconds } = BASELINE_LIKE.approvalToProduction!;
    expect(after.map((s) => s.slowest.name)).toEqual(['TerminationProtection']);
    expect(afterSeconds).toBe(codeBuildSeconds(SECONDS.nodeScript));
  });

  test('(b) is missing when no stage waits for an approval', () => {
    const t = template([{ Name: 'dev', Actions: [prepare(1), execute(2)] }]);
    expect(analysePipeline(t).approvalToProduction).toBeUndefined();
  });
});

describe('pipeline model: counts', () => {
  test('counts every CodeBuild action that publishes assets', () => {
    expect(BASELINE_LIKE.assetJobs).toBe(2);
  });

  test('counts every test and lint command in the pipeline', () => {
    const t = template([{ Name: 'Build', Actions: [codeBuild('Synth', 'A'), codeBuild('Lint', 'B', 2)] }], {
      A: project(buildSpec(['npm test'])),
      B: project(buildSpec(['npx eslint .', 'npx jest', 'node x.cjs'])),
    });
    expect(analysePipeline(t).testRuns).toBe(3);
  });

  test('counts the CodeBuild starts and jobs before the first CloudFormation action', () => {
    expect(BASELINE_LIKE).toMatchObject({
      firstDeployStage: 'dev',
      codeBuildStartsBeforeFirstDeploy: 3,
      codeBuildJobsBeforeFirstDeploy: 4,
    });
  });

  test('fails when the template holds no CodePipeline', () => {
    expect(() => analysePipeline({ Resources: {} })).toThrow(
      'expected one AWS::CodePipeline::Pipeline in the template, found 0',
    );
  });
});

test('the baseline pipeline synthesizes, with one test run (its Synth step) and one asset job per file asset (3: the job-state and stuck-job bundles, one CDK provider)', () => {
  const stack = baselinePipeline(testApp(), 'Pipeline', { config: exampleConfig() });
  const analysis = analysePipeline(Template.fromStack(stack).toJSON());
  const actions = analysis.stages.flatMap((s) => s.steps.flatMap((step) => step.actions));
  expect(actions.filter((a) => a.commands.some((c) => c.kind === 'test')).map((a) => a.name)).toEqual([
    'Synth',
  ]);
  expect([analysis.testRuns, analysis.assetJobs]).toEqual([1, 3]);
});
