import { aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { routesToInternet } from '../../private/template/routes';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { loadBalancerSubnets, vpcOriginLoadBalancer } from './vpc-origin';

/**
 * A CloudFront VPC origin whose load balancer stands in public subnets.
 */
export const CdnVpcOriginPublicSubnets = defineCheck({
  suffix: 'CdnVpcOriginPublicSubnets',
  level: CheckLevel.WARNING,
  patternLevel: CheckLevel.ERROR,
  title: 'A CloudFront VPC origin whose load balancer stands in public subnets (subnets that route 0.0.0.0/0 to an internet gateway).',
  reason: 'CloudFront\'s VPC origins are for load balancers and instances in private subnets, so that CloudFront is the single way in. '
    + 'In a public subnet the origin is one setting (the scheme, a public address) away from the internet.',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html',
  appliesTo: [cloudfront.CfnVpcOrigin],
  inspect: ruleOver(vpcOriginLoadBalancer, (loadBalancer, index, origin) => {
    const publicSubnets = loadBalancerSubnets(loadBalancer, index).filter((s) => routesToInternet(s, index) === true);
    return publicSubnets.length === 0 ? [] : [`VPC origin '${pathOf(origin)}' reaches load balancer '${pathOf(loadBalancer)}' in public subnets `
      + `(${publicSubnets.map(pathOf).join(', ')}), which route 0.0.0.0/0 to an internet gateway. Place it in private subnets `
      + '(vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } or PRIVATE_ISOLATED).'];
  }),
});
