import { selectStage } from '../../../infra/config/load';
import { stageNameFor } from '../../../scripts/dev/stage-name';
import { exampleConfig } from '../../support/cdk';

// The naming rules themselves: test/infra/config/stage-name.test.ts.
test('names a pull request preview pr-<number> and a branch preview br-<branch>', () => {
  expect(stageNameFor(['--pr', '42'], 'jobs')).toBe('pr-42');
  expect(stageNameFor(['--branch', 'feature/x'], 'jobs')).toMatch(/^br-feature-x-[0-9a-f]{6}$/);
});

test('names only stages the app accepts as previews', () => {
  const config = exampleConfig();
  for (const args of [
    ['--pr', '7'],
    ['--branch', 'feature/a-rather-long-branch-name/with/parts'],
  ]) {
    const name = stageNameFor(args, config.appName);
    // `-c stage=NAME` selects an ephemeral preview stage of that name
    expect(selectStage(config, name)).toMatchObject({ name, ephemeral: true });
  }
});

test('fails without exactly one of --pr and --branch', () => {
  expect(() => stageNameFor([], 'jobs')).toThrow('usage: stage-name.ts --pr <number> | --branch <name>');
  expect(() => stageNameFor(['--pr', '1', '--branch', 'x'], 'jobs')).toThrow(/usage/);
});

test('fails on a pull request number that is not a number', () => {
  expect(() => stageNameFor(['--pr', '4x'], 'jobs')).toThrow("--pr must be a pull request number, got '4x'");
});

test('fails when the names the stage would give are too long for the app name', () => {
  // a 20-character app name and a 24-character stage name
  expect(() => stageNameFor(['--branch', 'abcdefghijklmnopqrstu'], 'a-twenty-char-appnam')).toThrow(
    /stage 'br-abcdefghijklmnopqrstu': the lambdaFunction name .* over the limit of 64/,
  );
});
