import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { ResourceIndex, referencedResource } from '../resource-index';

/** A VPC peering connection in the app, and the VPC on the other side of it. */
export interface PeeringOf {
  readonly peering: ec2.CfnVPCPeeringConnection;
  /** The other VPC, where it is in the app. */
  readonly other?: ec2.CfnVPC;
}

/** The peering connections of a VPC, in any stack of the app: the one walk the peering checks and OpenVPN's client-pool check share. */
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
