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
 * HEAD_REF, EVENT_REF (the deleted ref), REF_TYPE, PUSH_DELETED, INPUT_ACTION; GITHUB_REF_TYPE and
 * DEFAULT_BRANCH, as no manual preview of the default branch or a tag is made.
 *
 * With `--still-current` (a deploy job, once it holds the stage's group), prints `current=true` or
 * `current=false`: each run's stage job finishes at its own pace, so a deploy can enter the group
 * after the close or delete that destroyed the stage, or after a newer push. Environment then:
 * GITHUB_REPOSITORY, GITHUB_SHA, PR_NUMBER and HEAD_SHA (the pull request's head), GH_TOKEN.
 */
import { isPreviewBranch } from '../../infra/config/branch-pattern';
import { parseConfig, type AppConfig } from '../../infra/config/load';
import { stageNameFromBranch, stageNameFromPullRequest } from '../../infra/config/stage-name';
import { appConfig } from '../../infra/config/stages';
import { runAsMain } from '../script-support';
import { ghApi } from './gh';

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
      // Their stage would live forever: the default branch always exists, and a tag is no branch.
      if (env.GITHUB_REF_TYPE === 'tag' || env.GITHUB_REF_NAME === env.DEFAULT_BRANCH) {
        throw new Error(
          `no preview of ${env.GITHUB_REF_TYPE} ${env.GITHUB_REF_NAME}: run it on a branch other than ${env.DEFAULT_BRANCH}`,
        );
      }
      return branchTarget(env.GITHUB_REF_NAME ?? '', env.INPUT_ACTION === 'destroy' ? 'destroy' : 'deploy');
    default:
      throw new Error(`preview target: no rule for event '${env.GITHUB_EVENT_NAME}'`);
  }
}

/** Why the run's change is no longer what its stage should show, or undefined while it is. */
export function staleBecause(env: NodeJS.ProcessEnv, api: typeof ghApi = ghApi): string | undefined {
  const repo = env.GITHUB_REPOSITORY ?? '';
  if (env.GITHUB_EVENT_NAME === 'pull_request') {
    const pull = api<{ state: string; head: { sha: string } }>(`repos/${repo}/pulls/${env.PR_NUMBER}`);
    if (pull?.state !== 'open') return `pull request #${env.PR_NUMBER} is ${pull?.state ?? 'gone'}`;
    if (pull.head.sha !== env.HEAD_SHA)
      return `pull request #${env.PR_NUMBER} has a newer head, ${pull.head.sha}`;
    return undefined;
  }
  const branch = env.GITHUB_REF_NAME ?? '';
  const path = branch.split('/').map(encodeURIComponent).join('/');
  const head = api<{ commit: { sha: string } }>(`repos/${repo}/branches/${path}`);
  if (!head) return `branch ${branch} is deleted`;
  if (head.commit.sha !== env.GITHUB_SHA) return `branch ${branch} has a newer commit, ${head.commit.sha}`;
  return undefined;
}

if (require.main === module && process.argv.includes('--still-current')) {
  runAsMain('preview target', () => {
    const stale = staleBecause(process.env);
    if (stale) console.error(`::notice title=Preview not deployed::${stale}`);
    console.log(`current=${stale === undefined}`);
    return Promise.resolve();
  });
} else if (require.main === module) {
  runAsMain('preview target', () => {
    const target = previewTarget(parseConfig(appConfig), process.env);
    console.log(`name=${target.name}`);
    console.log(`action=${target.action}`);
    if (target.note) console.error(`::notice title=No preview change::${target.note}`);
    return Promise.resolve();
  });
}
