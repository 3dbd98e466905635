import { aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { asList, flatText, referencedOfType, refersTo } from './refs';
import { requiresFargate } from './task-definition';
import { ResourceIndex, literalString, referencedResource, resolved } from '../../private/resource-index';

/**
 * Where an ECS service's tasks run and what can reach them, read from the L1 resources. Shared
 * by the Fargate and load balancer checks; not a check itself.
 */

/** The awsvpc configuration of a service, as far as the app defines its parts. */
export interface AwsVpcView {
  /** The subnets that are resources of the app (imported subnet IDs are left out). */
  readonly subnets: ec2.CfnSubnet[];
  /** The security groups that are resources of the app. */
  readonly securityGroups: ec2.CfnSecurityGroup[];
  readonly assignPublicIp: boolean;
}

/** The service's awsvpc configuration; `undefined` for other network modes. */
export function awsVpcOf(service: ecs.CfnService, index: ResourceIndex): AwsVpcView | undefined {
  const config = (resolved(service, service.networkConfiguration) as any)?.awsvpcConfiguration;
  if (!config) {
    return undefined;
  }
  return {
    subnets: referencedOfType<ec2.CfnSubnet>(service, service.networkConfiguration, 'AWS::EC2::Subnet', index),
    securityGroups: referencedOfType<ec2.CfnSecurityGroup>(service, service.networkConfiguration, 'AWS::EC2::SecurityGroup', index),
    assignPublicIp: config.assignPublicIp === 'ENABLED',
  };
}

/** The service's task definition, where it is a resource of the app. */
export function taskDefinitionOf(service: ecs.CfnService): ecs.CfnTaskDefinition | undefined {
  const task = referencedResource(service.taskDefinition);
  return task instanceof ecs.CfnTaskDefinition ? task : undefined;
}

/** Whether the service runs on Fargate. */
export function runsOnFargate(service: ecs.CfnService): boolean {
  if (literalString(service, service.launchType) === 'FARGATE') {
    return true;
  }
  const strategy = asList(resolved(service, service.capacityProviderStrategy));
  if (strategy.some((s: any) => typeof s?.capacityProvider === 'string' && s.capacityProvider.startsWith('FARGATE'))) {
    return true;
  }
  const task = taskDefinitionOf(service);
  return service.launchType === undefined && strategy.length === 0 && task !== undefined && requiresFargate(task);
}

/** The route table a subnet uses, where the app associates one. */
export function routeTableOf(subnet: ec2.CfnSubnet, index: ResourceIndex): ec2.CfnRouteTable | undefined {
  for (const association of index.referencing<ec2.CfnSubnetRouteTableAssociation>('AWS::EC2::SubnetRouteTableAssociation', subnet, 'subnetId')) {
    const table = referencedResource(association.routeTableId);
    if (table instanceof ec2.CfnRouteTable) {
      return table;
    }
  }
  return undefined;
}

/**
 * The 0.0.0.0/0 routes of a subnet's route table; `undefined` when the app associates none, so
 * that the subnet uses the VPC's main route table, which the template does not show.
 */
export function defaultRoutes(subnet: ec2.CfnSubnet, index: ResourceIndex): ec2.CfnRoute[] | undefined {
  const table = routeTableOf(subnet, index);
  if (!table) {
    return undefined;
  }
  return index.referencing<ec2.CfnRoute>('AWS::EC2::Route', table, 'routeTableId')
    .filter((route) => literalString(route, route.destinationCidrBlock) === '0.0.0.0/0');
}

/** Whether a route goes to an internet gateway: the subnet is public. */
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

/** The service a VPC endpoint connects to (`ecr.api`, `s3`…), as its name ends. */
export function endpointService(endpoint: ec2.CfnVPCEndpoint): string {
  return flatText(resolved(endpoint, endpoint.serviceName)).replace(/^com\.amazonaws\.[^.]*\./, '');
}

/**
 * The AWS services that a subnet reaches privately: interface endpoints with private DNS in its
 * VPC, and gateway endpoints on its route table.
 */
export function endpointServicesFor(subnet: ec2.CfnSubnet, index: ResourceIndex): Set<string> {
  const result = new Set<string>();
  const vpc = referencedResource(subnet.vpcId);
  if (!(vpc instanceof ec2.CfnVPC)) {
    return result;
  }
  const table = routeTableOf(subnet, index);
  for (const endpoint of index.referencing<ec2.CfnVPCEndpoint>('AWS::EC2::VPCEndpoint', vpc, 'vpcId')) {
    const type = literalString(endpoint, endpoint.vpcEndpointType) ?? 'Gateway';
    if (type === 'Interface' && resolved(endpoint, endpoint.privateDnsEnabled) === true) {
      result.add(endpointService(endpoint));
    } else if (type === 'Gateway' && table && refersTo(endpoint, endpoint.routeTableIds, table)) {
      result.add(endpointService(endpoint));
    }
  }
  return result;
}
