import { Template } from 'aws-cdk-lib/assertions';
import {
  BOT_APPROVED_LABEL,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  githubVariables,
} from '../../infra/config/github';
import { parseConfig, type AppConfig } from '../../infra/config/load';
import { appConfig } from '../../infra/config/stages';
import { GithubOidcStack, githubOidcStacks } from '../../infra/stacks/github-oidc-stack';
import { testApp } from '../support/cdk';
import { isAllowed, type IamStatement } from '../support/iam-evaluation';
import {
  credentialSteps,
  jobsRun,
  loadWorkflows,
  roleVariableOf,
  subjectOf,
  type Trigger,
} from '../support/workflows';

type Scenario = Trigger & { readonly workflow?: string; readonly expected: string[] };

const CI = ['ci.yml/ci'];
const INTEG = ['integ.yml/cleanup', 'integ.yml/integ', 'integ.yml/turn'];
const DEPLOY_PREVIEW = ['preview.yml/deploy', 'preview.yml/stage'];
const DESTROY_PREVIEW = ['preview.yml/destroy', 'preview.yml/stage'];
const SWEEP = ['sweep.yml/destroy', 'sweep.yml/plan'];

const push = (description: string, branch: string, expected: string[]): Scenario => ({
  description,
  eventName: 'push',
  ref: `refs/heads/${branch}`,
  expected,
});
const pr = (
  description: string,
  action: string,
  expected: string[],
  more: Partial<Trigger> = {},
): Scenario => ({
  description,
  eventName: 'pull_request',
  action,
  ref: 'refs/pull/42/merge',
  ...more,
  expected,
});
const manual = (
  description: string,
  workflow: string,
  ref: string,
  expected: string[],
  inputs = {},
): Scenario => ({
  description,
  workflow,
  eventName: 'workflow_dispatch',
  ref,
  inputs,
  expected,
});

/** Each way a run starts, restricted to one workflow for manual runs, and the jobs it must run (sorted). */
const SCENARIOS: Scenario[] = [
  push('a push to main', 'main', [...CI, 'ci.yml/deploy']),
  push('a push to another branch', 'feature/x', []),
  push('a push to a branch of preview.branches', 'preview/x', DEPLOY_PREVIEW),
  {
    description: 'a branch deleted',
    eventName: 'delete',
    ref: 'refs/heads/main',
    deletedRef: 'preview/x',
    expected: DESTROY_PREVIEW,
  },
  pr(
    'a pull request from a branch of preview.branches opened: that branch has its own stage',
    'opened',
    [...CI, 'preview.yml/stage'],
    { headRef: 'preview/x' },
  ),
  ...['opened', 'synchronize', 'reopened'].map((action) =>
    pr(`a pull request ${action}`, action, [...CI, ...DEPLOY_PREVIEW]),
  ),
  pr('a push to a pull request labelled integ', 'synchronize', [...CI, ...INTEG, ...DEPLOY_PREVIEW], {
    labels: ['integ'],
  }),
  pr('the label integ added to a pull request', 'labeled', INTEG, { label: 'integ', labels: ['integ'] }),
  pr('another label added to a pull request labelled integ', 'labeled', [], {
    label: 'docs',
    labels: ['integ', 'docs'],
  }),
  pr('a pull request closed', 'closed', DESTROY_PREVIEW),
  pr(
    'a pull request from a fork opened, labelled integ',
    'opened',
    [...CI, 'integ.yml/fork', 'preview.yml/fork'],
    { fromFork: true, labels: ['integ'] },
  ),
  pr('a pull request from a fork closed', 'closed', ['preview.yml/fork'], { fromFork: true }),
  pr("a bot's pull request opened, labelled integ: no preview, no integration tests", 'opened', CI, {
    bot: true,
    labels: ['integ'],
  }),
  pr("a bot's pull request closed, never approved", 'closed', [], { bot: true }),
  pr(
    `a bot's pull request labelled integ, then ${BOT_APPROVED_LABEL} by a maintainer`,
    'labeled',
    [...INTEG, ...DEPLOY_PREVIEW],
    { bot: true, label: BOT_APPROVED_LABEL, labels: ['integ', BOT_APPROVED_LABEL] },
  ),
  pr(
    `a push to a bot's pull request labelled ${BOT_APPROVED_LABEL}`,
    'synchronize',
    [...CI, ...DEPLOY_PREVIEW],
    {
      bot: true,
      labels: [BOT_APPROVED_LABEL],
    },
  ),
  pr(`a bot's pull request labelled ${BOT_APPROVED_LABEL}, closed`, 'closed', DESTROY_PREVIEW, {
    bot: true,
    labels: [BOT_APPROVED_LABEL],
  }),
  pr(`${BOT_APPROVED_LABEL} added to a person's pull request`, 'labeled', DEPLOY_PREVIEW, {
    label: BOT_APPROVED_LABEL,
    labels: [BOT_APPROVED_LABEL],
  }),
  {
    description: 'the nightly schedule',
    eventName: 'schedule',
    ref: 'refs/heads/main',
    expected: [...INTEG, ...SWEEP],
  },
  ...['refs/heads/main', 'refs/heads/feature/x'].flatMap((ref) => [
    manual(
      `a manual CI run on ${ref}`,
      'ci.yml',
      ref,
      ref === 'refs/heads/main' ? [...CI, 'ci.yml/deploy'] : CI,
    ),
    ...['deploy', 'destroy'].map((action) =>
      manual(
        `a manual preview ${action} on ${ref}`,
        'preview.yml',
        ref,
        // No manual preview of the default branch, whose stage nothing would sweep.
        ref === 'refs/heads/main' ? ['preview.yml/stage'] : [`preview.yml/${action}`, 'preview.yml/stage'],
        { action },
      ),
    ),
    manual(`a manual integration test run on ${ref}`, 'integ.yml', ref, INTEG),
  ]),
  manual('a manual sweep', 'sweep.yml', 'refs/heads/main', SWEEP),
];

type TrustStatement = Omit<IamStatement, 'Resource'>;

/** The trust statements of the synthesized roles, by the repository variable that names each role. */
function rolesByVariable(config: AppConfig): Record<string, TrustStatement[]> {
  const app = testApp();
  const roles: Record<string, TrustStatement[]> = {};
  const variables = githubVariables(config);
  // Every stack first, then the templates: synthesis freezes the construct tree.
  const stacks = githubOidcStacks(config).map(({ id, props }) => new GithubOidcStack(app, id, props));
  for (const stack of stacks) {
    const template = Template.fromStack(stack);
    const resources = template.findResources('AWS::IAM::Role') as Record<
      string,
      { Properties: { RoleName: string; AssumeRolePolicyDocument: { Statement: TrustStatement[] } } }
    >;
    for (const { Properties } of Object.values(resources)) {
      const variable = Object.entries(variables).find(([, arn]) =>
        arn.endsWith(`:role/${Properties.RoleName}`),
      )?.[0];
      if (variable) roles[variable] = Properties.AssumeRolePolicyDocument.Statement;
    }
  }
  return roles;
}

/** Whether a role's trust policy lets a GitHub token with this subject assume the role. */
function accepts(statements: TrustStatement[], subject: string): boolean {
  const context = { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: subject };
  const request = { action: 'sts:AssumeRoleWithWebIdentity', resource: 'the role', context };
  return isAllowed(
    request,
    statements.map((statement) => ({ ...statement, Resource: '*' })),
  );
}

/** The jobs a scenario runs, as `file/job`. */
const jobsOf = (scenario: Scenario, repository: string) =>
  loadWorkflows()
    .filter((w) => !scenario.workflow || w.file === scenario.workflow)
    .flatMap((w) =>
      jobsRun(w, scenario, repository).map((id) => ({
        name: `${w.file}/${id}`,
        job: { ...w.jobs[id]!, file: w.file },
      })),
    );

/** Every (scenario, job) that assumes a role, with the subject the job presents then. */
const assumedRoles = (config: AppConfig) =>
  SCENARIOS.flatMap((scenario) =>
    jobsOf(scenario, `${config.github.owner}/${config.github.repository}`).flatMap(({ name, job }) =>
      credentialSteps(job).map((step) => ({
        scenario: scenario.description,
        job: name,
        variable: roleVariableOf(step),
        subject: subjectOf(config.github, job, scenario),
      })),
    ),
  );

const LEGACY = parseConfig(appConfig);
const IMMUTABLE = parseConfig({
  ...appConfig,
  github: { ...appConfig.github, ownerId: 9001, repositoryId: 42424 },
});

describe('which jobs run', () => {
  test.each(SCENARIOS.map((s) => [s.description, s] as const))('%s', (_, scenario) => {
    const ran = jobsOf(scenario, `${LEGACY.github.owner}/${LEGACY.github.repository}`).map((j) => j.name);
    expect(ran.sort()).toEqual(scenario.expected);
  });
});

describe.each([
  ['names', LEGACY],
  ['immutable ids', IMMUTABLE],
])('OIDC subjects, with the repository known by %s', (_, config) => {
  const roles = rolesByVariable(config);
  const assumed = assumedRoles(config);

  test('every job that assumes a role is accepted by that role', () => {
    const rejected = assumed.filter((a) => !accepts(roles[a.variable] ?? [], a.subject));
    expect(rejected).toEqual([]);
  });

  test('no job is accepted by a role it does not assume', () => {
    const overreaching = assumed.flatMap((a) =>
      Object.entries(roles)
        .filter(([variable, statements]) => variable !== a.variable && accepts(statements, a.subject))
        .map(([variable]) => ({ ...a, alsoAcceptedBy: variable })),
    );
    expect(overreaching).toEqual([]);
  });

  test('every job that assumes a role is exercised by some scenario', () => {
    const withCredentials = loadWorkflows().flatMap((w) =>
      Object.entries(w.jobs)
        .filter(([, job]) => credentialSteps(job).length > 0)
        .map(([id]) => `${w.file}/${id}`),
    );
    expect(new Set(assumed.map((a) => a.job))).toEqual(new Set(withCredentials));
  });

  test('jobs of other repositories, other branches and pull requests without the environment are refused', () => {
    const names = `${config.github.owner}/${config.github.repository}`;
    const repo = config.github.ownerId
      ? `${config.github.owner}@${config.github.ownerId}/${config.github.repository}@${config.github.repositoryId}`
      : `${config.github.owner}/${config.github.repository}`;
    for (const subject of [
      `repo:${config.github.owner}/other:environment:preview`,
      `repo:${config.github.owner}/other:ref:refs/heads/main`,
      `repo:${repo}:ref:refs/heads/feature/x`,
      // A job on main without the deploy environment, e.g. of a workflow_run or issue_comment
      // workflow added later: it must not get the deploy role.
      `repo:${repo}:ref:refs/heads/main`,
      `repo:${repo}:pull_request`,
      `repo:${repo}:environment:production`,
      // The environment alone (GitHub's default subject), or another workflow or branch in it: a
      // deleted or loosened environment must not let any writer's workflow take a role.
      `repo:${repo}:environment:deploy`,
      `repo:${repo}:environment:preview`,
      `repo:${repo}:environment:deploy:job_workflow_ref:${names}/.github/workflows/other.yml@refs/heads/main`,
      `repo:${repo}:environment:deploy:job_workflow_ref:${names}/.github/workflows/ci.yml@refs/heads/feature/x`,
      `repo:${repo}:environment:preview:job_workflow_ref:${names}/.github/workflows/other.yml@refs/heads/x`,
    ]) {
      expect(Object.values(roles).filter((statements) => accepts(statements, subject))).toEqual([]);
    }
  });
});

test('a repository known by immutable ids refuses the name-only subject that a recycled name could present', () => {
  const roles = rolesByVariable(IMMUTABLE);
  const ci = ':job_workflow_ref:example-org/batch-job-platform/.github/workflows/ci.yml@refs/heads/main';
  const deploy = (repo: string) =>
    accepts(roles.DEPLOY_ROLE_ARN ?? [], `repo:${repo}:environment:deploy${ci}`);
  expect(deploy('example-org/batch-job-platform')).toBe(false);
  expect(deploy('example-org@9001/batch-job-platform@42424')).toBe(true);
});
