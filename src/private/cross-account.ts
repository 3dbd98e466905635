/**
 * What a pattern needs to put resources in another account of the app: a scope in that
 * account's stack, and an AWS RAM share. Internal: not exported from the package.
 *
 * CloudFormation has no exports across accounts; aws-cdk-lib 2.276 turns such a reference into a
 * weak `Fn::GetStackOutput` with a role in the producing stack (core/lib/private/refs.ts,
 * `resolveValue`). The patterns pass literals instead, so that a stack in another account neither
 * reads the other's outputs nor needs that role.
 */
import { Stack, aws_ram as ram } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * The construct under which `owner` puts its resources in `stack` (another account's): one per
 * owner and stack, named after the owner's path.
 */
export function scopeIn(stack: Stack, owner: Construct): Construct {
  const id = owner.node.path.replace(/[^A-Za-z0-9]/g, '');
  return (stack.node.tryFindChild(id) as Construct | undefined) ?? new Construct(stack, id);
}

/**
 * A RAM share of `resourceArns` with `principals` (account IDs), in `scope`'s stack, which must
 * be the resources' owner's. Principals outside the owner's organization are allowed: they get an
 * invitation to accept; inside an organization with RAM sharing enabled, the share applies with
 * no invitation.
 *
 * @see https://docs.aws.amazon.com/ram/latest/userguide/working-with-sharing-create.html
 */
export function shareWithAccounts(scope: Construct, id: string, resourceArns: string[], principals: string[]): ram.CfnResourceShare {
  return new ram.CfnResourceShare(scope, id, {
    name: scope.node.path.replace(/[^A-Za-z0-9-]/g, '-'),
    resourceArns,
    principals: [...new Set(principals)],
    allowExternalPrincipals: true,
  });
}
