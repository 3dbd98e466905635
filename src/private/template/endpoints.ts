import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { mentions } from './refs';
import { routeTableOf } from './routes';
import { ResourceIndex, literalString, referencedResource, resolved } from '../resource-index';

/**
 * Which AWS services a VPC endpoint serves and which subnets reach them through it, read from the
 * L1 resources. Shared by the Fargate checks (can tasks without NAT start?) and the PrivateLink
 * checks (can a peer resolve the endpoint?), which must agree on what an endpoint is for.
 */

/**
 * The short name (`ecr.api`, `kinesis-streams`) of the AWS service an endpoint connects to, read
 * from its ServiceName (`com.amazonaws.<region>.<short name>`, literal or joined with the region
 * token of an environment-agnostic stack); `undefined` for endpoint services by name and anything else.
 */
export function endpointShortName(endpoint: ec2.CfnVPCEndpoint): string | undefined {
  const value = resolved(endpoint, endpoint.serviceName);
  if (typeof value === 'string') {
    // Any region name (`us-east-1`, `eusc-de-east-1`); `vpce.<region>.vpce-svc-…` is an endpoint service, not an AWS service.
    return /^com\.amazonaws\.[a-z]+(?:-[a-z]+)+-\d+\.(.+)$/.exec(value)?.[1];
  }
  const join = (value as any)?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    const parts: unknown[] = join[1];
    const last = parts[parts.length - 1];
    if (parts[0] === 'com.amazonaws.' && typeof last === 'string' && last.startsWith('.') && !last.startsWith('.vpce')) {
      return last.substring(1);
    }
  }
  return undefined;
}

/** Whether an endpoint is an interface endpoint (CloudFormation's default type is Gateway). */
export function isInterfaceEndpoint(endpoint: ec2.CfnVPCEndpoint): boolean {
  return literalString(endpoint, endpoint.vpcEndpointType) === 'Interface';
}

/** Whether an endpoint is a gateway endpoint, which works through route tables rather than DNS. */
export function isGatewayEndpoint(endpoint: ec2.CfnVPCEndpoint): boolean {
  return (literalString(endpoint, endpoint.vpcEndpointType) ?? 'Gateway') === 'Gateway';
}

/**
 * Whether an interface endpoint has private DNS on (CloudFormation's default is off): only then
 * do the service's public names resolve to it, so that SDKs use it without configuration.
 */
export function privateDnsOn(endpoint: ec2.CfnVPCEndpoint): boolean {
  return resolved(endpoint, endpoint.privateDnsEnabled) === true;
}

/**
 * The AWS services that a subnet reaches without the internet: interface endpoints with private
 * DNS in its VPC, and gateway endpoints on its route table.
 */
export function endpointServicesFor(subnet: ec2.CfnSubnet, index: ResourceIndex): Set<string> {
  const result = new Set<string>();
  const vpc = referencedResource(subnet.vpcId);
  if (!(vpc instanceof ec2.CfnVPC)) {
    return result;
  }
  const table = routeTableOf(subnet, index);
  for (const endpoint of index.referencing<ec2.CfnVPCEndpoint>('AWS::EC2::VPCEndpoint', vpc, 'vpcId')) {
    const service = endpointShortName(endpoint);
    const reached = isInterfaceEndpoint(endpoint)
      ? privateDnsOn(endpoint)
      : isGatewayEndpoint(endpoint) && table !== undefined && mentions(endpoint, endpoint.routeTableIds, table);
    if (service !== undefined && reached) {
      result.add(service);
    }
  }
  return result;
}
