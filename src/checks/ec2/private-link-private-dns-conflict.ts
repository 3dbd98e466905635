import { Stack, Token, aws_ec2 as ec2, aws_route53 as route53 } from 'aws-cdk-lib';
import { dnsSuffixOf } from '../../private/endpoint-dns-names';
import { profilesGivingZone } from '../../private/template/route53-profiles';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { namesService, privateDnsEndpoint, zoneAssociatedWith, zoneName } from './endpoint-topology';

/**
 * An interface endpoint with private DNS on in a VPC that already has a private hosted zone of the
 * service's name, associated directly or given by a Route 53 Profile.
 */
export const PrivateLinkPrivateDnsConflict = defineCheck({
  suffix: 'PrivateLinkPrivateDnsConflict',
  level: CheckLevel.ERROR,
  title: 'An interface endpoint with private DNS on, in a VPC associated with a private hosted zone of the same name, directly or through a Route 53 Profile.',
  reason: 'Private DNS makes AWS create a hidden hosted zone of the service\'s name in the VPC; when the VPC already has a zone of that name, '
    + 'creating the endpoint fails with ConflictingDomainExists and the stack rolls back. A zone a Route 53 Profile gives the VPC counts as one associated with it.',
  source: 'https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html',
  appliesTo: [ec2.CfnVPCEndpoint],
  inspect: ruleOver(privateDnsEndpoint, ({ shortName, vpc, zones }, index, endpoint) => {
    const region = Stack.of(endpoint).region;
    const messages: string[] = [];
    for (const zone of index.ofType('AWS::Route53::HostedZone') as route53.CfnHostedZone[]) {
      const name = zoneName(zone)?.toLowerCase().replace(/\.$/, '');
      const label = name === undefined ? undefined : zones.find((z) => namesService(name, z));
      if (name === undefined || label === undefined || (!Token.isUnresolved(region) && name !== `${label}.${region}.${dnsSuffixOf(region)}`)) {
        continue;
      }
      const how = zoneAssociatedWith(zone, vpc) === true ? 'is associated with'
        : profilesGivingZone(zone, vpc, index).map((association) => `gets, through the Route 53 Profile that '${pathOf(association)}' associates with it,`)[0];
      if (how === undefined) {
        continue;
      }
      messages.push(`Interface endpoint '${pathOf(endpoint)}' (${shortName}) has private DNS on, and VPC '${pathOf(vpc)}' ${how} hosted zone '${pathOf(zone)}' (${name}): `
        + 'CloudFormation fails with ConflictingDomainExists. Turn private DNS off on the endpoint (privateDnsEnabled: false) and let the zone answer, with an alias to the endpoint, or remove the zone.');
    }
    return messages;
  }),
});
