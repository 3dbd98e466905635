import {
  Stack,
  aws_cloudfront as cloudfront,
  aws_cloudfront_origins as origins,
  aws_ec2 as ec2,
  aws_elasticloadbalancingv2 as elbv2,
} from 'aws-cdk-lib';
import { GuardedPatternsChecks } from '../../src';
import { findings, testStack } from '../util';

/** The pack's findings for one check over a stack, as `path: message (severity)`. */
function ruleHits(stack: Stack, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => `${f.path}: ${f.message} (${f.severity})`);
}

const VPC_ORIGIN_CHECKS = ['CdnVpcOriginInternetFacing', 'CdnVpcOriginOpenLoadBalancer', 'CdnVpcOriginNoInternetGateway', 'CdnVpcOriginPublicSubnets'];

/** A plain aws-cdk-lib ALB behind a CloudFront VPC origin, as `VpcOrigin.withApplicationLoadBalancer` makes it. */
function albBehindCloudFront(stack: Stack, vpc: ec2.IVpc, props: Partial<elbv2.ApplicationLoadBalancerProps> = {}): elbv2.ApplicationLoadBalancer {
  const securityGroup = new ec2.SecurityGroup(stack, 'LbSecurityGroup', { vpc, allowAllOutbound: false });
  // CloudFront's origin-facing prefix list, by its literal ID (us-east-1).
  securityGroup.addIngressRule(ec2.Peer.prefixList('pl-3b927c52'), ec2.Port.tcp(80), 'CloudFront');
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', {
    vpc,
    internetFacing: false,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroup,
    ...props,
  });
  alb.addListener('Http', { port: 80, open: false, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
  new cloudfront.Distribution(stack, 'Cdn', {
    defaultBehavior: {
      origin: origins.VpcOrigin.withApplicationLoadBalancer(alb, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    },
  });
  return alb;
}

describe('GuardedPatternsChecks: CloudFront VPC origin checks on plain aws-cdk-lib resources', () => {
  test('an internal load balancer in private subnets that admits CloudFront\'s prefix list alone passes every one', () => {
    const stack = testStack();
    albBehindCloudFront(stack, new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }));
    for (const rule of VPC_ORIGIN_CHECKS) {
      expect(ruleHits(stack, rule)).toEqual([]);
    }
  });

  test('CdnVpcOriginInternetFacing: an internet-facing load balancer behind a VPC origin is an error', () => {
    const stack = testStack();
    albBehindCloudFront(stack, new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }), { internetFacing: true, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    expect(ruleHits(stack, 'CdnVpcOriginInternetFacing')).toEqual([
      "TestStack/Cdn/Origin1/VpcOrigin/Resource: VPC origin 'TestStack/Cdn/Origin1/VpcOrigin' reaches load balancer 'TestStack/Lb', which is internet-facing: anyone can reach it without CloudFront. "
      + 'Make it internal (internetFacing: false) in private subnets, where only the VPC origin reaches it. (error)',
    ]);
  });

  test('CdnVpcOriginPublicSubnets: an internal load balancer in public subnets is a warning', () => {
    const stack = testStack();
    albBehindCloudFront(stack, new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }), { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    expect(ruleHits(stack, 'CdnVpcOriginPublicSubnets')).toEqual([
      "TestStack/Cdn/Origin1/VpcOrigin/Resource: VPC origin 'TestStack/Cdn/Origin1/VpcOrigin' reaches load balancer 'TestStack/Lb' in public subnets "
      + '(TestStack/Vpc/PublicSubnet1/Subnet, TestStack/Vpc/PublicSubnet2/Subnet), which route 0.0.0.0/0 to an internet gateway. '
      + 'Place it in private subnets (vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } or PRIVATE_ISOLATED). (warning)',
    ]);
    expect(ruleHits(stack, 'CdnVpcOriginInternetFacing')).toEqual([]);
  });

  test('CdnVpcOriginOpenLoadBalancer: an address range or a security group of the app is an error; CloudFront\'s literal prefix list is not', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const alb = albBehindCloudFront(stack, vpc);
    alb.connections.allowFromAnyIpv4(ec2.Port.tcp(80));
    const bastion = new ec2.SecurityGroup(stack, 'Bastion', { vpc });
    alb.connections.allowFrom(bastion, ec2.Port.tcpRange(80, 90));
    const message = (source: string, ports: string) => "TestStack/Cdn/Origin1/VpcOrigin/Resource: Load balancer 'TestStack/Lb' of VPC origin 'TestStack/Cdn/Origin1/VpcOrigin' "
      + `admits ${source} ${ports} through security group 'TestStack/LbSecurityGroup', so that source can reach the application without CloudFront. `
      + 'Remove the rule, and admit only CloudFront\'s managed prefix list (com.amazonaws.global.cloudfront.origin-facing) or the CloudFront-VPCOrigins-Service-SG security group. (error)';
    expect(ruleHits(stack, 'CdnVpcOriginOpenLoadBalancer')).toEqual([
      message('0.0.0.0/0', 'on port 80'),
      message("security group 'TestStack/Bastion'", 'on ports 80-90'),
    ]);
  });

  test('CdnVpcOriginNoInternetGateway: a VPC with isolated subnets only is an error', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    albBehindCloudFront(stack, vpc, { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    expect(ruleHits(stack, 'CdnVpcOriginNoInternetGateway')).toEqual([
      "TestStack/Cdn/Origin1/VpcOrigin/Resource: VPC origin 'TestStack/Cdn/Origin1/VpcOrigin' reaches load balancer 'TestStack/Lb' in VPC 'TestStack/Vpc', which has no internet gateway attached: "
      + 'CloudFront needs one on the VPC to deliver to its VPC origins, though no route uses it. Attach an internet gateway to the VPC '
      + '(a VPC with a public subnet has one; PrivateSubnetVpc and ec2.Vpc add it with their public subnets). (error)',
    ]);
  });
});
