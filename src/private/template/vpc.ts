import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Ipv4Cidr, parseCidr } from '../cidr';
import { ResourceIndex, literalString, referencedResource } from '../resource-index';

/**
 * A VPC's CIDR blocks and peering connections, read from the L1 resources: what the VPC checks and
 * the patterns that size address pools against VPCs share.
 */

/** A VPC peering connection in the app, and the VPC on the other side of it. */
export interface PeeringOf {
  readonly peering: ec2.CfnVPCPeeringConnection;
  /** The other VPC, where it is in the app. */
  readonly other?: ec2.CfnVPC;
}

/** The peering connections of a VPC, in any stack of the app. */
export function peeringsOf(vpc: ec2.CfnVPC, index: ResourceIndex): PeeringOf[] {
  const result: PeeringOf[] = [];
  for (const peering of index.ofType('AWS::EC2::VPCPeeringConnection') as ec2.CfnVPCPeeringConnection[]) {
    const requester = referencedResource(peering.vpcId);
    const accepter = referencedResource(peering.peerVpcId);
    if (requester === vpc || accepter === vpc) {
      const other = requester === vpc ? accepter : requester;
      result.push({ peering, other: other instanceof ec2.CfnVPC ? other : undefined });
    }
  }
  return result;
}

/** The literal IPv4 CIDR blocks of a VPC (primary and secondary). */
export function vpcCidrs(vpc: ec2.CfnVPC, index: ResourceIndex): Ipv4Cidr[] {
  const texts = [literalString(vpc, vpc.cidrBlock)];
  for (const block of index.referencing<ec2.CfnVPCCidrBlock>('AWS::EC2::VPCCidrBlock', vpc, 'vpcId')) {
    texts.push(literalString(block, block.cidrBlock));
  }
  return texts.map((t) => (t === undefined ? undefined : parseCidr(t))).filter((c): c is Ipv4Cidr => c !== undefined);
}
