import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { VPC_ATTACHMENT_CLASSES, gatewayLabel, neighboursOf } from './transit-gateway-topology';
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
  inspect(attachment, index) {
    const neighbours = neighboursOf(attachment, index);
    const off = neighbours && dnsOff(neighbours.vpc);
    return neighbours && off ? [`VPC '${pathOf(neighbours.vpc)}', attached to transit gateway ${gatewayLabel(neighbours.gateway)} by '${pathOf(attachment)}' `
      + `with ${neighbours.hub ? 'its spokes' : `the endpoint VPC '${pathOf(neighbours.partners[0].vpc)}'`}, ${off}`] : [];
  },
});
