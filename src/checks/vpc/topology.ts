import { CfnResource, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Ipv4Cidr, parseCidr } from '../../private/cidr';
import { ResourceIndex, literalString, referencedResource, resolved } from '../../private/resource-index';

/**
 * Where a VPC's subnets send traffic for 0.0.0.0/0, read from its L1 resources. Shared by the
 * VPC checks; not a check itself.
 */

/** An availability zone as the template names it: a literal, or an expression such as Fn::Select. */
export interface ZoneRef {
  /** Compares two zones: equal keys are the same zone. */
  readonly key: string;
  /** How a message names the zone. */
  readonly label: string;
}

/** The zone a subnet is in; `undefined` where the template does not say. */
export function subnetZone(subnet: ec2.CfnSubnet): ZoneRef | undefined {
  const value = resolved(subnet, subnet.availabilityZone);
  if (value === undefined) {
    return undefined;
  }
  if (typeof value === 'string') {
    return { key: value, label: value };
  }
  const select = (value as any)['Fn::Select'];
  const label = Array.isArray(select) && typeof select[0] === 'number' ? `AZ #${select[0] + 1}` : 'an AZ known at deploy time';
  return { key: JSON.stringify(value), label };
}

/** The subnets of a VPC. */
export function subnetsOf(vpc: ec2.CfnVPC, index: ResourceIndex): ec2.CfnSubnet[] {
  return index.referencing<ec2.CfnSubnet>('AWS::EC2::Subnet', vpc, 'vpcId');
}

/** Whether a NAT gateway serves only its own AZ (the default) rather than the whole region. */
export function isZonalNat(nat: ec2.CfnNatGateway): boolean {
  return literalString(nat, nat.availabilityMode) !== 'regional';
}

/** The zonal NAT gateways in a VPC's subnets. */
export function zonalNatsOf(vpc: ec2.CfnVPC, index: ResourceIndex): ec2.CfnNatGateway[] {
  const subnets = new Set<CfnResource>(subnetsOf(vpc, index));
  return (index.ofType('AWS::EC2::NatGateway') as ec2.CfnNatGateway[])
    .filter((nat) => isZonalNat(nat) && subnets.has(referencedResource(nat.subnetId) as CfnResource));
}

/** One route table's default route, and the subnets that use it. */
export interface DefaultRoute {
  readonly route: ec2.CfnRoute;
  readonly subnets: ec2.CfnSubnet[];
}

/** The 0.0.0.0/0 routes of a VPC's route tables. */
export function defaultRoutesOf(vpc: ec2.CfnVPC, index: ResourceIndex): DefaultRoute[] {
  const result: DefaultRoute[] = [];
  for (const table of index.referencing<ec2.CfnRouteTable>('AWS::EC2::RouteTable', vpc, 'vpcId')) {
    const subnets = index.referencing<ec2.CfnSubnetRouteTableAssociation>('AWS::EC2::SubnetRouteTableAssociation', table, 'routeTableId')
      .map((association) => referencedResource(association.subnetId))
      .filter((subnet): subnet is ec2.CfnSubnet => subnet instanceof ec2.CfnSubnet);
    for (const route of index.referencing<ec2.CfnRoute>('AWS::EC2::Route', table, 'routeTableId')) {
      if (literalString(route, route.destinationCidrBlock) === '0.0.0.0/0') {
        result.push({ route, subnets });
      }
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
