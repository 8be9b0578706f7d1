import { Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The `stage` cost-allocation tag of the stacks no stage owns; no stage name can start with `_`. */
export const SHARED_STAGE_TAG = '_shared';

/**
 * Not tagged: the stacks themselves, whose tags CloudFormation would pass on to every resource, and
 * Batch's compute environments and job queues, whose tags CloudFormation can change only by replacing
 * them (Tags is create-only in their schemas): a stage's queue would get a new name and lose its jobs.
 * Neither costs anything; their Fargate tasks are what Batch bills.
 */
export const NOT_COST_TAGGED = ['aws:cdk:stack', 'AWS::Batch::ComputeEnvironment', 'AWS::Batch::JobQueue'];

/** `app` and `stage` on every other resource in `scope` (docs/operations.md). */
export function tagForCostAllocation(scope: IConstruct, appName: string, stageName: string): void {
  for (const [key, value] of [
    ['app', appName],
    ['stage', stageName],
  ] as const) {
    Tags.of(scope).add(key, value, { excludeResourceTypes: NOT_COST_TAGGED });
  }
}
