import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { cidrsOverlap, formatCidr } from '../../private/cidr';
import { peeringsOf, vpcCidrs } from '../../private/template/vpc';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/**
 * VPCs peered in the app whose CIDR blocks overlap.
 */
export const VpcPeeringCidrOverlap = defineCheck({
  suffix: 'VpcPeeringCidrOverlap',
  level: CheckLevel.ERROR,
  title: 'Two VPCs peered in the app whose CIDR blocks overlap.',
  reason: 'AWS refuses a peering connection between VPCs with matching or overlapping IPv4 CIDR blocks; the deployment fails at the peering, after the VPCs were created.',
  source: 'https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html',
  appliesTo: [ec2.CfnVPC],
  inspect(vpc, index) {
    const messages: string[] = [];
    for (const { peering, other } of peeringsOf(vpc, index)) {
      if (!other) {
        continue;
      }
      for (const mine of vpcCidrs(vpc, index)) {
        const clash = vpcCidrs(other, index).find((theirs) => cidrsOverlap(mine, theirs));
        if (clash) {
          messages.push(`VPC '${pathOf(vpc)}' (${formatCidr(mine)}) is peered with VPC '${pathOf(other)}' (${formatCidr(clash)}) by '${pathOf(peering)}', and the blocks overlap. `
            + 'Give one of the VPCs a block that does not overlap; AWS refuses the peering otherwise.');
        }
      }
    }
    return messages;
  },
});
