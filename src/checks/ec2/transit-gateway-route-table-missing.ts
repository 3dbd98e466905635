import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { DEFAULT_ROUTE_TABLE, RouteTableRef, VPC_ATTACHMENT_CLASSES, associationOf, ruleOverNeighbours, tablesRoutingTo } from './transit-gateway-topology';

/**
 * An attachment whose transit gateway route table has no route to the VPCs it exchanges traffic with.
 */
export const TransitGatewayRouteTableMissing = defineCheck({
  suffix: 'TransitGatewayRouteTableMissing',
  level: CheckLevel.ERROR,
  title: 'A VPC attachment, between an endpoint hub and its spokes, that is associated with no transit gateway route table, '
    + 'or whose route table has no route to the other side (its attachment neither propagates to that table nor has a static route there).',
  reason: 'A transit gateway forwards what comes in through an attachment by the one route table the attachment is associated with; '
    + 'a VPC\'s block is in a route table only where its attachment propagates or a static route names it. With default association or propagation turned off '
    + 'and nothing in their place, traffic is dropped at the transit gateway.',
  source: 'https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html',
  appliesTo: VPC_ATTACHMENT_CLASSES,
  inspect: ruleOverNeighbours(({ attachment, gateway, partners }, index) => {
    // A transit gateway from outside the app: its defaults cannot be read.
    if (!(gateway instanceof ec2.CfnTransitGateway)) {
      return [];
    }
    const table = associationOf(attachment, gateway, index);
    if (table === null) {
      return [`Transit gateway attachment '${pathOf(attachment)}' is associated with no route table of '${pathOf(gateway)}' (DefaultRouteTableAssociation is disable, `
        + 'and no TransitGatewayRouteTableAssociation names it), so the transit gateway drops what the VPC sends. '
        + 'Associate it with a route table (or turn DefaultRouteTableAssociation on).'];
    }
    return partners.filter((partner) => !tablesRoutingTo(partner.attachment, gateway, index).includes(table)).map((partner) =>
      `Transit gateway attachment '${pathOf(attachment)}' is associated with ${label(table)}, which has no route to VPC '${pathOf(partner.vpc)}': `
      + `its attachment '${pathOf(partner.attachment)}' neither propagates to that table nor has a static route there, so the transit gateway drops the traffic. `
      + 'Propagate the attachment to the route table (TransitGatewayRouteTablePropagation, or DefaultRouteTablePropagation on).');
  }),
});

function label(table: RouteTableRef): string {
  return table === DEFAULT_ROUTE_TABLE ? DEFAULT_ROUTE_TABLE : typeof table === 'string' ? `route table ${table}` : `route table '${pathOf(table)}'`;
}
