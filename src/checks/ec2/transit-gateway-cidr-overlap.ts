import { cidrsOverlap, formatCidr } from '../../private/cidr';
import { vpcCidrs } from '../../private/template/vpc';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { VPC_ATTACHMENT_CLASSES, gatewayLabel, ruleOverNeighbours } from './transit-gateway-topology';

/**
 * VPCs attached to the transit gateway of an endpoint hub whose CIDR blocks overlap.
 */
export const TransitGatewayCidrOverlap = defineCheck({
  suffix: 'TransitGatewayCidrOverlap',
  level: CheckLevel.ERROR,
  title: 'Two VPCs attached to the same transit gateway as a VPC with interface endpoints (the hub or its spokes) whose CIDR blocks overlap.',
  reason: 'A transit gateway does not route between VPCs with identical or overlapping blocks: the routes of the VPC attached second are not propagated, '
    + 'and a VPC route table holds one route per destination, so the hub cannot reach both.',
  source: 'https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html',
  appliesTo: VPC_ATTACHMENT_CLASSES,
  inspect: ruleOverNeighbours((neighbours, index) => {
    const { attachment } = neighbours;
    const messages: string[] = [];
    for (const other of neighbours.attached) {
      for (const mine of vpcCidrs(neighbours.vpc, index)) {
        const clash = vpcCidrs(other.vpc, index).find((theirs) => cidrsOverlap(mine, theirs));
        if (clash) {
          messages.push(`VPC '${pathOf(neighbours.vpc)}' (${formatCidr(mine)}), attached to transit gateway ${gatewayLabel(neighbours.gateway)} by '${pathOf(attachment)}', `
            + `overlaps VPC '${pathOf(other.vpc)}' (${formatCidr(clash)}), attached by '${pathOf(other.attachment)}'. `
            + 'Give one of the VPCs a block that does not overlap: the transit gateway does not route between overlapping blocks.');
        }
      }
    }
    return messages;
  }),
});
