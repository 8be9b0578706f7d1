import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface Finding {
  /** e.g. `AwsSolutions-IAM5[Resource::*]` */
  readonly id: string;
  readonly reason: string;
}

/**
 * Acknowledges cdk-nag findings on `scope` and below. `acknowledge()` rejects ids with more than one
 * `::`, as findings on ARNs with the partition token have: those go under its metadata key directly.
 */
export function acknowledgeFindings(scope: IConstruct, findings: readonly Finding[]): void {
  for (const { id, reason } of findings) {
    if (id.split('::').length <= 2) {
      Validations.of(scope).acknowledge({ id, reason });
    } else {
      scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
    }
  }
}
