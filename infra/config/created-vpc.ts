import type { ConfigProblem } from './schema';

/**
 * The subnets a created VPC gets in each zone (`StageNetwork`): a public subnet, and a private one
 * when a NAT gateway or VPC-attached handlers need it. CDK allocates them in that order, each block
 * aligned to its size; a test compares `createdVpcProblems` with `ec2.Vpc` for every prefix and zone count.
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
 * What would synthesize a VPC that cannot work, or end in a CDK stack trace: zones of another region,
 * a CIDR whose address has host bits set (CDK would build another range than the endpoint's security
 * group admits), and a range too small for the subnets. Paths are relative to the VPC's settings.
 */
export function createdVpcProblems(vpc: CreatedVpcSettings): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  vpc.availabilityZones.forEach((zone, index) => {
    if (!new RegExp(`^${vpc.region}[a-z]$`).test(zone)) {
      problems.push({
        path: ['availabilityZones', index],
        message:
          `'${zone}' is not a zone of the stage's region ${vpc.region}: use zones named after it, ` +
          `e.g. ${vpc.region}a, ${vpc.region}b (aws ec2 describe-availability-zones --region ${vpc.region})`,
      });
    }
  });
  const cidrProblem = cidrBlockProblem(vpc);
  if (cidrProblem) problems.push({ path: ['cidr'], message: cidrProblem });
  return problems;
}

function cidrBlockProblem(vpc: CreatedVpcSettings): string | undefined {
  const [address = '', prefixText = ''] = vpc.cidr.split('/');
  const octets = address.split('.').map(Number);
  if (octets.some((octet) => octet > 255)) {
    return `'${vpc.cidr}' is not an IPv4 address: each of its four numbers is at most 255, e.g. 10.0.0.0/16`;
  }
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  const start = octets.reduce((value, octet) => value * 256 + octet, 0);
  const network = start - (start % size);
  if (network !== start) {
    return (
      `'${vpc.cidr}' has host bits set: a /${prefix} block starts at ${dotted(network)}, so write ` +
      `${dotted(network)}/${prefix} (or pick another block that starts at its own address)`
    );
  }
  const needed = addressesNeeded(vpc.availabilityZones.length, vpc.privateSubnets);
  if (needed > size) {
    const smallest = 32 - Math.ceil(Math.log2(needed));
    const example = network - (network % 2 ** (32 - smallest));
    return (
      `a /${prefix} block (${size} addresses) cannot hold the subnets of ${vpc.availabilityZones.length} ` +
      `zone(s), a public /${CREATED_SUBNET_MASKS.public}` +
      (vpc.privateSubnets ? ` and a private /${CREATED_SUBNET_MASKS.private}` : '') +
      ` each: use a /${smallest} or larger block, e.g. ${dotted(example)}/${smallest}`
    );
  }
  return undefined;
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

function dotted(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
