import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { VPC_ATTACHMENT_CLASSES, gatewayLabel, ruleOverNeighbours } from './transit-gateway-topology';
import { dnsOff } from './vpc-peering-dns-disabled';

/**
 * A VPC attached to a transit gateway with an endpoint hub, with DNS support or DNS hostnames off.
 */
export const TransitGatewaySpokeDnsDisabled = defineCheck({
  suffix: 'TransitGatewaySpokeDnsDisabled',
  level: CheckLevel.ERROR,
  title: 'A VPC attached to the same transit gateway as a VPC with interface endpoints, with DNS support or DNS hostnames off (CloudFormation\'s default for EnableDnsHostnames is off).',
  reason: 'Private hosted zones, Resolver rules and interface endpoints\' private DNS answer only in VPCs with both DNS support and DNS hostnames on: '
    + 'in a spoke without them, the endpoints\' service names resolve to public addresses or not at all.',
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support',
  appliesTo: VPC_ATTACHMENT_CLASSES,
  inspect: ruleOverNeighbours(({ attachment, vpc, gateway, hub, partners }) => {
    const off = dnsOff(vpc);
    return off ? [`VPC '${pathOf(vpc)}', attached to transit gateway ${gatewayLabel(gateway)} by '${pathOf(attachment)}' `
      + `with ${hub ? 'its spokes' : `the endpoint VPC '${pathOf(partners[0].vpc)}'`}, ${off}`] : [];
  }),
});
