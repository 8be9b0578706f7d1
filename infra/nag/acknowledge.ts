import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface Finding {
  /** The cdk-nag finding id, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  /** Why the finding is acceptable here. */
  readonly reason: string;
}

/**
 * Acknowledges cdk-nag findings on `scope` and everything below it.
 *
 * `Validations.acknowledge()` rejects ids with more than one `::`, but cdk-nag names findings on
 * ARNs with the partition token in them (`Resource::arn:<AWS::Partition>:logs:...`). Those are
 * recorded under the same metadata key `acknowledge()` writes and cdk-nag reads.
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
