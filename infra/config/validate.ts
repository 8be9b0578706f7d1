import { matchesBranchPattern } from './branch-pattern';
import { githubGivenNames, githubProblems } from './github';
import {
  givenNameProblems,
  nameProblems,
  pipelineGivenNames,
  previewBootstrapGivenNames,
  type GivenName,
} from './names';
import { createdVpcProblems } from './created-vpc';
import { existingVpcProblems, handlersVpcAttached } from './network';
import { previewNetworkNames } from './preview-network';
import type { AppConfig, ConfigProblem, StageConfig } from './schema';
import { isPreviewStageName } from './stage-name';

/** The rules across settings, run once the shapes parse; only this module imports every rule module. */
export function configProblems(config: AppConfig): ConfigProblem[] {
  const { appName, github, preview, stages } = config;
  const problems: ConfigProblem[] = [
    ...githubProblems(github).map(under('github')),
    ...givenNameProblems(appGivenNames(config), 'appName').map((message) => ({ path: ['appName'], message })),
  ];
  const { create, shared } = preview.vpc;
  // Previews run their handlers outside the VPC: a created VPC needs private subnets only for NAT.
  if (create) {
    const privateSubnets = create.natGateways > 0;
    problems.push(
      ...createdVpcProblems({ region: preview.region, ...create, privateSubnets }).map(
        under('preview', 'vpc', 'create'),
      ),
    );
  }
  if (shared) {
    problems.push(
      ...createdVpcProblems({ region: preview.region, ...shared, privateSubnets: false }).map(
        under('preview', 'vpc', 'shared'),
      ),
    );
  }
  preview.branches.forEach((pattern, index) => {
    if (matchesBranchPattern(pattern, github.branch)) {
      const message = `'${pattern}' matches the deploy branch '${github.branch}', which is never a preview`;
      problems.push({ path: ['preview', 'branches', index], message });
    }
  });
  stages.forEach((stage, index) => {
    const name = (message: string): void => void problems.push({ path: ['stages', index, 'name'], message });
    if (stages.findIndex((s) => s.name === stage.name) < index)
      name(`stage '${stage.name}' is configured twice`);
    if (isPreviewStageName(stage.name))
      name(`'${stage.name}' starts with a prefix reserved for preview stages (pr-, br-): rename the stage`);
    nameProblems(appName, stage.name, stage.notifications.slack?.workspaceId).forEach(name);
    if (stage.vpc.shared) {
      const message = 'only previews share the preview network: use vpc.existing with its ids, or vpc.create';
      problems.push({ path: ['stages', index, 'vpc', 'shared'], message });
    }
    problems.push(...stageProblems(stage).map(under('stages', index)));
  });
  return problems;
}

/** The rules of one stage, configured or preview; paths are the stage's. */
export function stageProblems(stage: StageConfig): ConfigProblem[] {
  const { create, shared } = stage.vpc;
  const privateSubnets = Boolean(create && create.natGateways > 0) || handlersVpcAttached(stage);
  return [
    ...existingVpcProblems(stage),
    ...(create ? createdVpcProblems({ region: stage.region, ...create, privateSubnets }) : []).map(
      under('vpc', 'create'),
    ),
    // The preview network has public subnets only (PreviewNetworkStack).
    ...(shared ? createdVpcProblems({ region: stage.region, ...shared, privateSubnets: false }) : []).map(
      under('vpc', 'shared'),
    ),
  ];
}

/** The names the app gives outside its stages (each stage's are checked with it). */
export function appGivenNames(config: AppConfig): GivenName[] {
  const { appName, pipeline } = config;
  return [
    ...pipelineGivenNames(
      appName,
      pipeline.account,
      pipeline.region,
      config.stages.map((s) => s.region),
    ),
    ...githubGivenNames(appName),
    ...previewBootstrapGivenNames(appName),
    // Its exports (`<stack>-VpcId`, `<stack>-PublicSubnet<n>Id`) are far below CloudFormation's 255.
    { name: previewNetworkNames(appName, 0).stackName, resource: 'cloudFormationStack' },
  ];
}

function under(...prefix: (string | number)[]): (problem: ConfigProblem) => ConfigProblem {
  return ({ path, message }) => ({ path: [...prefix, ...path], message });
}
