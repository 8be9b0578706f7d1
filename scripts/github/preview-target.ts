/**
 * What the preview workflow does for an event, and to which stage: prints `name=` and `action=`
 * (deploy, destroy or none) for $GITHUB_OUTPUT. The rules (docs/github-setup.md, "Previews"):
 *
 * - a pull request deploys `pr-<number>` and destroys it when it closes, unless its head branch
 *   matches `preview.branches`: that branch has a stage of its own, and no change gets two;
 * - a push to a branch matching `preview.branches` deploys `br-<branch>`;
 * - a deleted branch destroys `br-<branch>` (there is nothing to destroy when it had none);
 * - by hand, `deploy` or `destroy` the stage of the branch the run is on.
 *
 * Environment: GITHUB_EVENT_NAME, GITHUB_REF_NAME, and from the event EVENT_ACTION, PR_NUMBER,
 * HEAD_REF, EVENT_REF (the deleted ref), REF_TYPE, PUSH_DELETED, INPUT_ACTION.
 */
import { isPreviewBranch } from '../../infra/config/branch-pattern';
import { parseConfig, type AppConfig } from '../../infra/config/load';
import { stageNameFromBranch, stageNameFromPullRequest } from '../../infra/config/stage-name';
import { appConfig } from '../../infra/config/stages';
import { runAsMain } from '../script-support';

interface PreviewTarget {
  readonly name: string;
  readonly action: 'deploy' | 'destroy' | 'none';
  /** Why nothing happens, for the job's notice. */
  readonly note?: string;
}

/** A branch's stage, or nothing to do when no stage can be named after it. */
function branchTarget(branch: string, action: 'deploy' | 'destroy'): PreviewTarget {
  const name = stageNameFromBranch(branch);
  if (name === undefined) {
    return {
      name: '',
      action: 'none',
      note: `branch '${branch}' has no ASCII letter or digit to name a stage after`,
    };
  }
  return { name, action };
}

export function previewTarget(config: AppConfig, env: NodeJS.ProcessEnv): PreviewTarget {
  const patterns = config.preview.branches;
  switch (env.GITHUB_EVENT_NAME) {
    case 'pull_request': {
      const name = stageNameFromPullRequest(Number(env.PR_NUMBER));
      const head = env.HEAD_REF ?? '';
      if (isPreviewBranch(patterns, head)) {
        return {
          name,
          action: 'none',
          note: `branch ${head} has a preview of its own, ${stageNameFromBranch(head) ?? ''}: no ${name}`,
        };
      }
      return { name, action: env.EVENT_ACTION === 'closed' ? 'destroy' : 'deploy' };
    }
    case 'push': {
      const branch = env.GITHUB_REF_NAME ?? '';
      const target = branchTarget(branch, 'deploy');
      if (env.PUSH_DELETED === 'true')
        return { ...target, action: 'none', note: 'the push deleted the branch' };
      if (!isPreviewBranch(patterns, branch)) {
        return { ...target, action: 'none', note: `${branch} matches no pattern of preview.branches` };
      }
      return target;
    }
    case 'delete':
      if (env.REF_TYPE !== 'branch') return { name: '', action: 'none', note: 'a tag was deleted' };
      return branchTarget(env.EVENT_REF ?? '', 'destroy');
    case 'workflow_dispatch':
      return branchTarget(env.GITHUB_REF_NAME ?? '', env.INPUT_ACTION === 'destroy' ? 'destroy' : 'deploy');
    default:
      throw new Error(`preview target: no rule for event '${env.GITHUB_EVENT_NAME}'`);
  }
}

if (require.main === module) {
  runAsMain('preview target', () => {
    const target = previewTarget(parseConfig(appConfig), process.env);
    console.log(`name=${target.name}`);
    console.log(`action=${target.action}`);
    if (target.note) console.error(`::notice title=No preview change::${target.note}`);
    return Promise.resolve();
  });
}
