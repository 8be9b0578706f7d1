import { Template } from 'aws-cdk-lib/assertions';
import { baselinePipeline } from '../../bench/baseline-pipeline';
import { SECONDS, analysePipeline, classifyCommand, pipelineStages } from '../../bench/pipeline-model';
import { exampleConfig, testApp } from '../support/cdk';

/** Hand-made templates: only the parts of a synthesized pipeline the analyser reads. */
type Json = Record<string, unknown>;

const action = (
  name: string,
  category: string,
  provider: string,
  runOrder: number,
  configuration?: Json,
) => ({
  Name: name,
  ActionTypeId: { Category: category, Owner: 'AWS', Provider: provider, Version: '1' },
  ...(configuration ? { Configuration: configuration } : {}),
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
const project = (spec: unknown) => ({
  Type: 'AWS::CodeBuild::Project',
  Properties: { Source: { Type: 'CODEPIPELINE', BuildSpec: spec } },
});

function template(
  stages: Array<{ Name: string; Actions: unknown[] }>,
  projects: Record<string, unknown> = {},
) {
  return {
    Resources: {
      ...projects,
      Pipeline: { Type: 'AWS::CodePipeline::Pipeline', Properties: { Stages: stages } },
    },
  };
}

/** How the model prices a CodeBuild action running these commands. */
const codeBuildSeconds = (...commands: number[]): number =>
  SECONDS.actionHandoff + SECONDS.codeBuildStart + commands.reduce((a, b) => a + b, 0);

/** Source, Synth (npm ci, npm test, synth), UpdatePipeline, two parallel asset jobs, dev, prod. */
function baselineLike() {
  return template(
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
  );
}

describe('pipeline model: RunOrder', () => {
  test('actions of a stage with the same RunOrder form one step, in RunOrder order', () => {
    // GIVEN
    const t = template([{ Name: 'dev', Actions: [execute(2), prepare(1), codeBuild('Other', 'None', 2)] }]);

    // WHEN
    const [stage] = pipelineStages(t);

    // THEN
    expect(stage?.steps.map((s) => [s.runOrder, s.actions.map((a) => a.name)])).toEqual([
      [1, ['Stack.Prepare']],
      [2, ['Stack.Deploy', 'Other']],
    ]);
  });

  test('a step of parallel actions takes as long as its slowest action', () => {
    // GIVEN
    const t = template([{ Name: 'Assets', Actions: [prepare(1), codeBuild('Slow', 'Slow', 1)] }], {
      Slow: project(buildSpec(['npm ci'])),
    });

    // WHEN
    const [step] = pipelineStages(t)[0]?.steps ?? [];

    // THEN
    expect(step?.slowest.name).toBe('Slow');
    expect(step?.seconds).toBe(codeBuildSeconds(SECONDS.npmCi));
  });

  test('an action without RunOrder runs first, as CodePipeline defaults it to 1', () => {
    // GIVEN
    const { RunOrder: _omitted, ...unordered } = prepare(1);
    const t = template([{ Name: 'dev', Actions: [execute(2), unordered] }]);

    // WHEN
    const [stage] = pipelineStages(t);

    // THEN
    expect(stage?.steps[0]?.slowest.name).toBe('Stack.Prepare');
  });
});

describe('pipeline model: what a CodeBuild action runs', () => {
  test('reads the commands of a buildspec given as a JSON string, install phase first', () => {
    // GIVEN
    const t = template([{ Name: 'Build', Actions: [codeBuild('Synth', 'P')] }], {
      P: project(buildSpec(['npm test', 'npm run synth'], ['npm ci'])),
    });

    // WHEN
    const commands = pipelineStages(t)[0]?.steps[0]?.slowest.commands;

    // THEN
    expect(commands?.map((c) => [c.text, c.kind])).toEqual([
      ['npm ci', 'dependencies'],
      ['npm test', 'test'],
      ['npm run synth', 'synth'],
    ]);
  });

  test('reads the commands of a buildspec given as an Fn::Join, tokens in place', () => {
    // GIVEN
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

    // WHEN
    const commands = pipelineStages(t)[0]?.steps[0]?.slowest.commands;

    // THEN
    expect(commands?.map((c) => [c.text, c.kind])).toEqual([
      ['cdk-assets --path "#{token}.json" publish', 'asset-publish'],
    ]);
  });

  test('reads a buildspec CDK Pipelines wrote into the cloud assembly, through the file reader', () => {
    // GIVEN
    const t = template([{ Name: 'Assets', Actions: [codeBuild('FileAssets', 'P')] }], {
      P: project('buildspec-abc-FileAsset.yaml'),
    });
    const files: Record<string, string> = {
      'buildspec-abc-FileAsset.yaml':
        'phases:\n  build:\n    commands:\n      - cdk-assets --path "a.json" publish "x"\n',
    };

    // WHEN
    const analysis = analysePipeline(t, { buildSpecFile: (name) => files[name] });

    // THEN
    expect(analysis.assetJobs).toBe(1);
  });

  test.each([
    ['npm install -g aws-cdk@2.1148.1', 'cli-install'],
    ['npm install -g cdk-assets@4.7.3', 'cli-install'],
    ['cdk -a . deploy Pipeline --require-approval=never --verbose', 'self-mutation'],
    ['cdk-assets --path "assembly-Pipeline-dev/x.assets.json" --verbose publish "h:1-r"', 'asset-publish'],
    ['npm run test', 'test'],
    ['npx eslint .', 'test'],
    ['npx jest', 'test'],
    ['npx integ-runner', 'test'],
    ['npm run lint', 'test'],
    ['npx tsc --noEmit', 'test'],
    ['npx tsx scripts/smoke-test.ts', 'script'],
    ['node scripts/smoke-test.cjs', 'script'],
    ['export A="$(cat a.txt)"', 'other'],
  ])('classifies `%s` as %s', (command, kind) => {
    // WHEN
    const classified = classifyCommand(command);

    // THEN
    expect(classified.kind).toBe(kind);
  });

  test('the whole `npm test` costs more than one test tool on its own', () => {
    // WHEN
    const suite = classifyCommand('npm test');
    const tool = classifyCommand('npx jest');

    // THEN
    expect([suite.seconds, tool.seconds]).toEqual([SECONDS.fullTestSuite, SECONDS.testTool]);
  });
});

describe('pipeline model: critical paths', () => {
  test('(a) runs from the source action to the end of the first deployed stage smoke test', () => {
    // WHEN
    const path = analysePipeline(baselineLike()).toFirstStageTested;

    // THEN
    expect(path?.steps.map((s) => `${s.stage}/${s.slowest.name}`)).toEqual([
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
    // WHEN
    const path = analysePipeline(baselineLike()).toFirstStageTested;

    // THEN
    expect(path?.codeBuildStarts).toBe(4);
  });

  test('(a) the smoke test waits for its probe job on top of its commands', () => {
    // WHEN
    const path = analysePipeline(baselineLike()).toFirstStageTested;

    // THEN
    expect(path?.steps.at(-1)?.seconds).toBe(
      codeBuildSeconds(SECONDS.npmCi, SECONDS.tsxScript, SECONDS.smokeTestJob),
    );
  });

  test('(a) totals its steps', () => {
    // WHEN
    const path = analysePipeline(baselineLike()).toFirstStageTested;

    // THEN
    expect(path?.seconds).toBe(path?.steps.reduce((total, s) => total + s.seconds, 0));
  });

  test('(a) ends at the change-set execution when the first stage has no smoke test', () => {
    // GIVEN
    const t = template([
      { Name: 'Source', Actions: [source()] },
      { Name: 'dev', Actions: [prepare(1), execute(2), codeBuild('Later', 'None', 3)] },
    ]);

    // WHEN
    const path = analysePipeline(t).toFirstStageTested;

    // THEN
    expect(path?.steps.at(-1)?.slowest.name).toBe('Stack.Deploy');
  });

  test('(b) runs from the approval to the end of its stage change-set execution', () => {
    // WHEN
    const path = analysePipeline(baselineLike()).approvalToProduction;

    // THEN
    expect(path?.steps.map((s) => s.slowest.name)).toEqual(['Approve', 'Stack.Deploy']);
  });

  test("(b) counts no person's time for the approval", () => {
    // WHEN
    const path = analysePipeline(baselineLike()).approvalToProduction;

    // THEN
    expect(path?.seconds).toBe(2 * SECONDS.actionHandoff + SECONDS.approval + SECONDS.changeSetExecute);
    expect(SECONDS.approval).toBe(0);
  });

  test('(b) shows the CodeBuild steps after the deploy separately', () => {
    // WHEN
    const path = analysePipeline(baselineLike()).approvalToProduction;

    // THEN
    expect(path?.after.map((s) => s.slowest.name)).toEqual(['TerminationProtection']);
    expect(path?.afterSeconds).toBe(codeBuildSeconds(SECONDS.nodeScript));
  });

  test('(b) is missing when no stage waits for an approval', () => {
    // GIVEN
    const t = template([{ Name: 'dev', Actions: [prepare(1), execute(2)] }]);

    // WHEN
    const analysis = analysePipeline(t);

    // THEN
    expect(analysis.approvalToProduction).toBeUndefined();
  });
});

describe('pipeline model: counts', () => {
  test('counts every CodeBuild action that publishes assets', () => {
    // WHEN
    const analysis = analysePipeline(baselineLike());

    // THEN
    expect(analysis.assetJobs).toBe(2);
  });

  test('counts every test and lint command in the pipeline', () => {
    // GIVEN
    const t = template([{ Name: 'Build', Actions: [codeBuild('Synth', 'A'), codeBuild('Lint', 'B', 2)] }], {
      A: project(buildSpec(['npm test'])),
      B: project(buildSpec(['npx eslint .', 'npx jest', 'node x.cjs'])),
    });

    // WHEN
    const analysis = analysePipeline(t);

    // THEN
    expect(analysis.testRuns).toBe(3);
  });

  test('counts the CodeBuild starts and jobs before the first CloudFormation action', () => {
    // WHEN
    const analysis = analysePipeline(baselineLike());

    // THEN
    expect(analysis.firstDeployStage).toBe('dev');
    expect([analysis.codeBuildStartsBeforeFirstDeploy, analysis.codeBuildJobsBeforeFirstDeploy]).toEqual([
      3, 4,
    ]);
  });

  test('fails when the template holds no CodePipeline', () => {
    // WHEN / THEN
    expect(() => analysePipeline({ Resources: {} })).toThrow(
      'expected one AWS::CodePipeline::Pipeline in the template, found 0',
    );
  });
});

describe('pipeline model: the baseline pipeline', () => {
  test('synthesizes, with one test run (its Synth step) and one asset job per file asset (4: three handlers, one CDK provider)', () => {
    // GIVEN
    const config = exampleConfig();
    const stack = baselinePipeline(testApp(), 'Pipeline', { config });

    // WHEN
    const analysis = analysePipeline(Template.fromStack(stack).toJSON());

    // THEN
    const testRuns = analysis.stages.flatMap((s) => s.steps.flatMap((step) => step.actions));
    expect(testRuns.filter((a) => a.commands.some((c) => c.kind === 'test')).map((a) => a.name)).toEqual([
      'Synth',
    ]);
    expect(analysis.testRuns).toBe(1);
    expect(analysis.assetJobs).toBe(4);
  });
});
