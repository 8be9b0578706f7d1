import * as packageJson from '../../../package.json';
import { exactVersion } from '../../../infra/pipeline/toolchain';
import { stageNamed, synthPipeline, type SynthesizedPipeline } from './synth-pipeline';

describe('toolchain', () => {
  let pipeline: SynthesizedPipeline;
  beforeAll(() => (pipeline = synthPipeline()));

  test.each([
    ['UpdatePipeline', 'SelfMutate', 'aws-cdk', /^cdk -a \. deploy Pipeline /],
    ['Assets', 'FileAssets', 'cdk-assets', /^cdk-assets --path .* publish /],
  ] as const)(
    '%s runs one job, %s, that installs exactly the %s package.json pins',
    (stage, job, cli, run) => {
      const actions = stageNamed(pipeline, stage).actions;
      expect(actions.map((a) => [a.name, a.kind])).toEqual([[job, 'codebuild']]);
      const [install, ...commands] = actions[0]!.commands;
      expect(install).toBe(`npm install -g ${cli}@${packageJson.devDependencies[cli]}`);
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) expect(command).toMatch(run);
    },
  );

  test('fails when package.json pins a CLI to a range', () => {
    expect(() => exactVersion('aws-cdk', '^2.1148.1')).toThrow(
      "package.json must pin aws-cdk to an exact version (e.g. 2.1148.1), found '^2.1148.1'",
    );
  });
});
