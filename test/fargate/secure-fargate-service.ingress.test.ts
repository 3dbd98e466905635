import {
  App,
  Stack,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_ec2 as ec2,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_route53 as route53,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { FargateIngress, PrivateSubnetVpc, SecureFargateService, SecureFargateServiceProps } from '../../src';
import { TEST_ENV, testApp, testStack } from '../util';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
const WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/web/11111111-2222-3333-4444-555555555555';

function setup(stack: Stack = testStack()) {
  const network = new PrivateSubnetVpc(stack, 'Network');
  const image = ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'app'), 'v1');
  return { stack, network, image };
}

function build(props: Partial<SecureFargateServiceProps> = {}) {
  const { stack, network, image } = setup();
  const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, ...props });
  return { stack, network, web };
}

/** The ingress rules of the load balancer's security group, inline and standalone. */
function loadBalancerIngress(template: Template, stack: Stack, web: SecureFargateService): any[] {
  const groupId = stack.resolve(web.loadBalancerSecurityGroup.securityGroupId);
  const standalone = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
    .map((r: any) => r.Properties)
    .filter((p) => JSON.stringify(p.GroupId) === JSON.stringify(groupId));
  const group = template.toJSON().Resources[stack.getLogicalId(web.loadBalancerSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup)];
  return [...(group.Properties.SecurityGroupIngress ?? []), ...standalone];
}

describe('SecureFargateService ingress', () => {
  describe('with only vpc and image: CloudFront in front of an internal load balancer', () => {
    const { stack, web } = build();
    const template = Template.fromStack(stack);

    test('the load balancer is internal, in the private subnets', () => {
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internal',
        Subnets: stack.resolve(web.cluster.vpc.privateSubnets.map((s) => s.subnetId)),
      });
      expect(web.distribution).toBeInstanceOf(cloudfront.Distribution);
      expect(web.vpcOrigin).toBeInstanceOf(cloudfront.VpcOrigin);
    });

    test('its security group admits CloudFront\'s origin-facing prefix list on port 80, and nothing else', () => {
      const rules = loadBalancerIngress(template, stack, web);
      expect(rules).toHaveLength(1);
      const { GroupId, SourcePrefixListId, ...rule } = rules[0];
      expect(rule).toEqual({ Description: 'HTTP from CloudFront (com.amazonaws.global.cloudfront.origin-facing)', FromPort: 80, ToPort: 80, IpProtocol: 'tcp' });
      expect(SourcePrefixListId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CloudFrontOriginFacingPrefixList/), 'PrefixLists.0.PrefixListId'] });
      template.hasResourceProperties('Custom::AWS', {
        Create: Match.serializedJson(Match.objectLike({
          service: 'EC2',
          action: 'DescribeManagedPrefixLists',
          parameters: { Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing'] }] },
        })),
      });
    });

    test('one HTTP listener, no redirect: CloudFront redirects viewers', () => {
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'forward' })] });
    });

    test('a VPC origin speaks HTTP to the load balancer', () => {
      template.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
        VpcOriginEndpointConfig: Match.objectLike({
          Arn: stack.resolve(web.loadBalancer.loadBalancerArn),
          HTTPPort: 80,
          OriginProtocolPolicy: 'http-only',
        }),
      });
    });

    test('the distribution redirects HTTP to HTTPS, caches nothing, and has no web ACL', () => {
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          DefaultCacheBehavior: Match.objectLike({
            ViewerProtocolPolicy: 'redirect-to-https',
            CachePolicyId: cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
            AllowedMethods: Match.arrayWith(['POST']),
          }),
          Origins: [Match.objectLike({
            DomainName: stack.resolve(web.loadBalancer.loadBalancerDnsName),
            VpcOriginConfig: { VpcOriginId: stack.resolve(web.vpcOrigin!.vpcOriginId) },
          })],
          PriceClass: 'PriceClass_100',
          WebACLId: Match.absent(),
          Aliases: Match.absent(),
          ViewerCertificate: Match.absent(),
        }),
      });
    });

    test('url is https on the distribution\'s domain', () => {
      expect(stack.resolve(web.url)).toEqual({ 'Fn::Join': ['', ['https://', stack.resolve(web.distribution!.distributionDomainName)]] });
    });

    test('no check reports anything', () => {
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('GuardedPatterns-'))).toEqual([]);
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    });
  });

  test('webAclArn and priceClass reach the distribution', () => {
    const { stack } = build({ webAclArn: WEB_ACL_ARN, ingress: FargateIngress.cloudFront({ priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL }) });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: WEB_ACL_ARN, PriceClass: 'PriceClass_All' }),
    });
  });

  test('two services in a stack share one prefix list lookup', () => {
    const { stack, network, image } = setup();
    new SecureFargateService(stack, 'Web', { vpc: network.vpc, image });
    new SecureFargateService(stack, 'Api', { vpc: network.vpc, image });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::AWS', 1);
    template.resourceCountIs('AWS::CloudFront::Distribution', 2);
  });

  describe('with a domain', () => {
    test('the default stays the public load balancer', () => {
      const { stack, network, image } = setup();
      const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
      const web = new SecureFargateService(stack, 'Web', { vpc: network.vpc, image, domainName: 'app.example.com', hostedZone: zone });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::CloudFront::Distribution', 0);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
      expect(web.distribution).toBeUndefined();
    });

    test('ingress cloudFront() serves the domain on the distribution, with HTTPS to the internal load balancer', () => {
      const { stack, network, image } = setup();
      const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
      const web = new SecureFargateService(stack, 'Web', {
        vpc: network.vpc, image, domainName: 'app.example.com', hostedZone: zone, ingress: FargateIngress.cloudFront(),
      });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'app.example.com' });
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          Aliases: ['app.example.com'],
          ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
          Origins: [Match.objectLike({ DomainName: 'app.example.com' })],
        }),
      });
      template.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
        VpcOriginEndpointConfig: Match.objectLike({ HTTPSPort: 443, OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }),
      });
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
      expect(loadBalancerIngress(template, stack, web).map((r) => r.FromPort)).toEqual([443]);
      for (const type of ['A', 'AAAA']) {
        template.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: 'app.example.com.',
          Type: type,
          AliasTarget: Match.objectLike({ DNSName: stack.resolve(web.distribution!.distributionDomainName) }),
        });
      }
      expect(web.url).toBe('https://app.example.com');
    });
  });

  describe('bad combinations', () => {
    test('fails when allowedCidrs is given with ingress cloudFront()', () => {
      expect(() => build({ ingress: FargateIngress.cloudFront(), allowedCidrs: ['10.0.0.0/8'] })).toThrow(
        "SecureFargateService 'TestStack/Web': allowedCidrs (10.0.0.0/8) says who may reach a public load balancer, and ingress FargateIngress.cloudFront() has none: "
        + 'its internal load balancer admits CloudFront alone. To limit viewers, give webAclArn (an AWS WAF web ACL with an IP set rule); '
        + 'to serve those networks from a public load balancer, set ingress: FargateIngress.publicLoadBalancer().');
    });

    test('fails when webAclArn is given with ingress publicLoadBalancer()', () => {
      expect(() => build({ ingress: FargateIngress.publicLoadBalancer(), webAclArn: WEB_ACL_ARN, certificate: certificateOf() })).toThrow(
        "SecureFargateService 'TestStack/Web': webAclArn attaches a web ACL to the CloudFront distribution, which ingress FargateIngress.publicLoadBalancer() does not have. "
        + 'Use ingress: FargateIngress.cloudFront(), or associate a REGIONAL web ACL with the load balancer yourself (wafv2.CfnWebACLAssociation on loadBalancer.loadBalancerArn).');
    });

    test('fails when publicLoadBalancer() would serve plain HTTP to the internet, naming the CloudFront way out', () => {
      expect(() => build({ ingress: FargateIngress.publicLoadBalancer() })).toThrow(
        "SecureFargateService 'TestStack/Web': without a certificate the load balancer would serve plain HTTP to 0.0.0.0/0 (allowedCidrs). "
        + 'Give a certificate (or domainName and hostedZone) for HTTPS with HTTP redirected to it, or limit allowedCidrs to the networks that may use plain HTTP, '
        + 'or set ingress: FargateIngress.cloudFront() (the default without these props) for HTTPS on a CloudFront domain with no certificate of your own. (GuardedPatterns-AlbHttpOpen)');
    });

    test('fails on a web ACL CloudFront cannot use', () => {
      expect(() => build({ webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/web/11111111-2222-3333-4444-555555555555' }))
        .toThrow(/webAclArn \('arn:aws:wafv2:eu-west-1:.*'\) is not a web ACL CloudFront can use; give the ARN of an AWS WAF web ACL of scope CLOUDFRONT/);
    });

    test('fails when ingress cloudFront() has a certificate and no domainName', () => {
      expect(() => build({ ingress: FargateIngress.cloudFront(), certificate: certificateOf() })).toThrow(
        /certificate is given without domainName; with ingress FargateIngress.cloudFront\(\) the distribution serves a certificate only for its alternate domain name/);
    });

    test('fails when ingress cloudFront() has a domain in a stack outside us-east-1', () => {
      const stack = new Stack(testApp(), 'Europe', { env: { account: TEST_ENV.account, region: 'eu-west-1' } });
      const { network, image } = setup(stack);
      const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
      expect(() => new SecureFargateService(stack, 'Web', {
        vpc: network.vpc, image, domainName: 'app.example.com', hostedZone: zone, ingress: FargateIngress.cloudFront(),
      })).toThrow("SecureFargateService 'Europe/Web': domainName with ingress FargateIngress.cloudFront() needs stack 'Europe' in us-east-1, and it is in eu-west-1: "
        + 'one certificate serves the name on CloudFront, which reads certificates only from us-east-1, and on the internal load balancer, which reads them only from its own region. '
        + 'Deploy the stack to us-east-1, or leave domainName out and serve the distribution\'s own domain, or use ingress: FargateIngress.publicLoadBalancer().');
    });

    test('fails when the certificate for ingress cloudFront() is outside us-east-1 (GuardedPatterns-CdnCertificateRegion)', () => {
      const { stack, network, image } = setup();
      const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
      const certificate = acm.Certificate.fromCertificateArn(stack, 'EuCertificate', CERTIFICATE_ARN.replace('us-east-1', 'eu-west-1'));
      expect(() => new SecureFargateService(stack, 'Web', {
        vpc: network.vpc, image, domainName: 'app.example.com', hostedZone: zone, certificate, ingress: FargateIngress.cloudFront(),
      })).toThrow(/the viewer certificate arn:aws:acm:eu-west-1:.* is in eu-west-1; CloudFront accepts only certificates in us-east-1.*\(GuardedPatterns-CdnCertificateRegion\)/);
    });
  });

  describe('the embedded VPC origin checks', () => {
    test('a rule that admits more than CloudFront fails synth (GuardedPatterns-CdnVpcOriginOpenLoadBalancer)', () => {
      const { stack, web } = build();
      web.loadBalancerSecurityGroup.addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(80), 'From the office');
      expect(() => (stack.node.root as App).synth()).toThrow(
        /Load balancer 'TestStack\/Web\/LoadBalancer' of VPC origin 'TestStack\/Web\/VpcOrigin' admits 10.0.0.0\/8 on port 80 through security group 'TestStack\/Web\/LoadBalancerSecurityGroup'.*\(GuardedPatterns-CdnVpcOriginOpenLoadBalancer\)/);
    });

    test('a load balancer made internet-facing fails synth (GuardedPatterns-CdnVpcOriginInternetFacing)', () => {
      const { stack, web } = build();
      (web.loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer).scheme = 'internet-facing';
      expect(() => (stack.node.root as App).synth()).toThrow(
        /VPC origin 'TestStack\/Web\/VpcOrigin' reaches load balancer 'TestStack\/Web\/LoadBalancer', which is internet-facing.*\(GuardedPatterns-CdnVpcOriginInternetFacing\)/);
    });

    test('a load balancer moved to public subnets fails synth (GuardedPatterns-CdnVpcOriginPublicSubnets)', () => {
      const { stack, network, web } = build();
      (web.loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer).subnets = network.vpc.publicSubnets.map((s) => s.subnetId);
      expect(() => (stack.node.root as App).synth()).toThrow(
        /VPC origin 'TestStack\/Web\/VpcOrigin' reaches load balancer 'TestStack\/Web\/LoadBalancer' in public subnets .*\(GuardedPatterns-CdnVpcOriginPublicSubnets\)/);
    });

    test('a VPC without an internet gateway fails synth (GuardedPatterns-CdnVpcOriginNoInternetGateway)', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Isolated', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const image = ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repository', 'app'), 'v1');
      new SecureFargateService(stack, 'Web', { vpc, image });
      expect(() => (stack.node.root as App).synth()).toThrow(
        /VPC origin 'TestStack\/Web\/VpcOrigin' reaches load balancer 'TestStack\/Web\/LoadBalancer' in VPC 'TestStack\/Isolated', which has no internet gateway attached.*\(GuardedPatterns-CdnVpcOriginNoInternetGateway\)/);
    });
  });
});

/** A certificate by its literal ARN, in a stack of its own: what a user imports. */
function certificateOf(): acm.ICertificate {
  return acm.Certificate.fromCertificateArn(new Stack(new App(), 'Certificates'), 'Certificate', CERTIFICATE_ARN);
}
