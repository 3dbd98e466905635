import { CfnResource, aws_ec2 as ec2, aws_route53 as route53, aws_route53profiles as route53profiles } from 'aws-cdk-lib';
import { mentions } from './refs';
import { ResourceIndex, literalString, referencedResource } from '../resource-index';

/**
 * What Route 53 Profiles give VPCs, read from L1 resources: which Profile a VPC is associated
 * with, and which private hosted zones reach it that way. Shared by the PrivateLink checks.
 */

/** What a property names: the resource a token refers to, or the literal ID; `undefined` where neither is known. */
function identity(owner: CfnResource, value: unknown): CfnResource | string | undefined {
  return referencedResource(value) ?? literalString(owner, value);
}

/** The VPC of a Profile association: its `CfnVPC` in the app, or its literal ID. */
export function associatedVpc(association: route53profiles.CfnProfileAssociation): CfnResource | string | undefined {
  return identity(association, association.resourceId);
}

/** The Profile of an association: its `CfnProfile` in the app, or its literal ID. */
export function associatedProfile(
  association: route53profiles.CfnProfileAssociation | route53profiles.CfnProfileResourceAssociation): CfnResource | string | undefined {
  return identity(association, association.profileId);
}

/** The Profile associations in the app of a VPC: its `CfnVPC`, or its literal ID. */
export function profileAssociationsOf(vpc: CfnResource | string, index: ResourceIndex): route53profiles.CfnProfileAssociation[] {
  return (index.ofType('AWS::Route53Profiles::ProfileAssociation') as route53profiles.CfnProfileAssociation[])
    .filter((association) => associatedVpc(association) === vpc);
}

/** The Profile associations that give a private hosted zone to a VPC. */
export function profilesGivingZone(zone: route53.CfnHostedZone, vpc: ec2.CfnVPC, index: ResourceIndex): route53profiles.CfnProfileAssociation[] {
  const carried = (index.ofType('AWS::Route53Profiles::ProfileResourceAssociation') as route53profiles.CfnProfileResourceAssociation[])
    .filter((resource) => mentions(resource, resource.resourceArn, zone))
    .map(associatedProfile)
    .filter((profile) => profile !== undefined);
  return profileAssociationsOf(vpc, index).filter((association) => carried.includes(associatedProfile(association)!));
}
