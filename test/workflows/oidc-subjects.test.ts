import { Template } from 'aws-cdk-lib/assertions';
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, githubVariables } from '../../infra/config/github';
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
  type Job,
  type Trigger,
} from '../support/workflows';

/** Each way a run starts, restricted to one workflow for manual runs, and the jobs it must run. */
const SCENARIOS: Array<Trigger & { readonly workflow?: string; readonly expected: string[] }> = [
  {
    description: 'a push to main',
    eventName: 'push',
    ref: 'refs/heads/main',
    expected: ['ci.yml/ci', 'ci.yml/deploy'],
  },
  { description: 'a push to another branch', eventName: 'push', ref: 'refs/heads/feature/x', expected: [] },
  {
    description: 'a push to a branch of preview.branches',
    eventName: 'push',
    ref: 'refs/heads/preview/x',
    expected: ['preview.yml/deploy', 'preview.yml/stage'],
  },
  {
    description: 'a branch deleted',
    eventName: 'delete',
    ref: 'refs/heads/main',
    deletedRef: 'preview/x',
    expected: ['preview.yml/destroy', 'preview.yml/stage'],
  },
  {
    description: 'a pull request from a branch of preview.branches opened: that branch has its own stage',
    eventName: 'pull_request',
    action: 'opened',
    headRef: 'preview/x',
    ref: 'refs/pull/42/merge',
    expected: ['ci.yml/ci', 'preview.yml/stage'],
  },
  ...['opened', 'synchronize', 'reopened'].map((action) => ({
    description: `a pull request ${action}`,
    eventName: 'pull_request' as const,
    action,
    ref: 'refs/pull/42/merge',
    expected: ['ci.yml/ci', 'preview.yml/deploy', 'preview.yml/stage'],
  })),
  {
    description: 'a push to a pull request labelled integ',
    eventName: 'pull_request',
    action: 'synchronize',
    labels: ['integ'],
    ref: 'refs/pull/42/merge',
    expected: [
      'ci.yml/ci',
      'integ.yml/cleanup',
      'integ.yml/integ',
      'integ.yml/turn',
      'preview.yml/deploy',
      'preview.yml/stage',
    ],
  },
  {
    description: 'the label integ added to a pull request',
    eventName: 'pull_request',
    action: 'labeled',
    label: 'integ',
    labels: ['integ'],
    ref: 'refs/pull/42/merge',
    expected: ['integ.yml/cleanup', 'integ.yml/integ', 'integ.yml/turn'],
  },
  {
    description: 'another label added to a pull request labelled integ',
    eventName: 'pull_request',
    action: 'labeled',
    label: 'docs',
    labels: ['integ', 'docs'],
    ref: 'refs/pull/42/merge',
    expected: [],
  },
  {
    description: 'a pull request closed',
    eventName: 'pull_request',
    action: 'closed',
    ref: 'refs/pull/42/merge',
    expected: ['preview.yml/destroy', 'preview.yml/stage'],
  },
  {
    description: 'a pull request from a fork opened, labelled integ',
    eventName: 'pull_request',
    action: 'opened',
    fromFork: true,
    labels: ['integ'],
    ref: 'refs/pull/42/merge',
    expected: ['ci.yml/ci', 'integ.yml/fork', 'preview.yml/fork'],
  },
  {
    description: 'a pull request from a fork closed',
    eventName: 'pull_request',
    action: 'closed',
    fromFork: true,
    ref: 'refs/pull/42/merge',
    expected: ['preview.yml/fork'],
  },
  {
    description: 'the nightly schedule',
    eventName: 'schedule',
    ref: 'refs/heads/main',
    expected: [
      'integ.yml/cleanup',
      'integ.yml/integ',
      'integ.yml/turn',
      'sweep.yml/destroy',
      'sweep.yml/plan',
    ],
  },
  ...['refs/heads/main', 'refs/heads/feature/x'].flatMap((ref) => [
    {
      description: `a manual CI run on ${ref}`,
      workflow: 'ci.yml',
      eventName: 'workflow_dispatch' as const,
      ref,
      expected: ref === 'refs/heads/main' ? ['ci.yml/ci', 'ci.yml/deploy'] : ['ci.yml/ci'],
    },
    ...['deploy', 'destroy'].map((action) => ({
      description: `a manual preview ${action} on ${ref}`,
      workflow: 'preview.yml',
      eventName: 'workflow_dispatch' as const,
      ref,
      inputs: { action },
      expected: [`preview.yml/${action}`, 'preview.yml/stage'],
    })),
    {
      description: `a manual integration test run on ${ref}`,
      workflow: 'integ.yml',
      eventName: 'workflow_dispatch' as const,
      ref,
      expected: ['integ.yml/cleanup', 'integ.yml/integ', 'integ.yml/turn'],
    },
  ]),
  {
    description: 'a manual sweep',
    workflow: 'sweep.yml',
    eventName: 'workflow_dispatch',
    ref: 'refs/heads/main',
    expected: ['sweep.yml/destroy', 'sweep.yml/plan'],
  },
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

interface AssumedRole {
  readonly scenario: string;
  readonly job: string;
  readonly variable: string;
  readonly subject: string;
}

/** Every (scenario, job) that assumes a role, with the subject the job presents then. */
function assumedRoles(config: AppConfig): AssumedRole[] {
  const repository = `${config.github.owner}/${config.github.repository}`;
  return SCENARIOS.flatMap((scenario) =>
    loadWorkflows()
      .filter((w) => !scenario.workflow || w.file === scenario.workflow)
      .flatMap((workflow) =>
        jobsRun(workflow, scenario, repository).flatMap((id) => {
          const job = workflow.jobs[id] as Job;
          return credentialSteps(job).map((step) => ({
            scenario: scenario.description,
            job: `${workflow.file}/${id}`,
            variable: roleVariableOf(step),
            subject: subjectOf(config.github, job, scenario),
          }));
        }),
      ),
  );
}

const LEGACY = parseConfig(appConfig);
const IMMUTABLE = parseConfig({
  ...appConfig,
  github: { ...appConfig.github, ownerId: 9001, repositoryId: 42424 },
});

describe('which jobs run', () => {
  test.each(SCENARIOS.map((s) => [s.description, s] as const))('%s', (_, scenario) => {
    const repository = `${LEGACY.github.owner}/${LEGACY.github.repository}`;
    const ran = loadWorkflows()
      .filter((w) => !scenario.workflow || w.file === scenario.workflow)
      .flatMap((w) => jobsRun(w, scenario, repository).map((id) => `${w.file}/${id}`))
      .sort();
    expect(ran).toEqual(scenario.expected);
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
    ]) {
      expect(Object.values(roles).filter((statements) => accepts(statements, subject))).toEqual([]);
    }
  });
});

test('a repository known by immutable ids refuses the name-only subject that a recycled name could present', () => {
  const roles = rolesByVariable(IMMUTABLE);
  expect(accepts(roles.DEPLOY_ROLE_ARN ?? [], 'repo:example-org/batch-job-platform:environment:deploy')).toBe(
    false,
  );
  expect(
    accepts(roles.DEPLOY_ROLE_ARN ?? [], 'repo:example-org@9001/batch-job-platform@42424:environment:deploy'),
  ).toBe(true);
});
