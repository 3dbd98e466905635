import { aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { literalString, resolved } from '../../private/resource-index';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { vpcOriginLoadBalancer } from './vpc-origin';

/**
 * A CloudFront VPC origin whose load balancer is internet-facing.
 */
export const CdnVpcOriginInternetFacing = defineCheck({
  suffix: 'CdnVpcOriginInternetFacing',
  level: CheckLevel.ERROR,
  title: 'A CloudFront VPC origin whose load balancer is internet-facing, so users can reach it without CloudFront.',
  reason: 'A VPC origin exists to make CloudFront the only way in: behind it the load balancer should be internal, in private subnets. An internet-facing one keeps a public address, '
    + 'through which anyone can bypass the distribution and everything it enforces (HTTPS, the web ACL, geo restrictions, caching).',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html',
  appliesTo: [cloudfront.CfnVpcOrigin],
  inspect: ruleOver(vpcOriginLoadBalancer, (loadBalancer, _index, origin) => {
    const scheme = resolved(loadBalancer, loadBalancer.scheme);
    // CloudFormation's default scheme is internet-facing; a token is left alone.
    const internetFacing = scheme === undefined || literalString(loadBalancer, loadBalancer.scheme) === 'internet-facing';
    return internetFacing ? [`VPC origin '${pathOf(origin)}' reaches load balancer '${pathOf(loadBalancer)}', which is internet-facing: anyone can reach it without CloudFront. `
      + 'Make it internal (internetFacing: false) in private subnets, where only the VPC origin reaches it.'] : [];
  }),
});
