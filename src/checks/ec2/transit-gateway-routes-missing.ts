import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { VPC_ATTACHMENT_CLASSES, blocksLabel, gatewayLabel, routesThrough, ruleOverNeighbours } from './transit-gateway-topology';

/**
 * A spoke with no route to its endpoint hub through the transit gateway, or a hub with no route back.
 */
export const TransitGatewayRoutesMissing = defineCheck({
  suffix: 'TransitGatewayRoutesMissing',
  level: CheckLevel.ERROR,
  title: 'A VPC attached to the same transit gateway as a VPC with interface endpoints (its hub), with no route through the transit gateway to the hub, or a hub with no route back to a spoke.',
  reason: 'An attachment carries only what the VPC\'s route tables send to the transit gateway, and each VPC routes on its own: without routes on both sides, '
    + 'connections from the spoke to the endpoints time out.',
  source: 'https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html',
  appliesTo: VPC_ATTACHMENT_CLASSES,
  inspect: ruleOverNeighbours(({ attachment, vpc, gateway, hub, partners }, index) =>
    partners.filter((partner) => !routesThrough(vpc, partner.vpc, gateway, index)).map((partner) => {
      const blocks = blocksLabel(partner.vpc, index);
      return `VPC '${pathOf(vpc)}', attached to transit gateway ${gatewayLabel(gateway)} by '${pathOf(attachment)}', has no route through it to `
        + `${hub ? 'its spoke' : 'the endpoint VPC'} '${pathOf(partner.vpc)}' (${blocks}), so ${hub ? 'the endpoints\' replies to the spoke' : 'the spoke\'s connections to the endpoints'} go nowhere. `
        + `Add a route for ${blocks} to the transit gateway on every route table of '${pathOf(vpc)}' that needs it, depending on the attachment.`;
    })),
});
