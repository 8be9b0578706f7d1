import { selectStage } from '../../../infra/config/load';
import { stageNameFor } from '../../../scripts/dev/stage-name';
import { exampleConfig } from '../../support/cdk';

test('names a pull request preview pr-<number>', () => {
  expect(stageNameFor(['--pr', '42'], 'jobs')).toBe('pr-42');
});

test.each([
  ['feature-x', 'br-feature-x'],
  ['feature/x', expect.stringMatching(/^br-feature-x-[0-9a-f]{6}$/)],
  ['refs/heads/Fix_Bug#12', expect.stringMatching(/^br-fix-bug-12-[0-9a-f]{6}$/)],
  [
    'dependabot/npm_and_yarn/aws-cdk-lib-2.300.0',
    expect.stringMatching(/^br-dependabot-[a-z-]+-[0-9a-f]{6}$/),
  ],
])('names a branch preview br-<branch>, with a hash when sanitised or long: %s', (branch, expected) => {
  expect(stageNameFor(['--branch', branch], 'jobs')).toEqual(expected);
});

test('names only stages the app accepts as previews', () => {
  // GIVEN names the script prints for a pull request and a long branch
  const config = exampleConfig();
  for (const args of [
    ['--pr', '7'],
    ['--branch', 'feature/a-rather-long-branch-name/with/parts'],
  ]) {
    const name = stageNameFor(args, config.appName);
    // THEN `-c stage=NAME` selects an ephemeral preview stage of that name
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

test('fails on a branch with nothing to name a stage after', () => {
  expect(() => stageNameFor(['--branch', '___'], 'jobs')).toThrow(/has no letters or digits/);
});

test('fails when the names the stage would give are too long for the app name', () => {
  // GIVEN a 20-character app name and a 24-character stage name
  expect(() => stageNameFor(['--branch', 'abcdefghijklmnopqrstu'], 'a-twenty-char-appnam')).toThrow(
    /stage 'br-abcdefghijklmnopqrstu': the lambdaFunction name .* over the limit of 64/,
  );
});
