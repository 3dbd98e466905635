import { CfnResource, aws_ec2 as ec2, aws_route53 as route53, aws_route53resolver as resolver } from 'aws-cdk-lib';
import { namesService, privateDnsEndpoint, zoneAssociatedWith, zoneName } from './endpoint-topology';
import { spokesOf } from './transit-gateway-topology';
import { ResourceIndex, literalString, referencedResource, resolved } from '../../private/resource-index';
import { refersTo } from '../../private/template/refs';
import { profilesGivingZone } from '../../private/template/route53-profiles';
import { peeringsOf } from '../../private/template/vpc';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** A domain that a forwarding rule sends every AWS service name of a region (or all names) under. */
const BROAD_DOMAIN = /^(|amazonaws\.com(\.cn)?|[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com(\.cn)?)$/;

/**
 * An interface endpoint with private DNS on, in a VPC peered in the app (or attached to a transit
 * gateway with spokes), whose name the peer or spoke has no way to resolve to the endpoint.
 */
export const PrivateLinkPeerDnsMissing = defineCheck({
  suffix: 'PrivateLinkPeerDnsMissing',
  level: CheckLevel.WARNING,
  patternLevel: CheckLevel.ERROR,
  title: 'An interface endpoint whose private DNS name a peered VPC, or a VPC attached to the same transit gateway, cannot resolve: no hosted zone (associated directly or through a Route 53 Profile), Resolver rule or DNS forwarder for it there.',
  reason: 'The private hosted zone an interface endpoint creates answers only inside the endpoint\'s own VPC. A peered VPC resolves the service name to the public addresses, '
    + 'so its traffic leaves through NAT or fails instead of reaching the endpoint, without any error.',
  source: 'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html',
  appliesTo: [ec2.CfnVPCEndpoint],
  inspect: ruleOver(privateDnsEndpoint, ({ shortName, vpc, names, zones }, index, endpoint) => {
    const messages: string[] = [];
    const clients = [
      ...peeringsOf(vpc, index).map(({ peering, other }) => ({ other, how: `which is peered with VPC '${other && pathOf(other)}' by '${pathOf(peering)}'`, what: 'peer' })),
      ...spokesOf(vpc, index).map(({ attachment, vpc: other }) => ({ other, how: `whose transit gateway reaches VPC '${pathOf(other)}' (attached by '${pathOf(attachment)}')`, what: 'spoke' })),
    ];
    for (const { other, how, what } of clients) {
      if (other === undefined) {
        continue;
      }
      const missing = zones.filter((zone) => !peerResolves(other, zone, index));
      if (missing.length === 0) {
        continue;
      }
      const unresolved = names.filter((name) => missing.includes(name.replace(/^\*\./, ''))).map((name) => `${name}.<region>`);
      messages.push(`Interface endpoint '${pathOf(endpoint)}' (${shortName}) has private DNS on in VPC '${pathOf(vpc)}', ${how}, `
        + `and nothing makes ${unresolved.join(', ')} resolve to the endpoint there: the ${what} reaches the public service instead. `
        + `Use PrivateLinkConsumer (it turns private DNS off and associates a private hosted zone with every ${what}, or adds Resolver rules or forwarders), `
        + `or associate a private hosted zone of ${missing.length === 1 ? 'that name' : 'each of those names'}, with an alias to the endpoint, with the ${what}.`);
    }
    return messages;
  }),
});

/** Whether something in the app makes the service's name resolvable in the peer (or might: tokens count). */
function peerResolves(peer: ec2.CfnVPC, label: string, index: ResourceIndex): boolean {
  const zones = index.ofType('AWS::Route53::HostedZone') as route53.CfnHostedZone[];
  const reaches = (zone: route53.CfnHostedZone) => zoneAssociatedWith(zone, peer) !== false || profilesGivingZone(zone, peer, index).length > 0;
  if (zones.some((zone) => nameMayBe(zoneName(zone), label) && reaches(zone))) {
    return true;
  }
  const associations = index.ofType('AWS::Route53Resolver::ResolverRuleAssociation') as resolver.CfnResolverRuleAssociation[];
  for (const association of associations.filter((a) => refersTo(a, a.vpcId, peer) !== false)) {
    const rule = referencedResource(association.resolverRuleId);
    if (!(rule instanceof resolver.CfnResolverRule)) {
      return true;
    }
    const domain = literalString(rule, rule.domainName);
    if (domain === undefined || namesService(domain, label) || BROAD_DOMAIN.test(domain.toLowerCase().replace(/\.$/, ''))) {
      return true;
    }
  }
  const dhcp = index.ofType('AWS::EC2::VPCDHCPOptionsAssociation') as ec2.CfnVPCDHCPOptionsAssociation[];
  return dhcp.filter((a) => refersTo(a, a.vpcId, peer) !== false).some((association) => {
    const options: CfnResource | undefined = referencedResource(association.dhcpOptionsId);
    if (!(options instanceof ec2.CfnDHCPOptions)) {
      return true;
    }
    const servers = resolved(options, options.domainNameServers);
    // Custom name servers: a forwarder; AmazonProvidedDNS alone answers like the peer's own resolver.
    return !(Array.isArray(servers) && servers.length > 0 && servers.every((s) => s === 'AmazonProvidedDNS'));
  });
}

function nameMayBe(name: string | undefined, label: string): boolean {
  return name === undefined || namesService(name, label);
}
