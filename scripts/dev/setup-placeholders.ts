import type { AppConfig } from '../../infra/config/load';

/** The example configuration's stand-ins (infra/config/stages.ts): each value, and what replaces it. */
const PLACEHOLDERS: readonly { readonly is: (value: string) => boolean; readonly fix: string }[] = [
  // 111111111111, 222222222222, 333333333333: twelve times one digit.
  { is: (v) => /^(\d)\1{11}$/.test(v), fix: 'put your AWS account id (aws sts get-caller-identity)' },
  { is: (v) => v === 'vpc-0123456789abcdef0', fix: 'put your VPC id (aws ec2 describe-vpcs)' },
  {
    is: (v) => ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'].includes(v),
    fix: 'put a private subnet id of your VPC (aws ec2 describe-subnets)',
  },
  { is: (v) => v === 'example-org', fix: 'put the user or organization that owns your repository' },
];

/** One problem per placeholder value left in the configuration, named by its path. */
export function placeholderProblems(config: AppConfig): string[] {
  const found: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      const placeholder = PLACEHOLDERS.find((p) => p.is(value));
      if (placeholder) found.push(`${path}: '${value}' is the example's placeholder; ${placeholder.fix}`);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, path ? `${path}.${key}` : key);
    }
  };
  visit(config, '');
  return found;
}
