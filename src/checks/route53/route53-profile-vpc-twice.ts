import { CfnResource, aws_route53profiles as route53profiles } from 'aws-cdk-lib';
import { associatedProfile, associatedVpc, profileAssociationsOf } from '../../private/template/route53-profiles';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * A VPC associated with a Route 53 Profile that another association in the app also gives it.
 */
export const Route53ProfileVpcTwice = defineCheck({
  suffix: 'Route53ProfileVpcTwice',
  level: CheckLevel.ERROR,
  title: 'A VPC associated with two Route 53 Profiles (or twice with one).',
  reason: 'A VPC can have only one Profile associated with it: the second association fails at deploy time and the stack rolls back, '
    + 'and the names the second Profile was to carry never reach the VPC.',
  source: 'https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53profiles_AssociateProfile.html',
  appliesTo: [route53profiles.CfnProfileAssociation],
  inspect: ruleOver(associatedVpc, (vpc, index, association) => {
    const others = profileAssociationsOf(vpc, index).filter((other) => other !== association);
    return others.length === 0 ? [] : [`Route 53 Profile association '${pathOf(association)}' associates VPC ${label(vpc)} with Profile ${label(associatedProfile(association))}, `
      + `and ${others.map((other) => `'${pathOf(other)}' associates it with Profile ${label(associatedProfile(other))}`).join(', ')}: a VPC takes one Profile. `
      + 'Keep one association per VPC, and put what the other Profile carries (private hosted zones, Resolver rules) in that one.'];
  }),
});

function label(resource: CfnResource | string | undefined): string {
  return resource === undefined ? '(known at deploy time)' : typeof resource === 'string' ? resource : `'${pathOf(resource)}'`;
}
