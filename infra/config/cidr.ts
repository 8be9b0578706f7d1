/** IPv4 CIDR blocks as the configuration accepts them: /16 to /24, octets up to 255. */

/**
 * A CIDR's own problems (a schema rule of the setting): octets over 255, and host bits set, with which
 * CDK would build another range than the SNS endpoint's security group admits.
 */
export function cidrProblem(cidr: string): string | undefined {
  const block = parseCidr(cidr);
  if (!block) return `'${cidr}' is not an IPv4 CIDR from /16 to /24 with octets up to 255, e.g. 10.0.0.0/16`;
  if (block.network !== block.start) {
    return (
      `'${cidr}' has host bits set: a /${block.prefix} block starts at ${dotted(block.network)}, so write ` +
      `${dotted(block.network)}/${block.prefix} (or pick another block that starts at its own address)`
    );
  }
  return undefined;
}

export function parseCidr(cidr: string): { start: number; network: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(1[6-9]|2[0-4])$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  const prefix = Number(match[5]);
  const start = octets.reduce((value, octet) => value * 256 + octet, 0);
  return { start, network: start - (start % 2 ** (32 - prefix)), prefix };
}

export function dotted(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
