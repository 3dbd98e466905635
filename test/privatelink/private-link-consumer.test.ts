import { App, CfnResource, Stack, aws_ec2 as ec2, aws_sns as sns } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PrivateLinkConsumer, PrivateLinkConsumerProps, PrivateLinkDns, PrivateSubnetVpc } from '../../src';
import { testApp, testStack } from '../util';

const KINESIS = ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS;
const ECR_DOCKER = ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER;
const PARTNER = new ec2.InterfaceVpcEndpointService('com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0', 8443);

/** A shared VPC (10.0.0.0/16) and an application VPC (10.1.0.0/16) to peer with it. */
function network(stack: Stack = testStack()) {
  const shared = new PrivateSubnetVpc(stack, 'Shared', { natGateways: 0 });
  const app = new PrivateSubnetVpc(stack, 'App', { cidr: '10.1.0.0/16', natGateways: 0 });
  return { stack, shared: shared.vpc, app: app.vpc };
}

function synth(props: Partial<PrivateLinkConsumerProps> = {}) {
  const { stack, shared, app } = network();
  const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS, ECR_DOCKER], peerVpcs: [app], ...props });
  return { stack, shared, app, consumer, template: Template.fromStack(stack) };
}

function ref(vpc: ec2.IVpc) {
  return { Ref: Stack.of(vpc).getLogicalId(vpc.node.defaultChild as ec2.CfnVPC) };
}

/** The route tables of a VPC's subnets, as Refs. */
function routeTables(vpc: ec2.IVpc) {
  const ids = new Set([...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets].map((s) => s.routeTable.routeTableId));
  return [...ids].map((id) => Stack.of(vpc).resolve(id));
}

/** The destinations and route tables of the routes through the peering connection. */
function peeringRoutes(template: Template) {
  return Object.values(template.findResources('AWS::EC2::Route', { Properties: { VpcPeeringConnectionId: Match.anyValue() } }))
    .map((r: any) => ({ to: r.Properties.DestinationCidrBlock, table: r.Properties.RouteTableId }));
}

describe('PrivateLinkConsumer', () => {
  describe('with defaults (hosted zones)', () => {
    const { template, consumer, shared, app } = synth();

    test('puts one interface endpoint per service in every AZ, with private DNS off', () => {
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 2 + 4);
      const interfaces = template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } });
      expect(Object.keys(interfaces)).toHaveLength(2);
      for (const endpoint of Object.values(interfaces) as any[]) {
        expect(endpoint.Properties.PrivateDnsEnabled).toBe(false);
        expect(endpoint.Properties.SubnetIds).toHaveLength(3);
        expect(endpoint.Properties.VpcId).toEqual(ref(shared));
      }
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.us-east-1.kinesis-streams' });
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.us-east-1.ecr.dkr' });
      expect(consumer.endpoints).toHaveLength(2);
    });

    test('lets only the VPC and the peer in, on 443, and sends nothing out', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'Interface endpoints of TestStack/Endpoints',
        SecurityGroupIngress: [
          Match.objectLike({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }),
          Match.objectLike({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.1.0.0/16' }),
        ],
        SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
      });
    });

    test('peers the VPCs with routes both ways on every route table', () => {
      template.resourceCountIs('AWS::EC2::VPCPeeringConnection', 1);
      template.hasResourceProperties('AWS::EC2::VPCPeeringConnection', { VpcId: ref(shared), PeerVpcId: ref(app) });
      const routes = peeringRoutes(template);
      expect(routes.filter((r) => r.to === '10.1.0.0/16').map((r) => r.table)).toEqual(routeTables(shared));
      expect(routes.filter((r) => r.to === '10.0.0.0/16').map((r) => r.table)).toEqual(routeTables(app));
      expect(routes).toHaveLength(12);
      expect(consumer.peeringConnections).toHaveLength(1);
    });

    test('answers each private DNS name of each service from a private hosted zone in both VPCs', () => {
      template.resourceCountIs('AWS::Route53::HostedZone', 4);
      for (const name of ['kinesis.us-east-1.amazonaws.com.', 'control-kinesis.us-east-1.amazonaws.com.', 'data-kinesis.us-east-1.amazonaws.com.', 'dkr.ecr.us-east-1.amazonaws.com.']) {
        template.hasResourceProperties('AWS::Route53::HostedZone', {
          Name: name,
          VPCs: [{ VPCId: ref(shared), VPCRegion: 'us-east-1' }, { VPCId: ref(app), VPCRegion: 'us-east-1' }],
        });
      }
      const records = Object.values(template.findResources('AWS::Route53::RecordSet')).map((r: any) => `${r.Properties.Type} ${r.Properties.Name}`).sort();
      expect(records).toEqual([
        'A *.control-kinesis.us-east-1.amazonaws.com.',
        'A *.data-kinesis.us-east-1.amazonaws.com.',
        'A *.dkr.ecr.us-east-1.amazonaws.com.',
        'A dkr.ecr.us-east-1.amazonaws.com.',
        'A kinesis.us-east-1.amazonaws.com.',
      ]);
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: '*.data-kinesis.us-east-1.amazonaws.com.',
        HostedZoneId: { Ref: Match.stringLikeRegexp('^EndpointsKinesisStreamsDataKinesisZone') },
        AliasTarget: Match.objectLike({ DNSName: Match.objectLike({ 'Fn::Select': [1, Match.anyValue()] }) }),
      });
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'kinesis.us-east-1.amazonaws.com.',
        AliasTarget: { DNSName: { 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::Select': [0, { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointsKinesisStreams'), 'DnsEntries'] }] }] }] } },
      });
      expect(consumer.hostedZones).toHaveLength(4);
      expect(consumer.serviceHostNames).toEqual(['kinesis.us-east-1.amazonaws.com', 'dkr.ecr.us-east-1.amazonaws.com']);
      expect(consumer.privateDnsNames).toEqual([
        'kinesis.us-east-1.amazonaws.com', '*.control-kinesis.us-east-1.amazonaws.com', '*.data-kinesis.us-east-1.amazonaws.com',
        'dkr.ecr.us-east-1.amazonaws.com', '*.dkr.ecr.us-east-1.amazonaws.com',
      ]);
    });

    test('has no DNS server addresses, Resolver endpoints or forwarders', () => {
      expect(consumer.dnsServers).toEqual([]);
      template.resourceCountIs('AWS::Route53Resolver::ResolverEndpoint', 0);
      template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
      expect(consumer.inboundResolverEndpoint).toBeUndefined();
      expect(consumer.forwarderGroups).toEqual([]);
    });
  });

  describe('with Resolver endpoints', () => {
    const { template, consumer, shared, app } = synth({ dns: PrivateLinkDns.resolverEndpoints() });

    test('keeps private DNS on the endpoints', () => {
      const interfaces = template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } });
      expect(Object.values(interfaces).map((e: any) => e.Properties.PrivateDnsEnabled)).toEqual([true, true]);
      template.resourceCountIs('AWS::Route53::HostedZone', 0);
    });

    test('puts an inbound endpoint on fixed addresses in two AZs, and exposes them', () => {
      template.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', {
        Direction: 'INBOUND',
        IpAddresses: [
          { SubnetId: Stack.of(shared).resolve(shared.isolatedSubnets[0].subnetId), Ip: '10.0.31.254' },
          { SubnetId: Stack.of(shared).resolve(shared.isolatedSubnets[1].subnetId), Ip: '10.0.63.254' },
        ],
      });
      expect(consumer.dnsServers).toEqual(['10.0.31.254', '10.0.63.254']);
    });

    test('lets DNS in from the VPC and the peer only', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^Inbound Resolver endpoint'),
        SecurityGroupIngress: [
          Match.objectLike({ IpProtocol: 'udp', FromPort: 53, CidrIp: '10.0.0.0/16' }),
          Match.objectLike({ IpProtocol: 'udp', FromPort: 53, CidrIp: '10.1.0.0/16' }),
          Match.objectLike({ IpProtocol: 'tcp', FromPort: 53, CidrIp: '10.0.0.0/16' }),
          Match.objectLike({ IpProtocol: 'tcp', FromPort: 53, CidrIp: '10.1.0.0/16' }),
        ],
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^Outbound Resolver endpoint'),
        SecurityGroupEgress: [
          Match.objectLike({ IpProtocol: 'udp', CidrIp: '10.0.31.254/32' }),
          Match.objectLike({ IpProtocol: 'udp', CidrIp: '10.0.63.254/32' }),
          Match.objectLike({ IpProtocol: 'tcp', CidrIp: '10.0.31.254/32' }),
          Match.objectLike({ IpProtocol: 'tcp', CidrIp: '10.0.63.254/32' }),
        ],
      });
    });

    test('forwards each service name from the peer to the inbound endpoint', () => {
      template.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', { Direction: 'OUTBOUND', IpAddresses: Match.arrayWith([Match.objectLike({ SubnetId: Match.anyValue() })]) });
      for (const name of ['kinesis.us-east-1.amazonaws.com', 'control-kinesis.us-east-1.amazonaws.com', 'data-kinesis.us-east-1.amazonaws.com', 'dkr.ecr.us-east-1.amazonaws.com']) {
        template.hasResourceProperties('AWS::Route53Resolver::ResolverRule', {
          RuleType: 'FORWARD',
          DomainName: name,
          ResolverEndpointId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointsOutboundResolverEndpoint'), 'ResolverEndpointId'] },
          TargetIps: [{ Ip: '10.0.31.254', Port: '53' }, { Ip: '10.0.63.254', Port: '53' }],
        });
      }
      template.resourceCountIs('AWS::Route53Resolver::ResolverRuleAssociation', 4);
      template.hasResourceProperties('AWS::Route53Resolver::ResolverRuleAssociation', { VPCId: ref(app) });
      expect(consumer.resolverRules).toHaveLength(4);
      expect(consumer.outboundResolverEndpoint).toBeDefined();
    });

    test('without peers, only the inbound endpoint (for VPN and on-premises clients)', () => {
      const { template: alone } = synth({ dns: PrivateLinkDns.resolverEndpoints(), peerVpcs: [] });
      alone.resourceCountIs('AWS::Route53Resolver::ResolverEndpoint', 1);
      alone.resourceCountIs('AWS::Route53Resolver::ResolverRule', 0);
      alone.resourceCountIs('AWS::EC2::VPCPeeringConnection', 0);
    });
  });

  describe('with forwarder instances', () => {
    const { template, consumer, app } = synth({ dns: PrivateLinkDns.forwarderInstances() });

    test('runs one forwarder per AZ in two AZs, each in its own group of one', () => {
      template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2);
      const groups = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup')) as any[];
      for (const group of groups) {
        expect(group.Properties).toMatchObject({ MinSize: '1', MaxSize: '1' });
        expect(group.Properties.VPCZoneIdentifier).toHaveLength(1);
      }
      expect(groups[0].Properties.VPCZoneIdentifier).not.toEqual(groups[1].Properties.VPCZoneIdentifier);
      expect(consumer.forwarderGroups).toHaveLength(2);
    });

    test('gives each forwarder a network interface whose address is a DNS server', () => {
      template.resourceCountIs('AWS::EC2::NetworkInterface', 2);
      const stack = Stack.of(app);
      expect(stack.resolve(consumer.dnsServers)).toEqual(consumer.forwarderInterfaces.map((eni) => ({ 'Fn::GetAtt': [stack.getLogicalId(eni), 'PrimaryPrivateIpAddress'] })));
      template.hasResourceProperties('AWS::EC2::NetworkInterface', { Description: 'DNS forwarder 1 of TestStack/Endpoints', GroupSet: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointsForwarderSecurityGroup'), 'GroupId'] }] });
    });

    test('boots Amazon Linux 2023 for the instance type\'s architecture from an SSM public parameter, with IMDSv2 and an encrypted disk', () => {
      const parameters = Object.values(template.toJSON().Parameters ?? {}).map((p: any) => p.Default);
      expect(parameters).toContain('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64');
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateData: Match.objectLike({
          InstanceType: 't4g.nano',
          MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 8, VolumeType: 'gp3' } }],
        }),
      });
    });

    test('lets the instances attach only their own interfaces', () => {
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Action: 'ec2:AttachNetworkInterface', Resource: Match.arrayWith([Match.objectLike({ 'Fn::Join': Match.anyValue() })]) }),
            Match.objectLike({
              Action: 'ec2:AttachNetworkInterface',
              Condition: { StringEquals: { 'ec2:ResourceTag/guarded-patterns:dns-forwarder': consumer.node.addr } },
            }),
          ],
        },
      });
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });

    test('tags the instances at launch with the tag that scopes their permission', () => {
      const templates = Object.values(template.findResources('AWS::EC2::LaunchTemplate')) as any[];
      expect(templates).toHaveLength(2);
      for (const launchTemplate of templates) {
        expect(launchTemplate.Properties.LaunchTemplateData.TagSpecifications).toEqual(expect.arrayContaining([
          { ResourceType: 'instance', Tags: expect.arrayContaining([{ Key: 'guarded-patterns:dns-forwarder', Value: consumer.node.addr }]) },
        ]));
      }
    });

    test('the attach permission exists before the groups start their first instances', () => {
      const resources = template.toJSON().Resources as Record<string, any>;
      const [policy] = Object.keys(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('^Lets the DNS forwarders') } }));
      // The policy refers to nothing the groups create, so CloudFormation can create it first ...
      const refs = JSON.stringify(resources[policy]).match(/"(Ref|Fn::GetAtt)":\[?"[A-Za-z0-9]+"/g) ?? [];
      const groups = Object.keys(template.findResources('AWS::AutoScaling::AutoScalingGroup'));
      expect(refs.filter((r) => groups.some((g) => r.includes(g)))).toEqual([]);
      // ... and each group waits for it, and for the EC2 endpoint its isolated subnets attach through.
      const [endpoint] = Object.keys(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: 'com.amazonaws.us-east-1.ec2' } }));
      for (const group of groups) {
        expect(resources[group].DependsOn).toEqual(expect.arrayContaining([policy, endpoint]));
      }
    });

    test('isolated subnets get an EC2 API endpoint with private DNS, reachable on 443 from the VPC', () => {
      const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: 'com.amazonaws.us-east-1.ec2' } })) as any[];
      expect(endpoints).toHaveLength(1);
      expect(endpoints[0].Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
      expect(endpoints[0].Properties.SubnetIds).toHaveLength(3);
      expect(endpoints[0].Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^EndpointsSecurityGroup/), 'GroupId'] }]);
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'Interface endpoints of TestStack/Endpoints',
        SecurityGroupIngress: Match.arrayWith([Match.objectLike({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' })]),
      });
      expect(consumer.forwarderEc2Endpoint).toBeDefined();
    });

    test('no EC2 endpoint where the subnets reach the internet, where ec2Endpoint is off, or where services holds it', () => {
      const withNat = (() => {
        const stack = testStack();
        const shared = new PrivateSubnetVpc(stack, 'Shared', { natGateways: 2, maxAzs: 2 });
        const peer = new PrivateSubnetVpc(stack, 'App', { cidr: '10.1.0.0/16', natGateways: 0 });
        new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared.vpc, services: [KINESIS], peerVpcs: [peer.vpc], dns: PrivateLinkDns.forwarderInstances() });
        return Template.fromStack(stack);
      })();
      const off = synth({ dns: PrivateLinkDns.forwarderInstances({ ec2Endpoint: false }) });
      const listed = synth({ services: [KINESIS, ec2.InterfaceVpcEndpointAwsService.EC2], dns: PrivateLinkDns.forwarderInstances() });
      for (const t of [withNat, off.template, listed.template]) {
        expect(Object.keys(t.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: 'com.amazonaws.us-east-1.ec2' } })).length).toBeLessThanOrEqual(1);
      }
      expect(withNat.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: 'com.amazonaws.us-east-1.ec2' } })).toEqual({});
      expect(off.template.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: 'com.amazonaws.us-east-1.ec2' } })).toEqual({});
      expect(off.consumer.forwarderEc2Endpoint).toBeUndefined();
      expect(listed.consumer.forwarderEc2Endpoint).toBeUndefined();
    });

    test('makes the forwarders the peer\'s DNS servers', () => {
      template.hasResourceProperties('AWS::EC2::DHCPOptions', {
        DomainName: 'ec2.internal',
        DomainNameServers: [
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointsForwarder1Interface'), 'PrimaryPrivateIpAddress'] },
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointsForwarder2Interface'), 'PrimaryPrivateIpAddress'] },
        ],
      });
      template.hasResourceProperties('AWS::EC2::VPCDHCPOptionsAssociation', { VpcId: ref(app) });
    });

    test('lets DNS in from the VPC and the peer', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^DNS forwarders'),
        SecurityGroupIngress: Match.arrayWith([
          Match.objectLike({ IpProtocol: 'udp', FromPort: 53, CidrIp: '10.1.0.0/16' }),
          Match.objectLike({ IpProtocol: 'tcp', FromPort: 53, CidrIp: '10.1.0.0/16' }),
        ]),
      });
    });

    test('no scaling notifications by default; notificationTopic gives each forwarder group the topic for every launch and termination', () => {
      // GIVEN the defaults: no notification configuration
      for (const group of Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup')) as any[]) {
        expect(group.Properties.NotificationConfigurations).toBeUndefined();
      }
      // WHEN a topic is given
      const { stack, shared, app: peer } = network();
      const topic = new sns.Topic(stack, 'Operations');
      new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], peerVpcs: [peer], dns: PrivateLinkDns.forwarderInstances({ notificationTopic: topic }) });
      // THEN both groups notify it of launches, terminations and their failures
      const groups = Object.values(Template.fromStack(stack).findResources('AWS::AutoScaling::AutoScalingGroup')) as any[];
      expect(groups).toHaveLength(2);
      for (const group of groups) {
        expect(group.Properties.NotificationConfigurations).toEqual([{
          TopicARN: { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) },
          NotificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR', 'autoscaling:EC2_INSTANCE_TERMINATE', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR'],
        }]);
      }
    });

    test('an x86 instance type boots the x86 image', () => {
      const { template: x86 } = synth({ dns: PrivateLinkDns.forwarderInstances({ instanceType: new ec2.InstanceType('t3.micro') }) });
      const parameters = Object.values(x86.toJSON().Parameters ?? {}).map((p: any) => p.Default);
      expect(parameters).toContain('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64');
      x86.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 't3.micro' }) });
    });

    test('fails when peerDhcpOptions is off and nothing else points the peer at the forwarders', () => {
      const { stack, shared, app: peer } = network();
      new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], peerVpcs: [peer], dns: PrivateLinkDns.forwarderInstances({ peerDhcpOptions: false }) });
      expect(() => (stack.node.root as App).synth()).toThrow(
        /Interface endpoint 'TestStack\/Endpoints\/KinesisStreams' \(kinesis-streams\) has private DNS on in VPC 'TestStack\/Shared\/Resource', which is peered with VPC 'TestStack\/App\/Resource'.*GuardedPatterns-PrivateLinkPeerDnsMissing/);
    });
  });

  describe('private DNS names from the table, not from the short name', () => {
    const FIREHOSE = ec2.InterfaceVpcEndpointAwsService.KINESIS_FIREHOSE;

    test('Firehose: its zone is firehose.<region>, not kinesis-firehose.<region>', () => {
      const { template, consumer } = synth({ services: [FIREHOSE] });
      template.resourceCountIs('AWS::Route53::HostedZone', 1);
      template.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'firehose.us-east-1.amazonaws.com.' });
      expect(consumer.privateDnsNames).toEqual(['firehose.us-east-1.amazonaws.com']);
    });

    test('Firehose: its Resolver rule is firehose.<region>', () => {
      const { template } = synth({ services: [FIREHOSE], dns: PrivateLinkDns.resolverEndpoints() });
      template.resourceCountIs('AWS::Route53Resolver::ResolverRule', 1);
      template.hasResourceProperties('AWS::Route53Resolver::ResolverRule', { DomainName: 'firehose.us-east-1.amazonaws.com' });
    });

    test('Kinesis Data Streams: zones for data-kinesis and control-kinesis with * records, and their Resolver rules', () => {
      const zones = synth({ services: [KINESIS] }).template;
      for (const zone of ['data-kinesis', 'control-kinesis']) {
        zones.hasResourceProperties('AWS::Route53::HostedZone', { Name: `${zone}.us-east-1.amazonaws.com.` });
        zones.hasResourceProperties('AWS::Route53::RecordSet', { Name: `*.${zone}.us-east-1.amazonaws.com.`, Type: 'A' });
      }
      const rules = synth({ services: [KINESIS], dns: PrivateLinkDns.resolverEndpoints() }).template;
      expect(Object.values(rules.findResources('AWS::Route53Resolver::ResolverRule')).map((r: any) => r.Properties.DomainName).sort())
        .toEqual(['control-kinesis.us-east-1.amazonaws.com', 'data-kinesis.us-east-1.amazonaws.com', 'kinesis.us-east-1.amazonaws.com']);
    });

    test('an environment-agnostic stack names the zones with the region and URL suffix of the deployment', () => {
      const stack = testStack(undefined, 'TestStack', { envAgnostic: true });
      const shared = new ec2.Vpc(stack, 'Shared', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), natGateways: 0, maxAzs: 2 });
      new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [FIREHOSE] });
      Template.fromStack(stack).hasResourceProperties('AWS::Route53::HostedZone', {
        Name: { 'Fn::Join': ['', ['firehose.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '.']] },
      });
    });

    test('fails for a service the table does not know, naming the prop that gives its names', () => {
      const n = network();
      const bedrock = ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME;
      expect(() => new PrivateLinkConsumer(n.stack, 'Endpoints', { vpc: n.shared, services: [KINESIS, bedrock], peerVpcs: [n.app] })).toThrow(
        "PrivateLinkConsumer 'TestStack/Endpoints': services[1] (bedrock-runtime) is not one whose private DNS names the construct knows (ec2, ec2messages, ecr.api, ecr.dkr, ecs, "
        + 'elasticloadbalancing, events, execute-api, kinesis-firehose, kinesis-streams, kinesis-streams-fips, kms, kms-fips, lambda, logs, monitoring, secretsmanager, sns, sqs, sqs-fips, ssm, '
        + "ssm-fips, ssmmessages, states, sts, sts-fips). Give its names in servicePrivateDnsNames: { 'bedrock-runtime': [...] }, the PrivateDnsNames that "
        + 'aws ec2 describe-vpc-endpoint-services --service-names com.amazonaws.<region>.bedrock-runtime reports.');
    });

    test('servicePrivateDnsNames gives the names of a service the table does not know, wildcard names included', () => {
      const { template, consumer } = synth({
        services: [ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME],
        servicePrivateDnsNames: { 'bedrock-runtime': ['bedrock-runtime.us-east-1.amazonaws.com', '*.bedrock-runtime.us-east-1.amazonaws.com'] },
        dns: PrivateLinkDns.resolverEndpoints(),
      });
      template.hasResourceProperties('AWS::Route53Resolver::ResolverRule', { DomainName: 'bedrock-runtime.us-east-1.amazonaws.com' });
      template.resourceCountIs('AWS::Route53Resolver::ResolverRule', 1);
      expect(consumer.privateDnsNames).toEqual(['bedrock-runtime.us-east-1.amazonaws.com', '*.bedrock-runtime.us-east-1.amazonaws.com']);
    });

    test('fails when servicePrivateDnsNames gives no names, or something that is not a DNS name', () => {
      const n = network();
      expect(() => new PrivateLinkConsumer(n.stack, 'Endpoints', {
        vpc: n.shared, services: [ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME, ec2.InterfaceVpcEndpointAwsService.BEDROCK], servicePrivateDnsNames: { 'bedrock-runtime': [], 'bedrock': ['https://bedrock'] },
      })).toThrow(/servicePrivateDnsNames\['bedrock-runtime'\] \(\[\]\) must list the service's private DNS names.* servicePrivateDnsNames\['bedrock'\] \(\["https:\/\/bedrock"\]\) must list/);
    });
  });

  describe('options', () => {
    test('existingPeerVpcs: DNS and 443 for the peer, no peering or routes', () => {
      const { stack, shared, app } = network();
      new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], existingPeerVpcs: [app] });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::EC2::VPCPeeringConnection', 0);
      expect(peeringRoutes(template)).toEqual([]);
      template.hasResourceProperties('AWS::Route53::HostedZone', { VPCs: [{ VPCId: ref(shared), VPCRegion: 'us-east-1' }, { VPCId: ref(app), VPCRegion: 'us-east-1' }] });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.arrayWith([Match.objectLike({ FromPort: 443, CidrIp: '10.1.0.0/16' })]) });
    });

    test('an endpoint service by name: its DNS name answers in the peers, on its own port', () => {
      const { template, consumer } = synth({ services: [KINESIS, PARTNER], endpointServiceDnsNames: { [PARTNER.name]: 'API.Partner.example' } });
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: PARTNER.name, PrivateDnsEnabled: false });
      template.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'api.partner.example.' });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'Interface endpoints of TestStack/Endpoints',
        SecurityGroupIngress: Match.arrayWith([Match.objectLike({ FromPort: 8443, ToPort: 8443, CidrIp: '10.1.0.0/16' })]),
      });
      expect(consumer.serviceHostNames).toEqual(['kinesis.us-east-1.amazonaws.com', 'api.partner.example']);

      const { template: rules } = synth({ services: [PARTNER], endpointServiceDnsNames: { [PARTNER.name]: 'api.partner.example' }, dns: PrivateLinkDns.resolverEndpoints() });
      rules.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: PARTNER.name, PrivateDnsEnabled: true });
      rules.hasResourceProperties('AWS::Route53Resolver::ResolverRule', { DomainName: 'api.partner.example' });
    });

    test('securityGroup: the endpoints use it, and it gets the rules', () => {
      const { stack, shared, app } = network();
      const group = new ec2.SecurityGroup(stack, 'Mine', { vpc: shared, allowAllOutbound: false });
      const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], peerVpcs: [app], securityGroup: group });
      const template = Template.fromStack(stack);
      expect(consumer.securityGroup).toBe(group);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'GroupId'] }] });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'TestStack/Mine',
        SecurityGroupIngress: [Match.objectLike({ FromPort: 443, CidrIp: '10.0.0.0/16' }), Match.objectLike({ FromPort: 443, CidrIp: '10.1.0.0/16' })],
      });
      expect(Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'Interface endpoints of TestStack/Endpoints' } }))).toEqual([]);
    });

    test('connections: other groups can be let in on 443', () => {
      const { stack, shared } = network();
      const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS] });
      const client = new ec2.SecurityGroup(stack, 'Client', { vpc: shared });
      consumer.connections.allowDefaultPortFrom(client);
      Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Client'), 'GroupId'] },
      });
    });

    test('subnets: the endpoints go where they are told', () => {
      const { template, shared } = synth({ subnets: { subnetType: ec2.SubnetType.PUBLIC, availabilityZones: ['us-east-1a', 'us-east-1b'] } });
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        SubnetIds: shared.publicSubnets.slice(0, 2).map((s) => Stack.of(shared).resolve(s.subnetId)),
      });
    });

    test('a peer in another stack of the same environment is peered through cross-stack references', () => {
      const app = testApp();
      const one = testStack(app, 'One');
      const two = testStack(app, 'Two');
      const shared = new PrivateSubnetVpc(one, 'Shared', { natGateways: 0 }).vpc;
      const peer = new PrivateSubnetVpc(two, 'App', { cidr: '10.1.0.0/16', natGateways: 0 }).vpc;
      new PrivateLinkConsumer(one, 'Endpoints', { vpc: shared, services: [KINESIS], peerVpcs: [peer] });
      const template = Template.fromStack(one);
      template.hasResourceProperties('AWS::EC2::VPCPeeringConnection', { PeerVpcId: { 'Fn::ImportValue': Match.stringLikeRegexp('^Two:ExportsOutputRefApp') } });
    });
  });

  describe('fails when', () => {
    function attempt(props: (n: ReturnType<typeof network>) => Partial<PrivateLinkConsumerProps>) {
      const n = network();
      return () => new PrivateLinkConsumer(n.stack, 'Endpoints', { vpc: n.shared, services: [KINESIS], ...props(n) });
    }

    test('services is empty', () => {
      expect(attempt(() => ({ services: [] }))).toThrow("PrivateLinkConsumer 'TestStack/Endpoints': services is empty; give at least one, such as ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS.");
    });

    test('an endpoint service by name has no DNS name, or one that is not a DNS name', () => {
      expect(attempt(() => ({ services: [PARTNER] })))
        .toThrow("PrivateLinkConsumer 'TestStack/Endpoints': services[0] (com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0) is an endpoint service by name, "
          + 'and endpointServiceDnsNames gives no DNS name for it. Add its private DNS name (the one its provider verified), keyed by the service name, or use an ec2.InterfaceVpcEndpointAwsService.');
      expect(attempt(() => ({ services: [PARTNER], endpointServiceDnsNames: { [PARTNER.name]: 'https://api.partner.example' } })))
        .toThrow(/endpointServiceDnsNames\['com\.amazonaws\.vpce\.us-east-1\.vpce-svc-0123456789abcdef0'\] \('https:\/\/api\.partner\.example'\) is not a DNS name/);
    });

    test('several props are wrong: one error lists each', () => {
      expect(attempt((n) => ({ services: [PARTNER, KINESIS, KINESIS], peerVpcs: [n.shared] }))).toThrow(new RegExp([
        '^\\d+ props are wrong:',
        "- PrivateLinkConsumer 'TestStack/Endpoints': services\\[0\\] .* is an endpoint service by name",
        "- PrivateLinkConsumer 'TestStack/Endpoints': services\\[2\\] \\(kinesis-streams\\) is listed twice",
        "- PrivateLinkConsumer 'TestStack/Endpoints': peer VPC 'TestStack/Shared/Resource' is listed twice, or is the endpoint VPC itself",
      ].join('.*\\n')));
    });

    test('a service is listed twice', () => {
      expect(attempt(() => ({ services: [KINESIS, ECR_DOCKER, KINESIS] }))).toThrow(/services\[2\] \(kinesis-streams\) is listed twice/);
    });

    test('a peer is the VPC itself, or listed twice', () => {
      expect(attempt((n) => ({ peerVpcs: [n.shared] }))).toThrow(/peer VPC 'TestStack\/Shared\/Resource' is listed twice, or is the endpoint VPC itself/);
      expect(attempt((n) => ({ peerVpcs: [n.app], existingPeerVpcs: [n.app] }))).toThrow(/peer VPC 'TestStack\/App\/Resource' is listed twice/);
    });

    test('a peer to create is in another region', () => {
      const app = testApp();
      const stack = testStack(app);
      const west = testStack(app, 'West', { env: { account: '111111111111', region: 'us-west-2' } });
      const shared = new ec2.Vpc(stack, 'Shared', { natGateways: 0 });
      const peer = new ec2.Vpc(west, 'Peer', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), natGateways: 0 });
      expect(() => new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], peerVpcs: [peer] }))
        .toThrow("PrivateLinkConsumer 'TestStack/Endpoints': peerVpcs[0] ('West/Peer') is in region us-west-2, the VPC in us-east-1. "
          + 'The construct creates routes on both sides, which it can do only in one account and region: peer it (accept it, add its routes) yourself and pass it in existingPeerVpcs.');
    });

    test('an existing peer is in another account, where its DNS cannot be wired', () => {
      const app = testApp();
      const stack = testStack(app);
      const other = testStack(app, 'Other', { env: { account: '222222222222', region: 'us-east-1' } });
      const shared = new ec2.Vpc(stack, 'Shared', { natGateways: 0 });
      const peer = new ec2.Vpc(other, 'Peer', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), natGateways: 0 });
      expect(() => new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], existingPeerVpcs: [peer] }))
        .toThrow(/existingPeerVpcs\[0\] \('Other\/Peer'\) is in account 222222222222, the VPC in 111111111111, where the construct cannot make its DNS \(HostedZones\) answer/);
    });

    test('an existing peer in another account is reported with the other prop errors', () => {
      const app = testApp();
      const stack = testStack(app);
      const other = testStack(app, 'Other', { env: { account: '222222222222', region: 'us-east-1' } });
      const shared = new ec2.Vpc(stack, 'Shared', { natGateways: 0 });
      const peer = new ec2.Vpc(other, 'Peer', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), natGateways: 0 });
      expect(() => new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [], existingPeerVpcs: [peer], dns: PrivateLinkDns.resolverEndpoints() }))
        .toThrow(expect.objectContaining({
          message: expect.stringMatching(/services is empty[\s\S]*existingPeerVpcs\[0\] \('Other\/Peer'\) is in account 222222222222, the VPC in 111111111111, where the construct cannot make its DNS \(ResolverEndpoints\) answer/),
        }));
      // Nothing was created before the errors were thrown.
      expect(stack.node.tryFindChild('Endpoints')?.node.findAll().filter(CfnResource.isCfnResource) ?? []).toEqual([]);
    });

    test('the blocks overlap (GuardedPatterns-VpcPeeringCidrOverlap)', () => {
      const { stack, shared } = network();
      const clash = new ec2.Vpc(stack, 'Clash', { ipAddresses: ec2.IpAddresses.cidr('10.0.128.0/17'), natGateways: 0 });
      expect(() => new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], peerVpcs: [clash] }))
        .toThrow("PrivateLinkConsumer 'TestStack/Endpoints': VPC 'TestStack/Shared/Resource' (10.0.0.0/16) and peer VPC 'TestStack/Clash' (10.0.128.0/17) overlap. "
          + 'Give one of the VPCs a block that does not overlap; AWS refuses the peering otherwise. (GuardedPatterns-VpcPeeringCidrOverlap)');
    });

    test('a peer has DNS hostnames off (GuardedPatterns-VpcPeeringDnsDisabled)', () => {
      const { stack, shared } = network();
      const dark = new ec2.Vpc(stack, 'Dark', { ipAddresses: ec2.IpAddresses.cidr('10.2.0.0/16'), natGateways: 0, enableDnsHostnames: false });
      expect(() => new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], existingPeerVpcs: [dark] }))
        .toThrow(/VPC 'TestStack\/Dark' has DNS hostnames off, so private DNS names do not resolve there\. .*\(GuardedPatterns-VpcPeeringDnsDisabled\)$/);
    });

    test('the subnets span one AZ', () => {
      expect(attempt(() => ({ subnets: { availabilityZones: ['us-east-1a'] } })))
        .toThrow("PrivateLinkConsumer 'TestStack/Endpoints': subnets select 1 availability zone(s); the endpoints need at least 2 so that an AZ failure leaves them reachable. Select subnets in two or more AZs.");
    });

    test('Resolver endpoints need subnet blocks that are not known', () => {
      const stack = testStack();
      const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
        vpcId: 'vpc-0123456789abcdef0',
        vpcCidrBlock: '10.5.0.0/16',
        availabilityZones: ['us-east-1a', 'us-east-1b'],
        privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      });
      expect(() => new PrivateLinkConsumer(stack, 'Endpoints', { vpc: imported, services: [KINESIS], dns: PrivateLinkDns.resolverEndpoints() }))
        .toThrow(/the CIDR block of subnet 1 \('TestStack\/Imported\/PrivateSubnet1'\) is not known at synth time/);
    });

    test('a peer to create has route tables that are not known', () => {
      const { stack, shared } = network();
      const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
        vpcId: 'vpc-0123456789abcdef0',
        vpcCidrBlock: '10.5.0.0/16',
        availabilityZones: ['us-east-1a', 'us-east-1b'],
        privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      });
      expect(() => new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], peerVpcs: [imported] }))
        .toThrow(/the route table of subnet 'TestStack\/Imported\/PrivateSubnet1' in peer VPC 'TestStack\/Imported' is not known/);
    });
  });
});
