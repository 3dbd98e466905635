import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { ResourceIndex, literalString, referencedResource } from '../resource-index';

/**
 * Where a subnet's traffic for 0.0.0.0/0 goes, read from the L1 resources: the one walk from a
 * subnet to its route table, its default routes and their targets, which the VPC, Fargate and
 * OpenVPN checks all depend on (and the routes of a VPC's tables, which the Transit Gateway checks read). Only what the app shows: a subnet with no association uses the
 * VPC's main route table, which the template does not hold.
 */

/** The route table a subnet uses, where the app associates one (a subnet has at most one). */
export function routeTableOf(subnet: ec2.CfnSubnet, index: ResourceIndex): ec2.CfnRouteTable | undefined {
  for (const association of index.referencing<ec2.CfnSubnetRouteTableAssociation>('AWS::EC2::SubnetRouteTableAssociation', subnet, 'subnetId')) {
    const table = referencedResource(association.routeTableId);
    if (table instanceof ec2.CfnRouteTable) {
      return table;
    }
  }
  return undefined;
}

/** The subnets the app associates with a route table: who is affected by its routes. */
export function subnetsUsing(table: ec2.CfnRouteTable, index: ResourceIndex): ec2.CfnSubnet[] {
  return index.referencing<ec2.CfnSubnetRouteTableAssociation>('AWS::EC2::SubnetRouteTableAssociation', table, 'routeTableId')
    .map((association) => referencedResource(association.subnetId))
    .filter((subnet): subnet is ec2.CfnSubnet => subnet instanceof ec2.CfnSubnet);
}

/** The routes of a route table. */
export function routesIn(table: ec2.CfnRouteTable, index: ResourceIndex): ec2.CfnRoute[] {
  return index.referencing<ec2.CfnRoute>('AWS::EC2::Route', table, 'routeTableId');
}

/** The 0.0.0.0/0 routes of a route table: where everything not more specific goes. */
export function defaultRoutesIn(table: ec2.CfnRouteTable, index: ResourceIndex): ec2.CfnRoute[] {
  return routesIn(table, index).filter((route) => literalString(route, route.destinationCidrBlock) === '0.0.0.0/0');
}

/** The route tables of a VPC. */
export function routeTablesOf(vpc: ec2.CfnVPC, index: ResourceIndex): ec2.CfnRouteTable[] {
  return index.referencing<ec2.CfnRouteTable>('AWS::EC2::RouteTable', vpc, 'vpcId');
}

/**
 * The 0.0.0.0/0 routes of a subnet's route table; `undefined` when the app associates none, so
 * that callers can tell "no default route" from "cannot be known".
 */
export function defaultRoutes(subnet: ec2.CfnSubnet, index: ResourceIndex): ec2.CfnRoute[] | undefined {
  const table = routeTableOf(subnet, index);
  return table ? defaultRoutesIn(table, index) : undefined;
}

/** One route table's default route, and the subnets that use it. */
export interface DefaultRoute {
  readonly route: ec2.CfnRoute;
  readonly subnets: ec2.CfnSubnet[];
}

/** The 0.0.0.0/0 routes of a VPC's route tables, each with its subnets: for checks that judge a whole VPC. */
export function defaultRoutesOf(vpc: ec2.CfnVPC, index: ResourceIndex): DefaultRoute[] {
  return routeTablesOf(vpc, index).flatMap((table) => {
    const subnets = subnetsUsing(table, index);
    return defaultRoutesIn(table, index).map((route) => ({ route, subnets }));
  });
}

/**
 * Whether a route goes to an internet gateway, which makes its subnets public. An imported
 * gateway is known by its ID (`igw-`), since a virtual private gateway also uses GatewayId.
 */
export function isInternetGatewayRoute(route: ec2.CfnRoute): boolean {
  if (route.gatewayId === undefined) {
    return false;
  }
  const target = referencedResource(route.gatewayId);
  if (target) {
    return target instanceof ec2.CfnInternetGateway;
  }
  return (literalString(route, route.gatewayId) ?? '').startsWith('igw-');
}

/**
 * Whether a subnet routes 0.0.0.0/0 to an internet gateway; `undefined` when the app does not
 * show its route table.
 */
export function routesToInternet(subnet: ec2.CfnSubnet, index: ResourceIndex): boolean | undefined {
  return defaultRoutes(subnet, index)?.some(isInternetGatewayRoute);
}

/** The NAT gateway of the app a route goes to, if any. */
export function routeNatGateway(route: ec2.CfnRoute): ec2.CfnNatGateway | undefined {
  const nat = referencedResource(route.natGatewayId);
  return nat instanceof ec2.CfnNatGateway ? nat : undefined;
}

/**
 * The instance a route sends traffic to: its InstanceId, or the instance its NetworkInterfaceId
 * belongs to (listed in the instance's NetworkInterfaces or attached by a NetworkInterfaceAttachment),
 * since NAT and VPN instances are routed to either way. `undefined` where the target is not an
 * instance of the app.
 */
export function routeInstance(route: ec2.CfnRoute, index: ResourceIndex): ec2.CfnInstance | undefined {
  const direct = referencedResource(route.instanceId);
  if (direct instanceof ec2.CfnInstance) {
    return direct;
  }
  const eni = referencedResource(route.networkInterfaceId);
  if (!(eni instanceof ec2.CfnNetworkInterface)) {
    return undefined;
  }
  const owner = (index.ofType('AWS::EC2::Instance') as ec2.CfnInstance[])
    .find((instance) => interfacesOf(instance).some((item) => referencedResource(item.networkInterfaceId) === eni));
  if (owner) {
    return owner;
  }
  const attachment = index.referencing<ec2.CfnNetworkInterfaceAttachment>('AWS::EC2::NetworkInterfaceAttachment', eni, 'networkInterfaceId')[0];
  const attached = attachment ? referencedResource(attachment.instanceId) : undefined;
  return attached instanceof ec2.CfnInstance ? attached : undefined;
}

/**
 * The NetworkInterfaces of an instance as aws-cdk-lib holds them (camelCase; tokens unresolved),
 * so that references in them can still be followed; a token list reads as none.
 */
export function interfacesOf(instance: ec2.CfnInstance): ec2.CfnInstance.NetworkInterfaceProperty[] {
  const value = instance.networkInterfaces;
  return Array.isArray(value) ? value.filter((item) => item !== undefined && typeof item === 'object') as ec2.CfnInstance.NetworkInterfaceProperty[] : [];
}
