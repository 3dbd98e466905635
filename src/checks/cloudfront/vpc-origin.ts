import { aws_cloudfront as cloudfront, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { ResourceIndex, referencedResource, resolved } from '../../private/resource-index';
import { referencedOfType, resourceAt } from '../../private/template/refs';

/**
 * What a CloudFront VPC origin reaches: its load balancer, and that load balancer's subnets and
 * VPC, where the app defines them. Shared by the VPC origin checks; not a check itself.
 */

const LOAD_BALANCER = 'AWS::ElasticLoadBalancingV2::LoadBalancer';

/** The load balancer of the app that a VPC origin's endpoint ARN names; `undefined` for an instance, or one outside the app. */
export function vpcOriginLoadBalancer(origin: cloudfront.CfnVpcOrigin, index: ResourceIndex): elbv2.CfnLoadBalancer | undefined {
  const config = origin.vpcOriginEndpointConfig as { arn?: unknown } | undefined;
  const direct = referencedResource(config?.arn);
  if (direct) {
    return direct instanceof elbv2.CfnLoadBalancer ? direct : undefined;
  }
  const arn = (resolved(origin, config) as Record<string, unknown> | undefined)?.arn;
  return resourceAt<elbv2.CfnLoadBalancer>(origin, arn, LOAD_BALANCER, index);
}

/** The VPC origins of the app that reach a load balancer. */
export function vpcOriginsOf(loadBalancer: elbv2.CfnLoadBalancer, index: ResourceIndex): cloudfront.CfnVpcOrigin[] {
  return (index.ofType('AWS::CloudFront::VpcOrigin') as cloudfront.CfnVpcOrigin[])
    .filter((origin) => vpcOriginLoadBalancer(origin, index) === loadBalancer);
}

/** The subnets of the app a load balancer stands in, from Subnets or SubnetMappings. */
export function loadBalancerSubnets(loadBalancer: elbv2.CfnLoadBalancer, index: ResourceIndex): ec2.CfnSubnet[] {
  return [
    ...referencedOfType<ec2.CfnSubnet>(loadBalancer, loadBalancer.subnets, 'AWS::EC2::Subnet', index),
    ...referencedOfType<ec2.CfnSubnet>(loadBalancer, loadBalancer.subnetMappings, 'AWS::EC2::Subnet', index),
  ];
}

/** The load balancer's security groups of the app. */
export function loadBalancerSecurityGroups(loadBalancer: elbv2.CfnLoadBalancer, index: ResourceIndex): ec2.CfnSecurityGroup[] {
  return referencedOfType<ec2.CfnSecurityGroup>(loadBalancer, loadBalancer.securityGroups, 'AWS::EC2::SecurityGroup', index);
}
