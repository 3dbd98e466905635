import { aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { resourcesNamedIn } from '../../private/template/refs';
import { IngressRule, ingressRules } from '../../private/template/security-group-rules';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { loadBalancerSecurityGroups, vpcOriginLoadBalancer } from './vpc-origin';

/**
 * A CloudFront VPC origin whose load balancer admits more than CloudFront.
 */
export const CdnVpcOriginOpenLoadBalancer = defineCheck({
  suffix: 'CdnVpcOriginOpenLoadBalancer',
  level: CheckLevel.ERROR,
  title: 'A CloudFront VPC origin whose load balancer\'s security group admits sources other than CloudFront: address ranges, or security groups and prefix lists of the app.',
  reason: 'CloudFront reaches a VPC origin from its origin-facing servers; AWS recommends admitting only the CloudFront managed prefix list (com.amazonaws.global.cloudfront.origin-facing) '
    + 'or the CloudFront-VPCOrigins-Service-SG security group that CloudFront creates in the VPC. Any other source reaches the application without the distribution\'s HTTPS, web ACL and logging.',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html',
  appliesTo: [cloudfront.CfnVpcOrigin],
  inspect: ruleOver(vpcOriginLoadBalancer, (loadBalancer, index, origin) =>
    loadBalancerSecurityGroups(loadBalancer, index).flatMap((group) => ingressRules(group, index).flatMap((rule) => {
      const source = notCloudFront(rule, index);
      return source ? [`Load balancer '${pathOf(loadBalancer)}' of VPC origin '${pathOf(origin)}' admits ${source}${ports(rule)} through security group '${pathOf(group)}', `
        + 'so that source can reach the application without CloudFront. Remove the rule, and admit only CloudFront\'s managed prefix list '
        + '(com.amazonaws.global.cloudfront.origin-facing) or the CloudFront-VPCOrigins-Service-SG security group.'] : [];
    }))),
});

/**
 * What a rule admits that cannot be CloudFront: an address range, or a security group or prefix
 * list of the app (CloudFront's own are created by AWS, never in a template). A prefix list or
 * group named by a literal ID may be CloudFront's, and is left alone.
 */
function notCloudFront(rule: IngressRule, index: Parameters<typeof resourcesNamedIn>[3]): string | undefined {
  if (rule.cidrIp !== undefined || rule.cidrIpv6 !== undefined) {
    return rule.cidrIp ?? rule.cidrIpv6;
  }
  const group = resourcesNamedIn(rule.owner, rule.sourceSecurityGroupId, 'AWS::EC2::SecurityGroup', index)[0];
  if (group) {
    return `security group '${pathOf(group)}'`;
  }
  const list = resourcesNamedIn(rule.owner, rule.sourcePrefixListId, 'AWS::EC2::PrefixList', index)[0];
  return list ? `prefix list '${pathOf(list)}'` : undefined;
}

/** The ports of a rule, as a suffix of the message. */
function ports(rule: IngressRule): string {
  if (rule.fromPort === undefined || rule.fromPort === -1) {
    return ' on every port';
  }
  return rule.toPort !== undefined && rule.toPort !== rule.fromPort ? ` on ports ${rule.fromPort}-${rule.toPort}` : ` on port ${rule.fromPort}`;
}
