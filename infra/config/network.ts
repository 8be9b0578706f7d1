import type { ConfigProblem, StageConfig } from './schema';

type ExistingVpc = NonNullable<StageConfig['vpc']['existing']>;

export function handlersVpcAttached(stage: {
  readonly ephemeral: boolean;
  readonly handlers: { readonly vpcAttached?: boolean };
}): boolean {
  return stage.handlers.vpcAttached ?? !stage.ephemeral;
}

/** What an existing VPC would let fail silently: handlers that cannot reach SNS, jobs that cannot pull. */
export function existingVpcProblems(stage: StageConfig): ConfigProblem[] {
  const existing = stage.vpc.existing;
  if (!existing) return [];
  return [
    ...(handlersVpcAttached(stage) ? handlerProblems(existing, stage.handlers.timeoutSeconds) : []),
    ...jobProblems(existing, stage.smokeTest),
  ].map(({ setting, message }) => ({ path: ['vpc', 'existing', setting], message }));
}

type ExistingVpcProblem = { setting: keyof ExistingVpc; message: string };

/** Lambda never gives a function a public IP, so attached handlers need private subnets and a way to SNS. */
function handlerProblems(existing: ExistingVpc, timeoutSeconds: number): ExistingVpcProblem[] {
  const problems: ExistingVpcProblem[] = [];
  if (existing.publicSubnets && !existing.handlerSubnetIds) {
    problems.push({
      setting: 'handlerSubnetIds',
      message:
        'the VPC-attached handlers would run in subnetIds, which are public subnets, and Lambda never gives a ' +
        'function a public IP, so they could not reach SNS: list private subnets in handlerSubnetIds, or set ' +
        'handlers.vpcAttached: false',
    });
  }
  if (!existing.snsEndpoint) {
    problems.push({
      setting: 'snsEndpoint',
      message:
        "say how the handler subnets reach SNS: 'create' (the stage creates an SNS interface endpoint with " +
        "private DNS in them), 'existing' (the VPC has one with private DNS) or 'nat' (they route to a NAT " +
        `gateway); without a way, every notification waits out the ${timeoutSeconds} s timeout and ` +
        'dead-letters. Or set handlers.vpcAttached: false',
    });
  }
  return problems;
}

/** Fargate jobs pull their image; the smoke test's comes from ECR Public, which has no VPC endpoint. */
function jobProblems(existing: ExistingVpc, smokeTest: boolean): ExistingVpcProblem[] {
  if (existing.publicSubnets && existing.jobsEgress) {
    return [
      {
        setting: 'jobsEgress',
        message: 'jobsEgress only applies to private subnets: remove it, or set publicSubnets: false',
      },
    ];
  }
  if (smokeTest && !existing.publicSubnets && existing.jobsEgress !== 'nat') {
    return [
      {
        setting: 'jobsEgress',
        message:
          "the smoke test's probe job pulls a public image from public.ecr.aws, and ECR Public has no VPC " +
          "endpoint, so private job subnets need a NAT route: set jobsEgress: 'nat' if they have one, use " +
          'public subnets (publicSubnets: true), or turn smokeTest off',
      },
    ];
  }
  return [];
}
