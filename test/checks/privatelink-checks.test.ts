import { App, Stack, aws_ec2 as ec2, aws_route53 as route53, aws_route53resolver as resolver } from 'aws-cdk-lib';
import { GuardedPatternsChecks, PrivateLinkConsumer, PrivateLinkDns, PrivateSubnetVpc } from '../../src';
import { findings, testStack } from '../util';

const KINESIS = ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS;

/** The pack's findings of one rule over the app, as `path: message`. */
function ruleHits(scope: Stack | App, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), scope).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => `${f.path}: ${f.message}`);
}

/** Two plain VPCs, 10.0.0.0/16 and 10.1.0.0/16, peered by a raw L1 peering connection. */
function peered(stack: Stack = testStack(), options: { routes?: 'both' | 'requester' } = { routes: 'both' }) {
  const a = new ec2.Vpc(stack, 'A', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), natGateways: 0, maxAzs: 2 });
  const b = new ec2.Vpc(stack, 'B', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), natGateways: 0, maxAzs: 2 });
  const peering = new ec2.CfnVPCPeeringConnection(stack, 'Peering', { vpcId: a.vpcId, peerVpcId: b.vpcId });
  const route = (vpc: ec2.Vpc, to: string, id: string) => vpc.isolatedSubnets.forEach((s, i) => new ec2.CfnRoute(stack, `${id}${i}`, {
    routeTableId: s.routeTable.routeTableId, destinationCidrBlock: to, vpcPeeringConnectionId: peering.ref,
  }));
  if (options.routes) {
    route(a, '10.1.0.0/16', 'AToB');
  }
  if (options.routes === 'both') {
    route(b, '10.0.0.0/16', 'BToA');
  }
  return { stack, a, b, peering };
}

function synthFails(stack: Stack): () => void {
  return () => (stack.node.root as App).synth();
}

describe('GuardedPatterns-PrivateLinkPeerDnsMissing', () => {
  test('fires (a warning) on a plain endpoint with private DNS on in a VPC peered in the app', () => {
    const { stack, a } = peered();
    new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc: a, service: KINESIS });
    const hits = findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === 'GuardedPatterns-PrivateLinkPeerDnsMissing');
    expect(hits.map((f) => [f.path, f.severity, f.message])).toEqual([[
      'TestStack/Kinesis/Resource',
      'warning',
      "Interface endpoint 'TestStack/Kinesis' (kinesis-streams) has private DNS on in VPC 'TestStack/A', which is peered with VPC 'TestStack/B' by 'TestStack/Peering', "
      + 'and nothing makes kinesis.<region>, *.control-kinesis.<region>, *.data-kinesis.<region> resolve to the endpoint there: the peer reaches the public service instead. '
      + 'Use PrivateLinkConsumer (it turns private DNS off and associates a private hosted zone with every peer, or adds Resolver rules or forwarders), '
      + 'or associate a private hosted zone of each of those names, with an alias to the endpoint, with the peer.',
    ]]);
  });

  test('does not fire with private DNS off, or when the peer has a zone of the name, a forwarding rule or other DNS servers', () => {
    const off = peered();
    new ec2.InterfaceVpcEndpoint(off.stack, 'Kinesis', { vpc: off.a, service: KINESIS, privateDnsEnabled: false });
    expect(ruleHits(off.stack, 'PrivateLinkPeerDnsMissing')).toEqual([]);

    const zoned = peered();
    new ec2.InterfaceVpcEndpoint(zoned.stack, 'Kinesis', { vpc: zoned.a, service: KINESIS, privateDnsEnabled: false });
    new ec2.InterfaceVpcEndpoint(zoned.stack, 'KinesisInB', { vpc: zoned.b, service: ec2.InterfaceVpcEndpointAwsService.SQS });
    const other = peered(testStack(new App(), 'Other'));
    new ec2.InterfaceVpcEndpoint(other.stack, 'Kinesis', { vpc: other.a, service: KINESIS });
    for (const zone of ['kinesis', 'control-kinesis', 'data-kinesis']) {
      new route53.PrivateHostedZone(other.stack, `Zone-${zone}`, { zoneName: `${zone}.us-east-1.amazonaws.com`, vpc: other.b });
    }
    expect(ruleHits(other.stack, 'PrivateLinkPeerDnsMissing')).toEqual([]);

    const ruled = peered();
    new ec2.InterfaceVpcEndpoint(ruled.stack, 'Kinesis', { vpc: ruled.a, service: KINESIS });
    const rule = new resolver.CfnResolverRule(ruled.stack, 'Rule', { ruleType: 'FORWARD', domainName: 'us-east-1.amazonaws.com', resolverEndpointId: 'rslvr-out-0123456789abcdef0', targetIps: [{ ip: '10.0.0.10' }] });
    new resolver.CfnResolverRuleAssociation(ruled.stack, 'RuleB', { resolverRuleId: rule.attrResolverRuleId, vpcId: ruled.b.vpcId });
    expect(ruleHits(ruled.stack, 'PrivateLinkPeerDnsMissing')).toEqual([]);

    const dhcp = peered();
    new ec2.InterfaceVpcEndpoint(dhcp.stack, 'Kinesis', { vpc: dhcp.a, service: KINESIS });
    const options = new ec2.CfnDHCPOptions(dhcp.stack, 'Dhcp', { domainNameServers: ['10.0.0.53'] });
    new ec2.CfnVPCDHCPOptionsAssociation(dhcp.stack, 'DhcpB', { vpcId: dhcp.b.vpcId, dhcpOptionsId: options.ref });
    expect(ruleHits(dhcp.stack, 'PrivateLinkPeerDnsMissing')).toEqual([]);
  });

  test('fires when the peer resolves kinesis.<region> but not the account-specific names current SDKs call', () => {
    const zoned = peered();
    new ec2.InterfaceVpcEndpoint(zoned.stack, 'Kinesis', { vpc: zoned.a, service: KINESIS });
    new route53.PrivateHostedZone(zoned.stack, 'Zone', { zoneName: 'kinesis.us-east-1.amazonaws.com', vpc: zoned.b });
    const ruled = peered(testStack(new App(), 'Ruled'));
    new ec2.InterfaceVpcEndpoint(ruled.stack, 'Kinesis', { vpc: ruled.a, service: KINESIS });
    ['kinesis', 'data-kinesis'].forEach((zone, i) => {
      const rule = new resolver.CfnResolverRule(ruled.stack, `Rule${i}`, { ruleType: 'FORWARD', domainName: `${zone}.us-east-1.amazonaws.com`, resolverEndpointId: 'rslvr-out-0123456789abcdef0', targetIps: [{ ip: '10.0.0.10' }] });
      new resolver.CfnResolverRuleAssociation(ruled.stack, `Rule${i}B`, { resolverRuleId: rule.attrResolverRuleId, vpcId: ruled.b.vpcId });
    });
    expect(ruleHits(zoned.stack, 'PrivateLinkPeerDnsMissing')).toEqual([expect.stringContaining('nothing makes *.control-kinesis.<region>, *.data-kinesis.<region> resolve')]);
    expect(ruleHits(ruled.stack, 'PrivateLinkPeerDnsMissing')).toEqual([expect.stringContaining('nothing makes *.control-kinesis.<region> resolve')]);
  });

  test('reads Firehose\'s name as firehose.<region>: a zone of that name passes, one named after the short name does not', () => {
    const right = peered();
    new ec2.InterfaceVpcEndpoint(right.stack, 'Firehose', { vpc: right.a, service: ec2.InterfaceVpcEndpointAwsService.KINESIS_FIREHOSE });
    new route53.PrivateHostedZone(right.stack, 'Zone', { zoneName: 'firehose.us-east-1.amazonaws.com', vpc: right.b });
    expect(ruleHits(right.stack, 'PrivateLinkPeerDnsMissing')).toEqual([]);
    const wrong = peered(testStack(new App(), 'Wrong'));
    new ec2.InterfaceVpcEndpoint(wrong.stack, 'Firehose', { vpc: wrong.a, service: ec2.InterfaceVpcEndpointAwsService.KINESIS_FIREHOSE });
    new route53.PrivateHostedZone(wrong.stack, 'Zone', { zoneName: 'kinesis-firehose.us-east-1.amazonaws.com', vpc: wrong.b });
    expect(ruleHits(wrong.stack, 'PrivateLinkPeerDnsMissing')).toEqual([expect.stringContaining('(kinesis-firehose) has private DNS on')]);
  });

  test('reads the service from an environment-agnostic endpoint too', () => {
    const { stack, a } = peered(testStack(undefined, 'TestStack', { envAgnostic: true }));
    new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc: a, service: KINESIS });
    expect(ruleHits(stack, 'PrivateLinkPeerDnsMissing')).toHaveLength(1);
    expect(ruleHits(stack, 'PrivateLinkEndpointPeerIngress')).toHaveLength(1);
  });

  test('a rule for another service\'s name does not count', () => {
    const { stack, a, b } = peered();
    new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc: a, service: KINESIS });
    const rule = new resolver.CfnResolverRule(stack, 'Rule', { ruleType: 'FORWARD', domainName: 'sqs.us-east-1.amazonaws.com', resolverEndpointId: 'rslvr-out-0123456789abcdef0', targetIps: [{ ip: '10.0.0.10' }] });
    new resolver.CfnResolverRuleAssociation(stack, 'RuleB', { resolverRuleId: rule.attrResolverRuleId, vpcId: b.vpcId });
    expect(ruleHits(stack, 'PrivateLinkPeerDnsMissing')).toHaveLength(1);
  });

  test('does not fire on the pattern with any of its DNS strategies, peers in the same or another stack', () => {
    const stack = testStack();
    const shared = new PrivateSubnetVpc(stack, 'Shared', { natGateways: 0 });
    const app = new PrivateSubnetVpc(stack, 'App', { cidr: '10.1.0.0/16', natGateways: 0 });
    for (const [id, dns] of [['Zones', PrivateLinkDns.hostedZones()], ['Rules', PrivateLinkDns.resolverEndpoints()], ['Forwarders', PrivateLinkDns.forwarderInstances()]] as const) {
      const s = testStack(stack.node.root as App, id);
      const sharedHere = id === 'Zones' ? shared.vpc : new PrivateSubnetVpc(s, 'Shared', { natGateways: 0 }).vpc;
      const appHere = id === 'Zones' ? app.vpc : new PrivateSubnetVpc(s, 'App', { cidr: '10.1.0.0/16', natGateways: 0 }).vpc;
      new PrivateLinkConsumer(id === 'Zones' ? stack : s, 'Endpoints', { vpc: sharedHere, services: [KINESIS], peerVpcs: [appHere], dns });
    }
    expect(findings(new GuardedPatternsChecks(), stack.node.root).filter((f) => f.rule.startsWith('GuardedPatterns-PrivateLink') || f.rule.startsWith('GuardedPatterns-VpcPeering'))).toEqual([]);
  });
});

describe('GuardedPatterns-VpcPeeringRoutesMissing', () => {
  test('fires on a raw peering routed from one side only', () => {
    const { stack } = peered(testStack(), { routes: 'requester' });
    expect(ruleHits(stack, 'VpcPeeringRoutesMissing')).toEqual([
      "TestStack/Peering: VPC peering connection 'TestStack/Peering': VPC 'TestStack/B' has no route through it to VPC 'TestStack/A', so traffic between the two has no way back. "
      + "Add a route for the other VPC's CIDR block to the peering connection on every route table of this VPC.",
    ]);
  });

  test('fires on both sides when nothing is routed, and not when both are', () => {
    expect(ruleHits(peered(testStack(), { routes: undefined }).stack, 'VpcPeeringRoutesMissing')).toHaveLength(2);
    expect(ruleHits(peered().stack, 'VpcPeeringRoutesMissing')).toEqual([]);
  });

  test('fails the pattern\'s synth when its return routes are removed', () => {
    const stack = testStack();
    const shared = new PrivateSubnetVpc(stack, 'Shared', { natGateways: 0 });
    const app = new PrivateSubnetVpc(stack, 'App', { cidr: '10.1.0.0/16', natGateways: 0 });
    const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared.vpc, services: [KINESIS], peerVpcs: [app.vpc] });
    for (const child of consumer.node.children.filter((c) => /ReturnRoute/.test(c.node.id))) {
      consumer.node.tryRemoveChild(child.node.id);
    }
    expect(synthFails(stack)).toThrow(/VPC 'TestStack\/App\/Resource' has no route through it to VPC 'TestStack\/Shared\/Resource'.*\(GuardedPatterns-VpcPeeringRoutesMissing\)/);
  });
});

describe('GuardedPatterns-VpcPeeringDnsDisabled', () => {
  test('fires on a raw CfnVPC peer left with CloudFormation\'s default (DNS hostnames off)', () => {
    const stack = testStack();
    const a = new ec2.Vpc(stack, 'A', { natGateways: 0, maxAzs: 2 });
    const raw = new ec2.CfnVPC(stack, 'Raw', { cidrBlock: '10.9.0.0/16' });
    new ec2.CfnVPCPeeringConnection(stack, 'Peering', { vpcId: a.vpcId, peerVpcId: raw.ref });
    expect(ruleHits(stack, 'VpcPeeringDnsDisabled')).toEqual([
      "TestStack/Peering: VPC 'TestStack/Raw', peered by 'TestStack/Peering', has DNS hostnames off, so private DNS names do not resolve there. "
      + 'Turn both on (ec2.Vpc: enableDnsSupport and enableDnsHostnames, the default; CfnVPC: EnableDnsSupport and EnableDnsHostnames true).',
    ]);
  });

  test('does not fire on ec2.Vpc defaults', () => {
    expect(ruleHits(peered().stack, 'VpcPeeringDnsDisabled')).toEqual([]);
  });

  test('fails the pattern\'s synth when a peer\'s DNS support is turned off behind the L2\'s back', () => {
    const stack = testStack();
    const shared = new PrivateSubnetVpc(stack, 'Shared', { natGateways: 0 });
    const app = new PrivateSubnetVpc(stack, 'App', { cidr: '10.1.0.0/16', natGateways: 0 });
    (app.vpc.node.defaultChild as ec2.CfnVPC).enableDnsSupport = false;
    new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared.vpc, services: [KINESIS], peerVpcs: [app.vpc] });
    expect(synthFails(stack)).toThrow(/VPC 'TestStack\/App\/Resource', peered by 'TestStack\/Endpoints\/AppPeering', has DNS support off.*\(GuardedPatterns-VpcPeeringDnsDisabled\)/);
  });
});

describe('GuardedPatterns-PrivateLinkPrivateDnsConflict', () => {
  test('fires on a plain endpoint with private DNS on beside a zone of its name in the same VPC', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc, service: KINESIS });
    new route53.PrivateHostedZone(stack, 'Zone', { zoneName: 'kinesis.us-east-1.amazonaws.com', vpc });
    expect(ruleHits(stack, 'PrivateLinkPrivateDnsConflict')).toEqual([
      "TestStack/Kinesis/Resource: Interface endpoint 'TestStack/Kinesis' (kinesis-streams) has private DNS on, and VPC 'TestStack/Vpc' is associated with hosted zone 'TestStack/Zone' (kinesis.us-east-1.amazonaws.com): "
      + 'CloudFormation fails with ConflictingDomainExists. Turn private DNS off on the endpoint (privateDnsEnabled: false) and let the zone answer, with an alias to the endpoint, or remove the zone.',
    ]);
  });

  test('does not fire with private DNS off, a zone of another name, or a zone in another VPC', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    const other = new ec2.Vpc(stack, 'Other', { natGateways: 0, maxAzs: 2 });
    new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc, service: KINESIS, privateDnsEnabled: false });
    new ec2.InterfaceVpcEndpoint(stack, 'Sqs', { vpc, service: ec2.InterfaceVpcEndpointAwsService.SQS });
    new ec2.InterfaceVpcEndpoint(stack, 'Sns', { vpc: other, service: ec2.InterfaceVpcEndpointAwsService.SNS });
    new route53.PrivateHostedZone(stack, 'Zone', { zoneName: 'kinesis.us-east-1.amazonaws.com', vpc });
    new route53.PrivateHostedZone(stack, 'SnsZone', { zoneName: 'sns.us-east-1.amazonaws.com', vpc });
    expect(ruleHits(stack, 'PrivateLinkPrivateDnsConflict')).toEqual([]);
  });

  test('fails the pattern\'s synth when private DNS is on and the VPC has a zone of the name', () => {
    const stack = testStack();
    const shared = new PrivateSubnetVpc(stack, 'Shared', { natGateways: 0 });
    new route53.PrivateHostedZone(stack, 'Zone', { zoneName: 'kinesis.us-east-1.amazonaws.com', vpc: shared.vpc });
    new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared.vpc, services: [KINESIS], dns: PrivateLinkDns.resolverEndpoints() });
    expect(synthFails(stack)).toThrow(/Interface endpoint 'TestStack\/Endpoints\/KinesisStreams' \(kinesis-streams\) has private DNS on.*ConflictingDomainExists.*\(GuardedPatterns-PrivateLinkPrivateDnsConflict\)/);
  });
});

describe('GuardedPatterns-PrivateLinkEndpointPeerIngress', () => {
  test('fires on a plain endpoint open only to its own VPC', () => {
    const { stack, a } = peered();
    new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc: a, service: KINESIS, privateDnsEnabled: false });
    expect(ruleHits(stack, 'PrivateLinkEndpointPeerIngress')).toEqual([
      "TestStack/Kinesis/Resource: Interface endpoint 'TestStack/Kinesis': its security groups do not admit VPC 'TestStack/B' (peered by 'TestStack/Peering') on TCP 443, "
      + "so connections from the peer time out. Allow TCP 443 from the peer's CIDR block: endpoint.connections.allowFrom(ec2.Peer.ipv4(peerVpc.vpcCidrBlock), ec2.Port.tcp(443)).",
    ]);
  });

  test('does not fire once the peer is let in, by its CidrBlock attribute or a literal block around it', () => {
    const byAttribute = peered();
    const endpoint = new ec2.InterfaceVpcEndpoint(byAttribute.stack, 'Kinesis', { vpc: byAttribute.a, service: KINESIS, privateDnsEnabled: false });
    endpoint.connections.allowFrom(ec2.Peer.ipv4(byAttribute.b.vpcCidrBlock), ec2.Port.tcp(443));
    expect(ruleHits(byAttribute.stack, 'PrivateLinkEndpointPeerIngress')).toEqual([]);

    const byLiteral = peered();
    const other = new ec2.InterfaceVpcEndpoint(byLiteral.stack, 'Kinesis', { vpc: byLiteral.a, service: KINESIS, privateDnsEnabled: false });
    other.connections.allowFrom(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcpRange(400, 500));
    expect(ruleHits(byLiteral.stack, 'PrivateLinkEndpointPeerIngress')).toEqual([]);
  });

  test('a rule on another port does not count', () => {
    const { stack, a, b } = peered();
    const endpoint = new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc: a, service: KINESIS, privateDnsEnabled: false });
    endpoint.connections.allowFrom(ec2.Peer.ipv4(b.vpcCidrBlock), ec2.Port.tcp(80));
    expect(ruleHits(stack, 'PrivateLinkEndpointPeerIngress')).toHaveLength(1);
  });

  test('fails the pattern\'s synth when its security group cannot take the peer\'s rule', () => {
    const stack = testStack();
    const shared = new PrivateSubnetVpc(stack, 'Shared', { natGateways: 0 });
    const app = new PrivateSubnetVpc(stack, 'App', { cidr: '10.1.0.0/16', natGateways: 0 });
    const raw = new ec2.CfnSecurityGroup(stack, 'Locked', { groupDescription: 'Managed elsewhere', vpcId: shared.vpc.vpcId });
    const locked = ec2.SecurityGroup.fromSecurityGroupId(stack, 'LockedImport', raw.attrGroupId, { mutable: false });
    new PrivateLinkConsumer(stack, 'Endpoints', { vpc: shared.vpc, services: [KINESIS], peerVpcs: [app.vpc], securityGroup: locked });
    expect(synthFails(stack)).toThrow(/its security groups do not admit VPC 'TestStack\/App\/Resource'.*\(GuardedPatterns-PrivateLinkEndpointPeerIngress\)/);
  });
});
