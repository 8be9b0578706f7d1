import { previewAccount } from '../../infra/config/github';
import type { AppConfig } from '../../infra/config/load';
import { BOT_APPROVED_LABEL } from '../../infra/config/github';
import { KEEP_LABEL } from '../github/ephemeral-sweep';
import { variableLines } from './github-variables';
import {
  bootstrapped,
  environment,
  HAND_DEPLOYED_STACKS,
  linkedRoles,
  stack,
  type SetupStep,
} from './setup-step';

/** What the subject of a job's OIDC token holds; the roles trust this form (`github.ts`). */
export const OIDC_SUBJECT_CLAIMS = {
  use_default: false,
  include_claim_keys: ['repo', 'context', 'job_workflow_ref'],
};
export const INTEG_LABEL = 'integ';

export function githubSteps(config: AppConfig): SetupStep[] {
  const { owner, repository, deployEnvironment, previewEnvironment, branch } = config.github;
  const repo = `repos/${owner}/${repository}`;
  const ruleset = {
    name: branch,
    target: 'branch',
    enforcement: 'active',
    conditions: { ref_name: { include: [`refs/heads/${branch}`], exclude: [] } },
    rules: [
      {
        type: 'pull_request',
        parameters: {
          required_approving_review_count: 1,
          dismiss_stale_reviews_on_push: true,
          require_code_owner_review: false,
          require_last_push_approval: false,
          required_review_thread_resolution: false,
        },
      },
      {
        type: 'required_status_checks',
        parameters: {
          strict_required_status_checks_policy: false,
          required_status_checks: [{ context: 'ci' }],
        },
      },
    ],
  };
  const json = (value: unknown): string => `'${JSON.stringify(value)}'`;
  return [
    {
      title: 'Create the GitHub environments, the deploy one limited to its branch',
      actor: 'github',
      commands: [
        `gh api -X PUT ${repo}/environments/${previewEnvironment}`,
        `gh api -X PUT ${repo}/environments/${deployEnvironment} --input - <<< ${json({ deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } })}`,
        `gh api -X POST ${repo}/environments/${deployEnvironment}/deployment-branch-policies -f name=${branch} -f type=branch`,
      ],
      needs: ['configuration'],
      produces: [
        { id: environment(previewEnvironment), what: `the environment ${previewEnvironment}, every branch` },
        { id: environment(deployEnvironment), what: `the environment ${deployEnvironment}, ${branch} only` },
      ],
    },
    {
      title: "Set the subject of the workflows' OIDC tokens",
      actor: 'github',
      commands: [
        `gh api -X PUT ${repo}/actions/oidc/customization/sub --input - <<< ${json(OIDC_SUBJECT_CLAIMS)}`,
      ],
      needs: ['configuration'],
      produces: [
        {
          id: 'oidc-subject',
          what: `tokens whose sub names ${OIDC_SUBJECT_CLAIMS.include_claim_keys.join(', ')}`,
        },
      ],
    },
    {
      title: 'Set the repository variables',
      actor: 'github',
      commands: variableLines(config, 'gh').map(
        (line) => `${line.split('  #')[0]} --repo ${owner}/${repository}`,
      ),
      needs: ['configuration'],
      produces: [{ id: 'variables', what: 'the variables the workflows read' }],
    },
    {
      title: 'Create the labels',
      actor: 'github',
      commands: [
        `gh label create ${INTEG_LABEL} --repo ${owner}/${repository} --description 'Run the integration tests on this pull request'`,
        `gh label create ${KEEP_LABEL} --repo ${owner}/${repository} --description 'Keep this idle preview past preview.ttlDays'`,
        `gh label create ${BOT_APPROVED_LABEL} --repo ${owner}/${repository} --description "A maintainer read this bot's change: preview and integration tests may run"`,
      ],
      needs: ['configuration'],
      produces: [
        { id: 'labels', what: `the labels ${INTEG_LABEL}, ${KEEP_LABEL} and ${BOT_APPROVED_LABEL}` },
      ],
    },
    {
      title: `Protect ${branch}: pull requests and the check ci`,
      actor: 'github',
      commands: [`gh api -X POST ${repo}/rulesets --input - <<< ${json(ruleset)}`],
      needs: ['configuration'],
      produces: [{ id: 'ruleset', what: `the ruleset that lets only tested pull requests into ${branch}` }],
    },
  ];
}

/** The first runs of the workflows, which use all the rest. */
export function firstRuns(config: AppConfig): SetupStep[] {
  const { github, preview } = config;
  const previewIn = previewAccount(config);
  return [
    {
      title: 'Deploy every stage: run CI on main',
      actor: 'github',
      commands: [`gh workflow run ci.yml --repo ${github.owner}/${github.repository} --ref ${github.branch}`],
      needs: [
        'variables',
        'role:deploy',
        environment(github.deployEnvironment),
        stack(HAND_DEPLOYED_STACKS.pipeline),
        ...[...new Set(config.stages.map((s) => s.account))].map(linkedRoles),
      ],
      produces: [{ id: 'stages', what: `the stages ${config.stages.map((s) => s.name).join(', ')}` }],
    },
    {
      title: 'Open a pull request: its preview deploys',
      actor: 'github',
      commands: [
        'git switch -c try-preview && git commit --allow-empty -m "Try a preview" && git push -u origin try-preview',
        `gh pr create --repo ${github.owner}/${github.repository} --fill`,
      ],
      needs: [
        'variables',
        'role:preview',
        environment(github.previewEnvironment),
        bootstrapped(previewIn, preview.region),
        linkedRoles(previewIn),
        ...(preview.vpc.shared ? [stack(HAND_DEPLOYED_STACKS.previewNetwork)] : []),
      ],
      produces: [{ id: 'preview', what: 'the preview pr-<number>, destroyed when the pull request closes' }],
    },
  ];
}
