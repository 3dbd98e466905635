import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { refersTo } from '../../private/template/refs';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { vpcOf } from './endpoint-topology';

/**
 * A VPC peering connection that one side has no route through.
 */
export const VpcPeeringRoutesMissing = defineCheck({
  suffix: 'VpcPeeringRoutesMissing',
  level: CheckLevel.ERROR,
  title: 'A VPC peering connection with no route through it on one side: traffic goes one way and the replies have no way back.',
  reason: 'A peering connection carries only what route tables send to it, and each side routes on its own: without routes on both sides, '
    + 'connections from one VPC to the other time out.',
  source: 'https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html',
  appliesTo: [ec2.CfnVPCPeeringConnection],
  inspect(peering, index) {
    const sides = [vpcOf(peering.vpcId), vpcOf(peering.peerVpcId)];
    const routes = index.referencing<ec2.CfnRoute>('AWS::EC2::Route', peering, 'vpcPeeringConnectionId');
    const messages: string[] = [];
    sides.forEach((side, i) => {
      if (side === undefined) {
        return;
      }
      const tables = index.referencing<ec2.CfnRouteTable>('AWS::EC2::RouteTable', side, 'vpcId');
      const routed = routes.some((route) => tables.some((table) => refersTo(route, route.routeTableId, table) !== false));
      if (!routed) {
        const other = sides[1 - i];
        messages.push(`VPC peering connection '${pathOf(peering)}': VPC '${pathOf(side)}' has no route through it${other ? ` to VPC '${pathOf(other)}'` : ''}, `
          + 'so traffic between the two has no way back. Add a route for the other VPC\'s CIDR block to the peering connection on every route table of this VPC.');
      }
    });
    return messages;
  },
});
