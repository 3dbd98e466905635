import { App, Stack, aws_ec2 as ec2, aws_route53 as route53 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { OTHER_ACCOUNT, hubNetwork, twoAccountNetwork } from './hub-network';
import { SameAccountZones } from './same-account-zones';
import { PrivateLinkConsumer, PrivateLinkConsumerProps, PrivateLinkDns, PrivateLinkTransitGateway } from '../../src';
import { testApp } from '../util';

const KINESIS = ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS;


function synth(props: (n: ReturnType<typeof hubNetwork>) => Partial<PrivateLinkConsumerProps> = () => ({})) {
  const n = hubNetwork();
  const consumer = new PrivateLinkConsumer(n.stack, 'Endpoints', { vpc: n.hub, services: [KINESIS], spokes: [n.a, n.b, n.c], ...props(n) });
  return { ...n, consumer, template: Template.fromStack(n.stack) };
}

function ref(stack: Stack, resource: { node: { defaultChild?: unknown } } | ec2.CfnTransitGatewayAttachment) {
  const l1 = resource instanceof ec2.CfnTransitGatewayAttachment ? resource : resource.node.defaultChild as ec2.CfnVPC;
  return { Ref: stack.getLogicalId(l1) };
}

/** The Transit Gateway routes of the template: destination, route table and what they depend on. */
function transitRoutes(template: Template) {
  return Object.values(template.findResources('AWS::EC2::Route', { Properties: { TransitGatewayId: Match.anyValue() } }))
    .map((r: any) => ({ to: r.Properties.DestinationCidrBlock, table: r.Properties.RouteTableId, dependsOn: r.DependsOn }));
}

describe('PrivateLinkConsumer with Transit Gateway spokes', () => {
  describe('with defaults (a new transit gateway, hosted zones)', () => {
    const { template, consumer, stack, hub, a, b, c } = synth();

    test('creates a transit gateway that associates and propagates every attachment by default', () => {
      template.resourceCountIs('AWS::EC2::TransitGateway', 1);
      template.hasResourceProperties('AWS::EC2::TransitGateway', {
        DefaultRouteTableAssociation: 'enable',
        DefaultRouteTablePropagation: 'enable',
        DnsSupport: 'enable',
        Description: 'Spokes of TestStack/Endpoints',
      });
      template.resourceCountIs('AWS::EC2::TransitGatewayRouteTableAssociation', 0);
      template.resourceCountIs('AWS::EC2::TransitGatewayRouteTablePropagation', 0);
      expect(consumer.transitGateway).toBeInstanceOf(ec2.CfnTransitGateway);
      expect(stack.resolve(consumer.transitGatewayId)).toEqual(ref(stack, { node: { defaultChild: consumer.transitGateway } }));
    });

    test('attaches the hub in the endpoints\' subnets and each spoke in one subnet per AZ', () => {
      template.resourceCountIs('AWS::EC2::TransitGatewayAttachment', 4);
      const gateway = { Ref: stack.getLogicalId(consumer.transitGateway!) };
      template.hasResourceProperties('AWS::EC2::TransitGatewayAttachment', {
        VpcId: ref(stack, hub),
        TransitGatewayId: gateway,
        SubnetIds: hub.isolatedSubnets.map((s) => stack.resolve(s.subnetId)),
      });
      for (const spoke of [a, b]) {
        template.hasResourceProperties('AWS::EC2::TransitGatewayAttachment', {
          VpcId: ref(stack, spoke),
          TransitGatewayId: gateway,
          SubnetIds: spoke.isolatedSubnets.map((s) => stack.resolve(s.subnetId)),
        });
      }
      // The spoke in another stack is attached from the consumer's stack, through exports.
      const cAttachment = stack.resolve((consumer.spokeAttachments[2]).vpcId);
      expect(JSON.stringify(cAttachment)).toMatch(/Fn::ImportValue.*Other:ExportsOutputRefC/);
      expect(consumer.hubAttachment).toBeInstanceOf(ec2.CfnTransitGatewayAttachment);
      expect(consumer.spokeAttachments).toHaveLength(3);
    });

    test('routes each spoke\'s block from the hub, and the hub\'s block from every route table of each spoke, after the attachments', () => {
      const routes = transitRoutes(template);
      const hubAttachment = stack.getLogicalId(consumer.hubAttachment!);
      for (const [i, cidr] of ['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16'].entries()) {
        expect(routes.filter((r) => r.to === cidr)).toEqual(hub.isolatedSubnets.map((s) => ({
          to: cidr, table: stack.resolve(s.routeTable.routeTableId), dependsOn: [hubAttachment],
        })));
        const spoke = [a, b, c][i];
        const tables = [...spoke.publicSubnets, ...spoke.isolatedSubnets].map((s) => s.routeTable.routeTableId);
        const back = routes.filter((r) => r.to === '10.0.0.0/16' && r.dependsOn[0] === stack.getLogicalId(consumer.spokeAttachments[i]));
        expect(back).toHaveLength(tables.length);
      }
      expect(routes).toHaveLength(3 * 2 + 3 * 4);
    });

    test('lets the hub and every spoke in on 443', () => {
      const group = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'Interface endpoints of TestStack/Endpoints' } }))[0] as any;
      expect(group.Properties.SecurityGroupIngress).toEqual([
        { CidrIp: '10.0.0.0/16', Description: 'HTTPS from the endpoint VPC', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
        { CidrIp: '10.1.0.0/16', Description: 'HTTPS from spoke A', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
        { CidrIp: '10.2.0.0/16', Description: 'HTTPS from spoke B', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
        { CidrIp: '10.3.0.0/16', Description: 'HTTPS from spoke C', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
      ]);
    });

    test('associates every hosted zone with the hub and every spoke', () => {
      const zones = Object.values(template.findResources('AWS::Route53::HostedZone')) as any[];
      expect(zones.length).toBeGreaterThan(0);
      for (const zone of zones) {
        const vpcs = JSON.stringify(zone.Properties.VPCs.map((v: any) => v.VPCId));
        for (const vpc of [hub, a, b]) {
          expect(vpcs).toContain(JSON.stringify(ref(stack, vpc)));
        }
        expect(vpcs).toMatch(/Other:ExportsOutputRefC/);
      }
    });
  });

  test('forwarder instances: DNS from every spoke, and each spoke\'s DHCP options point at the forwarders', () => {
    const { template, stack, a, b } = synth(() => ({ dns: PrivateLinkDns.forwarderInstances() }));
    for (const [cidr, name] of [['10.1.0.0/16', 'A'], ['10.2.0.0/16', 'B'], ['10.3.0.0/16', 'C']]) {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('DNS forwarders'),
        SecurityGroupIngress: Match.arrayWith([{ CidrIp: cidr, Description: `DNS from peer ${name}`, FromPort: 53, IpProtocol: 'udp', ToPort: 53 }]),
      });
    }
    template.resourceCountIs('AWS::EC2::VPCDHCPOptionsAssociation', 3);
    for (const spoke of [a, b]) {
      template.hasResourceProperties('AWS::EC2::VPCDHCPOptionsAssociation', { VpcId: ref(stack, spoke) });
    }
  });

  test('Resolver endpoints: every forwarding rule is associated with every spoke', () => {
    const { template, stack, a, b } = synth(() => ({ dns: PrivateLinkDns.resolverEndpoints() }));
    const rules = Object.keys(template.findResources('AWS::Route53Resolver::ResolverRule')).length;
    expect(rules).toBeGreaterThan(0);
    template.resourceCountIs('AWS::Route53Resolver::ResolverRuleAssociation', rules * 3);
    for (const spoke of [a, b]) {
      expect(Object.keys(template.findResources('AWS::Route53Resolver::ResolverRuleAssociation', { Properties: { VPCId: ref(stack, spoke) } }))).toHaveLength(rules);
    }
  });

  test('PrivateLinkTransitGateway.fromId with a route table: associates and propagates every attachment there, creates no transit gateway', () => {
    const { template, consumer } = synth(() => ({ transitGateway: PrivateLinkTransitGateway.fromId('tgw-0123456789abcdef0', 'tgw-rtb-0123456789abcdef0') }));
    template.resourceCountIs('AWS::EC2::TransitGateway', 0);
    template.resourceCountIs('AWS::EC2::TransitGatewayAttachment', 4);
    template.resourceCountIs('AWS::EC2::TransitGatewayRouteTableAssociation', 4);
    template.resourceCountIs('AWS::EC2::TransitGatewayRouteTablePropagation', 4);
    template.hasResourceProperties('AWS::EC2::TransitGatewayRouteTablePropagation', { TransitGatewayRouteTableId: 'tgw-rtb-0123456789abcdef0' });
    template.hasResourceProperties('AWS::EC2::TransitGatewayAttachment', { TransitGatewayId: 'tgw-0123456789abcdef0' });
    template.hasResourceProperties('AWS::EC2::Route', { TransitGatewayId: 'tgw-0123456789abcdef0', DestinationCidrBlock: '10.1.0.0/16' });
    expect(consumer.transitGateway).toBeUndefined();
    expect(consumer.transitGatewayId).toBe('tgw-0123456789abcdef0');
  });

  test('PrivateLinkTransitGateway.fromId without a route table: leaves association and propagation to the transit gateway', () => {
    const { template } = synth(() => ({ transitGateway: PrivateLinkTransitGateway.fromId('tgw-0123456789abcdef0') }));
    template.resourceCountIs('AWS::EC2::TransitGatewayAttachment', 4);
    template.resourceCountIs('AWS::EC2::TransitGatewayRouteTableAssociation', 0);
    template.resourceCountIs('AWS::EC2::TransitGatewayRouteTablePropagation', 0);
  });

  test('a transit gateway and no spokes: the hub is attached, nothing is routed', () => {
    const { template, consumer } = synth(() => ({ spokes: [], transitGateway: PrivateLinkTransitGateway.create({ description: 'Endpoint hub' }) }));
    template.hasResourceProperties('AWS::EC2::TransitGateway', { Description: 'Endpoint hub' });
    template.resourceCountIs('AWS::EC2::TransitGatewayAttachment', 1);
    expect(transitRoutes(template)).toEqual([]);
    expect(consumer.spokeAttachments).toEqual([]);
  });

  test('no spokes and no transit gateway: nothing of a transit gateway', () => {
    const { template, consumer } = synth(() => ({ spokes: undefined }));
    template.resourceCountIs('AWS::EC2::TransitGateway', 0);
    template.resourceCountIs('AWS::EC2::TransitGatewayAttachment', 0);
    expect(consumer.transitGatewayId).toBeUndefined();
  });

  test('peers and spokes together: each routed its own way, named apart', () => {
    const { template, stack, a } = synth((n) => ({ peerVpcs: [n.a], spokes: [n.b] }));
    template.hasResourceProperties('AWS::EC2::Route', { DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: Match.anyValue() });
    template.hasResourceProperties('AWS::EC2::Route', { DestinationCidrBlock: '10.2.0.0/16', TransitGatewayId: Match.anyValue() });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"DestinationCidrBlock":"10.1.0.0\/16","RouteTableId":[^}]*},"TransitGatewayId"/);
    template.hasResourceProperties('AWS::EC2::VPCPeeringConnection', { PeerVpcId: ref(stack, a) });
  });

  test('why spokes are attached from the consumer\'s stack: an attachment in the spoke\'s own stack, with a hosted zone associated with the spoke, makes a cycle', () => {
    const app = testApp();
    const { stack, other, hub, c } = hubNetwork(app);
    const gateway = new ec2.CfnTransitGateway(stack, 'Gateway', {});
    new route53.PrivateHostedZone(stack, 'Zone', { zoneName: 'kinesis.us-east-1.amazonaws.com', vpc: hub }).addVpc(c);
    new ec2.CfnTransitGatewayAttachment(other, 'SpokeSide', { transitGatewayId: gateway.ref, vpcId: c.vpcId, subnetIds: c.isolatedSubnets.map((s) => s.subnetId) });
    expect(() => app.synth()).toThrow(/cyclic reference/);
  });

  describe('fails when', () => {
    function attempt(props: (n: ReturnType<typeof hubNetwork>) => Partial<PrivateLinkConsumerProps>, app?: App) {
      const n = hubNetwork(app);
      return () => new PrivateLinkConsumer(n.stack, 'Endpoints', { vpc: n.hub, services: [KINESIS], ...props(n) });
    }

    test('a spoke is in another region', () => {
      const app = testApp();
      const elsewhere = new Stack(app, 'Elsewhere', { env: { account: '111111111111', region: 'eu-west-1' } });
      const spoke = ec2.Vpc.fromVpcAttributes(elsewhere, 'Spoke', { vpcId: 'vpc-1234', availabilityZones: ['eu-west-1a'], vpcCidrBlock: '10.9.0.0/16' });
      expect(attempt(() => ({ spokes: [spoke] }), app)).toThrow(
        "PrivateLinkConsumer 'TestStack/Endpoints': spokes[0] ('Elsewhere/Spoke') is in region eu-west-1, the VPC in us-east-1. "
        + 'A transit gateway attaches VPCs of its own region only. Give the spoke a transit gateway of its region, peer the two transit gateways, '
        + 'and pass the spoke in existingPeerVpcs, which lets its CIDR block in and gives it DNS where the strategy can.');
    });

    test('a spoke is listed twice, is also a peer, or is the hub', () => {
      expect(attempt((n) => ({ spokes: [n.a, n.a] }))).toThrow(/spokes\[1\] \('TestStack\/A'\) is listed twice, is also a peer, or is the endpoint VPC itself/);
      expect(attempt((n) => ({ peerVpcs: [n.a], spokes: [n.a] }))).toThrow(/spokes\[0\] \('TestStack\/A'\) is listed twice/);
      expect(attempt((n) => ({ spokes: [n.hub] }))).toThrow(/spokes\[0\] \('TestStack\/Hub'\) is listed twice/);
    });

    test('a spoke has DNS hostnames off', () => {
      expect(attempt((n) => ({ spokes: [new ec2.Vpc(n.stack, 'NoDns', { ipAddresses: ec2.IpAddresses.cidr('10.5.0.0/16'), natGateways: 0, enableDnsHostnames: false })] }))).toThrow(
        "PrivateLinkConsumer 'TestStack/Endpoints': spoke VPC 'TestStack/NoDns' has DNS hostnames off, so private DNS names do not resolve there. "
        + "Turn on enableDnsSupport and enableDnsHostnames (ec2.Vpc's defaults). (GuardedPatterns-TransitGatewaySpokeDnsDisabled)");
    });

    test('a spoke overlaps the hub, another spoke or a peer', () => {
      const overlap = (n: ReturnType<typeof hubNetwork>) => new ec2.Vpc(n.stack, 'Overlap', { ipAddresses: ec2.IpAddresses.cidr('10.1.128.0/17'), natGateways: 0 });
      expect(attempt((n) => ({ spokes: [n.a, overlap(n)] }))).toThrow(
        "PrivateLinkConsumer 'TestStack/Endpoints': VPC 'TestStack/A' (10.1.0.0/16) and spoke VPC 'TestStack/Overlap' (10.1.128.0/17) overlap. "
        + 'Give one of the VPCs a block that does not overlap: the transit gateway does not route between overlapping blocks, and a route table holds one route per destination. '
        + '(GuardedPatterns-TransitGatewayCidrOverlap)');
      expect(attempt((n) => ({ peerVpcs: [n.a], spokes: [overlap(n)] }))).toThrow(/VPC 'TestStack\/A' \(10.1.0.0\/16\) and spoke VPC 'TestStack\/Overlap'.*TransitGatewayCidrOverlap/);
      expect(attempt((n) => ({ spokes: [new ec2.Vpc(n.stack, 'Same', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), natGateways: 0 })] })))
        .toThrow(/VPC 'TestStack\/Hub' \(10.0.0.0\/16\) and spoke VPC 'TestStack\/Same' \(10.0.0.0\/16\) overlap/);
    });

    test('fromId is given something that is not a transit gateway or route table ID', () => {
      expect(attempt((n) => ({ spokes: [n.a], transitGateway: PrivateLinkTransitGateway.fromId('vpc-1234', 'rtb-1234') }))).toThrow(
        "2 props are wrong:\n- PrivateLinkConsumer 'TestStack/Endpoints': transitGateway (PrivateLinkTransitGateway.fromId('vpc-1234')) is not a transit gateway ID; give one such as tgw-0123456789abcdef0.\n"
        + "- PrivateLinkConsumer 'TestStack/Endpoints': transitGateway's route table ('rtb-1234') is not a transit gateway route table ID; give one such as tgw-rtb-0123456789abcdef0, or leave it out.");
    });

    test('a spoke\'s route tables are not known', () => {
      expect(attempt((n) => ({
        spokes: [ec2.Vpc.fromVpcAttributes(n.stack, 'Imported', { vpcId: 'vpc-1234', availabilityZones: ['us-east-1a'], vpcCidrBlock: '10.9.0.0/16', privateSubnetIds: ['subnet-1'] })],
      }))).toThrow(/the route table of subnet 'TestStack\/Imported\/PrivateSubnet1' in spoke VPC 'TestStack\/Imported' is not known, so no route to the peer or spoke can be added/);
    });
  });
});

const TGW = 'tgw-0123456789abcdef0';
/** A hub and spokes A and B (10.1.0.0/16, 10.2.0.0/16) in account 111111111111, spoke X (10.3.0.0/16) in a stack of account 222222222222. */
function twoAccounts(props: (n: ReturnType<typeof twoAccountNetwork>) => Partial<PrivateLinkConsumerProps> = () => ({})) {
  const n = twoAccountNetwork();
  const make = () => new PrivateLinkConsumer(n.stack, 'Endpoints', {
    vpc: n.hub,
    services: [KINESIS],
    spokes: [n.a, n.b, n.x],
    transitGateway: PrivateLinkTransitGateway.fromId(TGW),
    dns: new SameAccountZones(),
    ...props(n),
  });
  return { ...n, make };
}

describe('PrivateLinkConsumer with a spoke in another account', () => {
  describe('with a transit gateway of the hub\'s account, by ID', () => {
    const { app, stack, remote, x, make } = twoAccounts();
    const consumer = make();
    const assembly = app.synth();
    const hub = Template.fromStack(stack);
    const spoke = Template.fromStack(remote);

    test('shares the transit gateway with the spoke\'s account through AWS RAM, from the hub\'s stack', () => {
      hub.resourceCountIs('AWS::RAM::ResourceShare', 1);
      hub.hasResourceProperties('AWS::RAM::ResourceShare', {
        ResourceArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ec2:us-east-1:111111111111:transit-gateway/${TGW}`]] }],
        Principals: [OTHER_ACCOUNT],
        AllowExternalPrincipals: true,
      });
      expect(consumer.transitGatewayShare).toBeDefined();
    });

    test('attaches the spoke, and routes it to the hub, in the spoke\'s own stack, from literals only', () => {
      hub.resourceCountIs('AWS::EC2::TransitGatewayAttachment', 3);
      spoke.resourceCountIs('AWS::EC2::TransitGatewayAttachment', 1);
      spoke.hasResourceProperties('AWS::EC2::TransitGatewayAttachment', {
        TransitGatewayId: TGW,
        VpcId: ref(remote, x),
        SubnetIds: x.isolatedSubnets.map((s) => remote.resolve(s.subnetId)),
      });
      const attachment = remote.getLogicalId(consumer.spokeAttachments[2]);
      const routes = transitRoutes(spoke);
      expect(routes).toEqual([...x.publicSubnets, ...x.isolatedSubnets].map((s) => ({
        to: '10.0.0.0/16', table: remote.resolve(s.routeTable.routeTableId), dependsOn: [attachment],
      })));
      expect(JSON.stringify(spoke.toJSON())).not.toMatch(/ImportValue|GetStackOutput|111111111111/);
      expect(JSON.stringify(hub.toJSON())).not.toMatch(/ImportValue|GetStackOutput/);
    });

    test('routes the spoke\'s block from the hub, and lets it in on 443, in the hub\'s stack', () => {
      const routes = transitRoutes(hub).filter((r) => r.to === '10.3.0.0/16');
      expect(routes).toHaveLength(2);
      hub.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: Match.arrayWith([{ CidrIp: '10.3.0.0/16', Description: 'HTTPS from spoke X', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 }]),
      });
    });

    test('deploys the spoke\'s stack after the hub\'s, and says what the spoke\'s account must accept', () => {
      expect(assembly.getStackArtifact(remote.artifactId).dependencies.map((d) => d.id)).toContain(stack.artifactId);
      Annotations.fromStack(stack).hasInfo('/TestStack/Endpoints', Match.stringLikeRegexp(
        `'Remote/X' is in account ${OTHER_ACCOUNT}.*aws ram accept-resource-share-invitation.*aws ec2 accept-transit-gateway-vpc-attachment`));
    });
  });

  test('a transit gateway owned by a third account: no share here, and the owner is told to share it', () => {
    const { app, stack, make } = twoAccounts(() => ({ transitGateway: PrivateLinkTransitGateway.fromId(TGW, undefined, '333333333333') }));
    const consumer = make();
    app.synth();
    Template.fromStack(stack).resourceCountIs('AWS::RAM::ResourceShare', 0);
    expect(consumer.transitGatewayShare).toBeUndefined();
    Annotations.fromStack(stack).hasInfo('/TestStack/Endpoints', Match.stringLikeRegexp(`${TGW} belongs to account 333333333333, which must share it through AWS RAM with account\\(s\\) ${OTHER_ACCOUNT}`));
  });

  describe('fails when', () => {
    test('the transit gateway is created by the consumer', () => {
      expect(twoAccounts(() => ({ transitGateway: undefined })).make).toThrow(
        "PrivateLinkConsumer 'TestStack/Endpoints': spokes[2] ('Remote/X') in another account attach in their own stacks, which can name the transit gateway only by a literal ID "
        + "(CloudFormation has no exports across accounts). Bring the transit gateway: transitGateway: PrivateLinkTransitGateway.fromId('tgw-...'), "
        + "such as the one an organisation's network account shares, or one deployed before.");
    });

    test('the transit gateway is brought with a route table', () => {
      expect(twoAccounts(() => ({ transitGateway: PrivateLinkTransitGateway.fromId(TGW, 'tgw-rtb-0123456789abcdef0') })).make)
        .toThrow(/spokes\[2\] \('Remote\/X'\) in another account cannot be associated with route table tgw-rtb-0123456789abcdef0: only the transit gateway's owner can associate/);
    });

    test('the owner account is not an account ID', () => {
      expect(twoAccounts(() => ({ transitGateway: PrivateLinkTransitGateway.fromId(TGW, undefined, 'network') })).make)
        .toThrow(/transitGateway's owner account \('network'\) is not an account ID/);
    });

    test('the spoke\'s CIDR block is a token of its stack', () => {
      expect(twoAccounts((n) => ({
        spokes: [ec2.Vpc.fromVpcAttributes(n.remote, 'Imported', { vpcId: 'vpc-1234', availabilityZones: ['us-east-1a'], vpcCidrBlock: n.x.vpcCidrBlock, isolatedSubnetIds: ['subnet-1'], isolatedSubnetRouteTableIds: ['rtb-1'] })],
      })).make).toThrow(/spokes\[0\] \('Remote\/Imported'\) is in account 222222222222, and its CIDR block is not known .*Give its VPC a literal block/);
    });

    test('hosted zones do not serve the other account, and point to the Route 53 Profile; the Profile needs a literal ID', () => {
      expect(twoAccounts(() => ({ dns: PrivateLinkDns.hostedZones() })).make).toThrow(
        "spokes[2] ('Remote/X') is in account 222222222222, the VPC in 111111111111, where the construct cannot make its DNS (HostedZones) answer. "
        + "Make the service names resolve there another way (dns: PrivateLinkDns.route53Profile({ profileId: 'rp-...' }) shares an existing Profile");
      expect(twoAccounts(() => ({ dns: PrivateLinkDns.route53Profile() })).make).toThrow(
        /spokes\[2\] \('Remote\/X'\) is in account 222222222222, the VPC in 111111111111, and dns \(PrivateLinkDns.route53Profile\(\)\) has no literal profileId \(none\)/);
    });
  });
});
