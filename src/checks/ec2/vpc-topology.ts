import { CfnResource, Token, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { ResourceIndex, literalString, referencedResource, resolved } from '../../private/resource-index';
import { interfacesOf } from '../../private/template/routes';
import { pathOf } from '../embed';

/**
 * A VPC's subnets, zones and NAT gateways, read from its L1 resources (where its subnets send
 * traffic is src/private/template/routes.ts; its CIDR blocks and peerings,
 * src/private/template/vpc.ts). Shared by the VPC checks; not a check itself.
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

/** Why an instance has no public IPv4 address, or `undefined` when it has one or the template cannot tell. */
export function noPublicAddressReason(instance: ec2.CfnInstance, index: ResourceIndex): string | undefined {
  if (instance.launchTemplate !== undefined) {
    return undefined;
  }
  const interfaces = interfacesOf(instance);
  const flag = (item: ec2.CfnInstance.NetworkInterfaceProperty) => resolved(instance, item.associatePublicIpAddress);
  if (interfaces.some((item) => flag(item) === true || flag(item) === 'true')) {
    return undefined;
  }
  const eniIds = interfaces.map((item) => referencedResource(item.networkInterfaceId)).filter((eni): eni is CfnResource => eni !== undefined);
  const elasticIps = index.referencing<ec2.CfnEIP>('AWS::EC2::EIP', instance, 'instanceId').length
    + index.referencing<ec2.CfnEIPAssociation>('AWS::EC2::EIPAssociation', instance, 'instanceId').length
    + eniIds.reduce((n, eni) => n + index.referencing<ec2.CfnEIPAssociation>('AWS::EC2::EIPAssociation', eni, 'networkInterfaceId').length, 0);
  if (elasticIps > 0) {
    return undefined;
  }
  const primary = interfaces.find((item) => `${resolved(instance, item.deviceIndex)}` === '0');
  if (primary && flag(primary) !== undefined) {
    return 'its network interface sets AssociatePublicIpAddress to false, and no Elastic IP is associated';
  }
  if (primary?.networkInterfaceId !== undefined) {
    // An existing interface: its subnet decided at its creation, which the template does not show.
    return undefined;
  }
  const subnet = referencedResource(primary?.subnetId ?? instance.subnetId);
  if (!(subnet instanceof ec2.CfnSubnet)) {
    return undefined;
  }
  const maps = resolved(subnet, subnet.mapPublicIpOnLaunch);
  if (maps === true || maps === 'true' || Token.isUnresolved(maps)) {
    return undefined;
  }
  return `its subnet '${pathOf(subnet)}' does not map public addresses (MapPublicIpOnLaunch), no network interface asks for one (AssociatePublicIpAddress) and no Elastic IP is associated`;
}

