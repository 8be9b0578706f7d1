import { CfnResource, RemovalPolicy, type IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Keeps the IAM roles of a scope when CloudFormation deletes or replaces them. In the preview account
 * every role carries the boundary, which forbids removing a boundary (that is the escalation it
 * closes), and CloudFormation's role handler removes the boundary before it deletes a role
 * (aws/copilot-cli#5672): the delete would fail and leave the stack DELETE_FAILED. A retained role
 * keeps its boundary and loses the stack's policies (AWS::IAM::Policy resources are deleted);
 * `npm run clean-roles` deletes such roles once their stage is gone (docs/configuration.md, "Deleting and redeploying").
 */
export class RetainRoles implements IAspect {
  public visit(node: IConstruct): void {
    // Custom resource providers declare their roles as plain CfnResources.
    if (node instanceof CfnResource && node.cfnResourceType === 'AWS::IAM::Role') {
      node.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }
  }
}
