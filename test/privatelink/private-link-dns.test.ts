import { Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import {
  ForwarderInstancesDns, HostedZonesDns, PrivateLinkConsumer, PrivateLinkDns, PrivateLinkDnsBindOptions, PrivateLinkDnsConfig,
  PrivateSubnetVpc, ResolverEndpointsDns,
} from '../../src';
import { testApp, testStack } from '../util';

const KINESIS = ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS;

/** A shared VPC (10.0.0.0/16) and an application VPC (10.1.0.0/16) to peer with it. */
function network(stack: Stack = testStack()) {
  const shared = new PrivateSubnetVpc(stack, 'Shared', { natGateways: 0 });
  const app = new PrivateSubnetVpc(stack, 'App', { cidr: '10.1.0.0/16', natGateways: 0 });
  return { stack, shared: shared.vpc, app: app.vpc };
}

/** A strategy of the user's own: it records what the consumer gives it and answers with one address. */
class RecordingDns extends PrivateLinkDns {
  public options?: PrivateLinkDnsBindOptions;
  public scope?: Construct;

  public bind(scope: Construct, options: PrivateLinkDnsBindOptions): PrivateLinkDnsConfig {
    this.scope = scope;
    this.options = options;
    return { dnsServers: ['10.0.0.2'] };
  }
}

describe('PrivateLinkDns', () => {
  describe('each factory gives a strategy that holds what it created once bound', () => {
    test('hostedZones(): the zones', () => {
      const { stack, shared, app } = network();
      const dns = PrivateLinkDns.hostedZones();
      expect(dns).toBeInstanceOf(HostedZonesDns);
      expect(dns.zones).toEqual([]);
      const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], peerVpcs: [app], dns });
      expect(consumer.dns).toBe(dns);
      expect(dns.zones).toHaveLength(3);
      expect(consumer.hostedZones).toEqual(dns.zones);
    });

    test('resolverEndpoints(): the Resolver endpoints, rules and addresses', () => {
      const { stack, shared, app } = network();
      const dns = PrivateLinkDns.resolverEndpoints();
      expect(dns).toBeInstanceOf(ResolverEndpointsDns);
      expect(dns.inboundResolverEndpoint).toBeUndefined();
      const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], peerVpcs: [app], dns });
      expect(dns.inboundResolverEndpoint).toBe(consumer.inboundResolverEndpoint);
      expect(dns.outboundResolverEndpoint).toBe(consumer.outboundResolverEndpoint);
      expect(dns.resolverRules).toHaveLength(3);
      expect(consumer.resolverRules).toEqual(dns.resolverRules);
      expect(consumer.dnsServers).toEqual(dns.dnsServers);
      expect(dns.dnsServers).toHaveLength(2);
    });

    test('forwarderInstances(): the forwarders and their addresses', () => {
      const { stack, shared, app } = network();
      const dns = PrivateLinkDns.forwarderInstances();
      expect(dns).toBeInstanceOf(ForwarderInstancesDns);
      const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], peerVpcs: [app], dns });
      expect(dns.forwarderGroups).toHaveLength(2);
      expect(consumer.forwarderGroups).toEqual(dns.forwarderGroups);
      expect(consumer.forwarderInterfaces).toEqual(dns.forwarderInterfaces);
      expect(consumer.forwarderRole).toBe(dns.forwarderRole);
      expect(consumer.forwarderSecurityGroup).toBe(dns.forwarderSecurityGroup);
      expect(consumer.forwarderEc2Endpoint).toBe(dns.forwarderEc2Endpoint);
      expect(dns.forwarderEc2Endpoint).toBeDefined();
      expect(consumer.dnsServers).toEqual(dns.dnsServers);
    });
  });

  test.each([
    ['hostedZones', () => PrivateLinkDns.hostedZones(), 'HostedZones'],
    ['resolverEndpoints', () => PrivateLinkDns.resolverEndpoints(), 'ResolverEndpoints'],
    ['forwarderInstances', () => PrivateLinkDns.forwarderInstances(), 'ForwarderInstances'],
  ])('fails when %s() is bound to a second consumer', (factory, make, name) => {
    const { stack, shared, app } = network();
    const dns = make();
    new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], peerVpcs: [app], dns });
    const other = new ec2.Vpc(stack, 'Other', { ipAddresses: ec2.IpAddresses.cidr('10.2.0.0/16'), natGateways: 0 });
    expect(() => new PrivateLinkConsumer(stack, 'More', { vpc: other, services: [KINESIS], dns })).toThrow(
      `PrivateLinkConsumer 'TestStack/More': its dns (${name}) is already bound to 'TestStack/Endpoints', whose resources it holds. `
      + `Give each PrivateLinkConsumer a strategy of its own: PrivateLinkDns.${factory}() for each.`);
  });

  describe('an existing peer in another region of the account', () => {
    function attempt(dns: PrivateLinkDns) {
      const app = testApp();
      const stack = testStack(app);
      const west = testStack(app, 'West', { env: { account: '111111111111', region: 'us-west-2' } });
      const { shared } = network(stack);
      const peer = new ec2.Vpc(west, 'Peer', { ipAddresses: ec2.IpAddresses.cidr('10.2.0.0/16'), natGateways: 0 });
      return () => new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], existingPeerVpcs: [peer], dns });
    }

    test('gets hosted zones associated with it', () => {
      expect(attempt(PrivateLinkDns.hostedZones())).not.toThrow();
    });

    test.each([
      ['ResolverEndpoints', PrivateLinkDns.resolverEndpoints()],
      ['ForwarderInstances', PrivateLinkDns.forwarderInstances()],
    ])('fails with %s, whose rules and DHCP options stay in their region', (name, dns) => {
      expect(attempt(dns)).toThrow("PrivateLinkConsumer 'TestStack/Endpoints': existingPeerVpcs[0] ('West/Peer') is in region us-west-2, the VPC in us-east-1, "
        + `where the construct cannot make its DNS (${name}) answer.`);
    });
  });

  describe('a strategy of the user\'s own', () => {
    const { stack, shared, app } = network();
    const dns = new RecordingDns();
    // Already peered: no peering in the app, so no check asks for DNS the strategy does not make.
    const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared, services: [KINESIS], existingPeerVpcs: [app], dns });
    const template = Template.fromStack(stack);

    test('binds to the consumer, with the endpoints (private DNS on), their zones and the peers', () => {
      expect(dns.scope).toBe(consumer);
      const options = dns.options!;
      expect(options.vpc).toBe(shared);
      expect(options.vpcCidr).toBe('10.0.0.0/16');
      expect(options.subnets).toHaveLength(3);
      expect(options.securityGroup).toBe(consumer.securityGroup);
      expect(options.endpoints.map((e) => e.endpoint)).toEqual(consumer.endpoints);
      expect(options.endpoints[0].label).toBe('kinesis-streams');
      expect(options.endpoints[0].zones.map((z) => [z.idPrefix, z.zoneName, z.apex, z.wildcard])).toEqual([
        ['KinesisStreams', 'kinesis.us-east-1.amazonaws.com', true, false],
        ['KinesisStreamsControlKinesis', 'control-kinesis.us-east-1.amazonaws.com', false, true],
        ['KinesisStreamsDataKinesis', 'data-kinesis.us-east-1.amazonaws.com', false, true],
      ]);
      expect(options.peers).toEqual([{ vpc: app, cidr: '10.1.0.0/16', name: 'App', description: 'existingPeerVpcs[0]' }]);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.us-east-1.kinesis-streams', PrivateDnsEnabled: true });
    });

    test('its DNS servers are the consumer\'s', () => {
      expect(consumer.dnsServers).toEqual(['10.0.0.2']);
      expect(consumer.hostedZones).toEqual([]);
      expect(consumer.inboundResolverEndpoint).toBeUndefined();
    });
  });
});
