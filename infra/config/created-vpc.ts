import type { ConfigProblem } from './schema';
import { dotted, parseCidr } from './cidr';
import { isKnownRegion } from './regions';

/**
 * The subnets a created VPC gets in each zone (`StageNetwork` builds them from these): a public subnet,
 * and a private one when a NAT gateway or VPC-attached handlers need it. CDK allocates them in that
 * order, each block aligned to its size; a test compares `createdVpcProblems` with `ec2.Vpc` for every
 * prefix and zone count.
 */
export const CREATED_SUBNET_MASKS = { public: 24, private: 22 } as const;

/** What a created VPC is made of, as the stage (or the preview network) configures it. */
export interface CreatedVpcSettings {
  readonly region: string;
  readonly availabilityZones: readonly string[];
  readonly cidr: string;
  /** Whether the VPC also gets a private subnet per zone. */
  readonly privateSubnets: boolean;
}

/**
 * What would synthesize a VPC that cannot work, or end in a CDK stack trace: zones of another region
 * (CDK would build subnets in them), and a range too small for the subnets. Paths are relative to the
 * VPC's settings.
 */
export function createdVpcProblems(vpc: CreatedVpcSettings): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  vpc.availabilityZones.forEach((zone, index) => {
    // An unknown region is reported with the region; its zones would only repeat it.
    if (isKnownRegion(vpc.region) && !new RegExp(`^${vpc.region}[a-z]$`).test(zone)) {
      problems.push({
        path: ['availabilityZones', index],
        message:
          `'${zone}' is not a zone of the stage's region ${vpc.region}: use zones named after it, ` +
          `e.g. ${vpc.region}a, ${vpc.region}b (aws ec2 describe-availability-zones --region ${vpc.region})`,
      });
    }
  });
  const tooSmall = sizeProblem(vpc);
  if (tooSmall) problems.push({ path: ['cidr'], message: tooSmall });
  return problems;
}

/** A range too small for the subnets ends in a CDK stack trace: say so with the size that fits. */
function sizeProblem(vpc: CreatedVpcSettings): string | undefined {
  const block = parseCidr(vpc.cidr);
  if (!block) return undefined;
  const size = 2 ** (32 - block.prefix);
  const needed = addressesNeeded(vpc.availabilityZones.length, vpc.privateSubnets);
  if (needed <= size) return undefined;
  const smallest = 32 - Math.ceil(Math.log2(needed));
  const example = block.network - (block.network % 2 ** (32 - smallest));
  return (
    `a /${block.prefix} block (${size} addresses) cannot hold the subnets of ${vpc.availabilityZones.length} ` +
    `zone(s), a public /${CREATED_SUBNET_MASKS.public}` +
    (vpc.privateSubnets ? ` and a private /${CREATED_SUBNET_MASKS.private}` : '') +
    ` each: use a /${smallest} or larger block, e.g. ${dotted(example)}/${smallest}`
  );
}

/** The end of the last subnet, when each zone's subnets are placed one type after the other, aligned. */
function addressesNeeded(zones: number, privateSubnets: boolean): number {
  const masks = [CREATED_SUBNET_MASKS.public, ...(privateSubnets ? [CREATED_SUBNET_MASKS.private] : [])];
  let next = 0;
  for (const mask of masks) {
    const size = 2 ** (32 - mask);
    for (let zone = 0; zone < zones; zone++) next = Math.ceil(next / size) * size + size;
  }
  return next;
}
