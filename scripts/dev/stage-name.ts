/**
 * Prints the preview stage name for a pull request or a branch, by the rules the app validates, so
 * that workflows name stages exactly as `-c stage=NAME` accepts them:
 *
 *   npx tsx scripts/dev/stage-name.ts --pr 42              # pr-42
 *   npx tsx scripts/dev/stage-name.ts --branch feature-x   # br-feature-x
 *   npx tsx scripts/dev/stage-name.ts --branch feature/x   # br-feature-x-217d2b
 *
 * Exits non-zero, naming the problem, when the name would not be accepted.
 */
import { parseArgs } from 'node:util';
import { parseConfig } from '../../infra/config/load';
import { nameProblems } from '../../infra/config/names';
import {
  stageNameFromBranch,
  stageNameFromPullRequest,
  stageNameProblem,
} from '../../infra/config/stage-name';
import { appConfig } from '../../infra/config/stages';
import { runAsMain } from '../script-support';

const USAGE = 'usage: stage-name.ts --pr <number> | --branch <name>';

export function stageNameFor(argv: readonly string[], appName: string): string {
  const { values } = parseArgs({
    args: [...argv],
    options: { pr: { type: 'string' }, branch: { type: 'string' } },
  });
  if ((values.pr === undefined) === (values.branch === undefined)) throw new Error(USAGE);
  if (values.pr !== undefined && !/^[1-9]\d{0,8}$/.test(values.pr)) {
    throw new Error(`--pr must be a pull request number, got '${values.pr}'`);
  }
  const name =
    values.pr !== undefined
      ? stageNameFromPullRequest(Number(values.pr))
      : (stageNameFromBranch(values.branch ?? '') ?? '');
  const problems = [stageNameProblem(name), ...nameProblems(appName, name)].filter(
    (p): p is string => p !== undefined,
  );
  if (problems.length > 0) throw new Error(`stage '${name}': ${problems.join('; ')}`);
  return name;
}

if (require.main === module) {
  runAsMain('stage name', () => {
    console.log(stageNameFor(process.argv.slice(2), parseConfig(appConfig).appName));
    return Promise.resolve();
  });
}
