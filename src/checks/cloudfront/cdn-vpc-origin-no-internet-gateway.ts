import { aws_cloudfront as cloudfront, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { referencedResource } from '../../private/resource-index';
import { defineCheck, ruleOver } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { loadBalancerSubnets, vpcOriginLoadBalancer } from './vpc-origin';

/**
 * A CloudFront VPC origin in a VPC with no internet gateway.
 */
export const CdnVpcOriginNoInternetGateway = defineCheck({
  suffix: 'CdnVpcOriginNoInternetGateway',
  level: CheckLevel.ERROR,
  title: 'A CloudFront VPC origin whose load balancer is in a VPC of the app that has no internet gateway attached.',
  reason: 'CloudFront\'s VPC origins need an internet gateway attached to the VPC, for the VPC to receive traffic from the internet; '
    + 'it does not route to the origin, and no route table needs it. Without one, the VPC origin cannot serve (a VPC with only isolated subnets has none).',
  source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html',
  appliesTo: [cloudfront.CfnVpcOrigin],
  inspect: ruleOver(vpcOriginLoadBalancer, (loadBalancer, index, origin) => {
    const vpcs = new Set(loadBalancerSubnets(loadBalancer, index).map((s) => referencedResource(s.vpcId)));
    return [...vpcs].filter((vpc): vpc is ec2.CfnVPC => vpc instanceof ec2.CfnVPC)
      .filter((vpc) => !index.referencing<ec2.CfnVPCGatewayAttachment>('AWS::EC2::VPCGatewayAttachment', vpc, 'vpcId').some((a) => a.internetGatewayId !== undefined))
      .map((vpc) => `VPC origin '${pathOf(origin)}' reaches load balancer '${pathOf(loadBalancer)}' in VPC '${pathOf(vpc)}', which has no internet gateway attached: `
        + 'CloudFront needs one on the VPC to deliver to its VPC origins, though no route uses it. Attach an internet gateway to the VPC '
        + '(a VPC with a public subnet has one; PrivateSubnetVpc and ec2.Vpc add it with their public subnets).');
  }),
});
