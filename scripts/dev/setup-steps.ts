import { githubRoleArn, previewAccount, previewAccountIsOwn } from '../../infra/config/github';
import type { AppConfig } from '../../infra/config/load';
import { pipelineNames, previewBootstrapNames } from '../../infra/config/names';
import { firstRuns, githubSteps } from './setup-github-steps';
import {
  bootstrapped,
  deploy,
  environment,
  HAND_DEPLOYED_STACKS,
  linkedRoles,
  stack,
  type SetupStep,
} from './setup-step';

/** The regions each account is bootstrapped in: the pipeline's account in every stage region too. */
export function bootstrapRegions(config: AppConfig): Map<string, string[]> {
  const regions = new Map<string, string[]>();
  const add = (account: string, region: string): void => {
    const list = regions.get(account) ?? [];
    if (!list.includes(region)) regions.set(account, [...list, region]);
  };
  add(config.pipeline.account, config.pipeline.region);
  // A stage in another region gets the pipeline's support stack there (`<app>-Pipeline-support-<region>`).
  for (const stage of config.stages) add(config.pipeline.account, stage.region);
  for (const stage of config.stages) add(stage.account, stage.region);
  add(previewAccount(config), config.preview.region);
  return regions;
}

/** Accounts that run jobs (stages, previews): Batch and ECS need their service-linked roles there. */
function jobAccounts(config: AppConfig): string[] {
  return [...new Set([...config.stages.map((s) => s.account), previewAccount(config)])];
}

function accountSteps(config: AppConfig): SetupStep[] {
  const pipelineAccount = config.pipeline.account;
  const ownPreview = previewAccountIsOwn(config) ? previewAccount(config) : undefined;
  const jobs = jobAccounts(config);
  const oidcAccounts = [pipelineAccount, previewAccount(config)];
  const prepare = (account: string, bootstrapOptions: string): Omit<SetupStep, 'title'> => ({
    actor: { aws: account },
    commands: [
      ...(jobs.includes(account)
        ? ['batch', 'ecs'].map(
            (s) => `aws iam create-service-linked-role --aws-service-name ${s}.amazonaws.com`,
          )
        : []),
      ...(bootstrapRegions(config).get(account) ?? []).map(
        (region) => `npx cdk bootstrap aws://${account}/${region}${bootstrapOptions}`,
      ),
      ...(oidcAccounts.includes(account)
        ? [
            'aws iam list-open-id-connect-providers  # a GitHub provider listed? its ARN goes in github.oidcProviderArns',
          ]
        : []),
    ],
    needs: ['configuration'],
    produces: [
      ...(jobs.includes(account)
        ? [{ id: linkedRoles(account), what: `the service-linked roles of Batch and ECS in ${account}` }]
        : []),
      ...(bootstrapRegions(config).get(account) ?? []).map((region) => ({
        id: bootstrapped(account, region),
        what: `the CDK bootstrap of ${account} in ${region}`,
      })),
    ],
  });
  const stageAccounts = [...new Set(config.stages.map((s) => s.account))].filter(
    (a) => a !== pipelineAccount && a !== ownPreview,
  );
  const steps: SetupStep[] = [
    { title: 'Prepare the pipeline account', ...prepare(pipelineAccount, '') },
    ...stageAccounts.map((account) => ({
      title: `Prepare the account of stage ${config.stages
        .filter((s) => s.account === account)
        .map((s) => s.name)
        .join(', ')}`,
      ...prepare(
        account,
        ` --trust ${pipelineAccount} --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess`,
      ),
    })),
  ];
  if (ownPreview === undefined) return steps;
  const names = previewBootstrapNames(config.appName);
  const scoped = prepare(
    ownPreview,
    ` --cloudformation-execution-policies arn:aws:iam::${ownPreview}:policy/${names.executionPolicyName}` +
      ` --custom-permissions-boundary ${names.boundaryName}`,
  );
  return [
    ...steps,
    {
      title: `Deploy the preview account's bootstrap policies (${HAND_DEPLOYED_STACKS.previewBootstrap})`,
      actor: { aws: ownPreview },
      commands: [deploy(HAND_DEPLOYED_STACKS.previewBootstrap)],
      needs: ['configuration'],
      produces: [
        {
          id: stack(HAND_DEPLOYED_STACKS.previewBootstrap),
          what: `the policies ${names.executionPolicyName} and ${names.boundaryName}`,
        },
      ],
    },
    {
      title: 'Bootstrap the preview account with those policies',
      ...scoped,
      needs: [...scoped.needs, stack(HAND_DEPLOYED_STACKS.previewBootstrap)],
    },
  ];
}

function stackSteps(config: AppConfig): SetupStep[] {
  const { appName, pipeline, preview, github } = config;
  const previewIn = previewAccount(config);
  const together = previewIn === pipeline.account;
  const names = pipelineNames(appName, pipeline.account, pipeline.region);
  const deployRole = {
    id: 'role:deploy',
    what: `the deploy role ${githubRoleArn(appName, 'deploy', pipeline.account)}`,
  };
  const previewRole = {
    id: 'role:preview',
    what: `the preview role ${githubRoleArn(appName, 'preview', previewIn)}`,
  };
  const trusted = (env: string): string[] => [environment(env), 'oidc-subject'];
  const approvals = config.stages.some((s) => s.production)
    ? [
        `aws sns subscribe --region ${pipeline.region} --protocol email --notification-endpoint APPROVER@EXAMPLE.COM ` +
          `--topic-arn "$(aws cloudformation describe-stacks --region ${pipeline.region} --stack-name ${names.stackName} ` +
          `--query "Stacks[0].Outputs[?OutputKey=='ApprovalTopicArn'].OutputValue" --output text)"`,
      ]
    : [];
  const steps: SetupStep[] = [
    {
      title: `Deploy the GitHub OIDC provider and roles (${HAND_DEPLOYED_STACKS.githubOidc})`,
      actor: { aws: pipeline.account },
      commands: [deploy(HAND_DEPLOYED_STACKS.githubOidc)],
      needs: [
        bootstrapped(pipeline.account, pipeline.region),
        ...trusted(github.deployEnvironment),
        ...(together ? [environment(github.previewEnvironment)] : []),
      ],
      produces: together ? [deployRole, previewRole] : [deployRole],
    },
  ];
  if (!together) {
    steps.push({
      title: `Deploy the preview role (${HAND_DEPLOYED_STACKS.githubOidcPreview})`,
      actor: { aws: previewIn },
      commands: [deploy(HAND_DEPLOYED_STACKS.githubOidcPreview)],
      needs: [bootstrapped(previewIn, preview.region), ...trusted(github.previewEnvironment)],
      produces: [previewRole],
    });
  }
  if (preview.vpc.shared) {
    steps.push({
      title: `Deploy the preview network (${HAND_DEPLOYED_STACKS.previewNetwork})`,
      actor: { aws: previewIn },
      commands: [deploy(HAND_DEPLOYED_STACKS.previewNetwork)],
      needs: [bootstrapped(previewIn, preview.region)],
      produces: [
        { id: stack(HAND_DEPLOYED_STACKS.previewNetwork), what: 'the network every preview imports' },
      ],
    });
  }
  const stageEnvironments = config.stages.map((s) => bootstrapped(s.account, s.region));
  steps.push({
    title: `Deploy the pipeline (${HAND_DEPLOYED_STACKS.pipeline})`,
    actor: { aws: pipeline.account },
    commands: [deploy(HAND_DEPLOYED_STACKS.pipeline), ...approvals],
    needs: [
      ...new Set([
        ...config.stages.map((s) => bootstrapped(pipeline.account, s.region)),
        ...stageEnvironments,
      ]),
    ],
    produces: [
      {
        id: stack(HAND_DEPLOYED_STACKS.pipeline),
        what: `the pipeline ${names.pipelineName} and its source bucket`,
      },
    ],
  });
  return steps;
}

/** Every step from an edited configuration to the first deploy and preview, in an order that works. */
export function setupSteps(config: AppConfig): SetupStep[] {
  return [
    {
      title: 'Put your accounts, network and repository in the configuration',
      actor: 'clone',
      commands: [
        '"${EDITOR:-vi}" infra/config/stages.ts',
        `gh api repos/${config.github.owner}/${config.github.repository} --jq '{ownerId: .owner.id, repositoryId: .id}'`,
        'npm run setup-plan',
      ],
      needs: [],
      produces: [{ id: 'configuration', what: 'the configuration, no placeholder left' }],
    },
    ...githubSteps(config),
    ...accountSteps(config),
    ...stackSteps(config),
    ...firstRuns(config),
  ];
}
