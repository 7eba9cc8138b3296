import type { CfnResource } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * Keeps the logical ID a resource was first deployed under, though its construct moved or was
 * renamed since. CloudFormation replaces a resource whose logical ID changes: a log group would
 * lose its logs, a second event source mapping on one queue is refused (so the update would
 * fail), a second `$default` stage cannot be created first. Not a shim to remove later: these are
 * simply the resources' names, for as long as a stack deployed with them exists (a test holds the
 * stateful ones to them).
 */
export function keepLogicalId(construct: Construct, logicalId: string): void {
  (construct.node.defaultChild as CfnResource).overrideLogicalId(logicalId);
}
