import { App, Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { GuardedPatternsChecks, PrivateLinkConsumer, PrivateLinkConsumerProps, PrivateLinkDns, PrivateLinkTransitGateway } from '../../src';
import { SameAccountZones } from '../privatelink/same-account-zones';
import { findings, testApp, testStack } from '../util';

const KINESIS = ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS;

/** The pack's findings of one rule over the app, as `path: message`. */
function ruleHits(scope: Stack | App, rule: string): string[] {
  return findings(new GuardedPatternsChecks(), scope).filter((f) => f.rule === `GuardedPatterns-${rule}`).map((f) => `${f.path}: ${f.message}`);
}

function synthFails(stack: Stack): () => void {
  return () => (stack.node.root as App).synth();
}

interface HubOptions {
  /** Which sides route through the transit gateway. @default both */
  readonly routes?: 'both' | 'spoke' | 'hub' | 'none';
  /** The spoke's block. @default 10.1.0.0/16 */
  readonly spokeCidr?: string;
  /** The transit gateway's L1 props. */
  readonly gateway?: Partial<ec2.CfnTransitGatewayProps>;
  /** Let the spoke in on 443. @default true */
  readonly admitSpoke?: boolean;
}

/**
 * A hub (10.0.0.0/16, an interface endpoint) and a spoke, attached to a raw L1 transit gateway
 * with raw L1 attachments and routes.
 */
function hubAndSpoke(options: HubOptions = {}, stack: Stack = testStack()) {
  const hub = new ec2.Vpc(stack, 'Hub', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), natGateways: 0, maxAzs: 2 });
  const spoke = new ec2.Vpc(stack, 'Spoke', { ipAddresses: ec2.IpAddresses.cidr(options.spokeCidr ?? '10.1.0.0/16'), natGateways: 0, maxAzs: 2 });
  const endpoint = new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc: hub, service: KINESIS, privateDnsEnabled: false });
  if (options.admitSpoke !== false) {
    endpoint.connections.allowFrom(ec2.Peer.ipv4(spoke.vpcCidrBlock), ec2.Port.tcp(443));
  }
  const gateway = new ec2.CfnTransitGateway(stack, 'Gateway', { ...options.gateway });
  const attach = (vpc: ec2.Vpc, id: string) => new ec2.CfnTransitGatewayAttachment(stack, id, {
    transitGatewayId: gateway.ref, vpcId: vpc.vpcId, subnetIds: vpc.isolatedSubnets.map((s) => s.subnetId),
  });
  const hubAttachment = attach(hub, 'HubAttachment');
  const spokeAttachment = attach(spoke, 'SpokeAttachment');
  const route = (vpc: ec2.Vpc, to: string, id: string, attachment: ec2.CfnTransitGatewayAttachment) => vpc.isolatedSubnets.forEach((s, i) => new ec2.CfnRoute(stack, `${id}${i}`, {
    routeTableId: s.routeTable.routeTableId, destinationCidrBlock: to, transitGatewayId: gateway.ref,
  }).addResourceDependency(attachment));
  const routes = options.routes ?? 'both';
  if (routes === 'both' || routes === 'hub') {
    route(hub, spoke.vpcCidrBlock, 'HubToSpoke', hubAttachment);
  }
  if (routes === 'both' || routes === 'spoke') {
    route(spoke, '10.0.0.0/16', 'SpokeToHub', spokeAttachment);
  }
  return { stack, hub, spoke, gateway, hubAttachment, spokeAttachment, endpoint };
}

/**
 * The consumer with a hub (10.0.0.0/16) and spoke A (10.1.0.0/16), for the pattern-side tests;
 * `change` alters the VPCs, or adds props, before the consumer is built.
 */
function consumerWithSpokes(change: (n: { stack: Stack; hub: ec2.Vpc; a: ec2.Vpc }) => Partial<PrivateLinkConsumerProps> = () => ({})) {
  const stack = testStack();
  const vpc = (id: string, cidr: string) => new ec2.Vpc(stack, id, { ipAddresses: ec2.IpAddresses.cidr(cidr), natGateways: 0, maxAzs: 2 });
  const hub = vpc('Hub', '10.0.0.0/16');
  const a = vpc('A', '10.1.0.0/16');
  const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc: hub, services: [KINESIS], spokes: [a], ...change({ stack, hub, a }) });
  return { stack, hub, a, consumer };
}

describe('GuardedPatterns-TransitGatewayRoutesMissing', () => {
  test('fires on a spoke with no route to the hub through the transit gateway', () => {
    const { stack } = hubAndSpoke({ routes: 'hub' });
    expect(ruleHits(stack, 'TransitGatewayRoutesMissing')).toEqual([
      "TestStack/SpokeAttachment: VPC 'TestStack/Spoke', attached to transit gateway 'TestStack/Gateway' by 'TestStack/SpokeAttachment', has no route through it to "
      + "the endpoint VPC 'TestStack/Hub' (10.0.0.0/16), so the spoke's connections to the endpoints go nowhere. "
      + "Add a route for 10.0.0.0/16 to the transit gateway on every route table of 'TestStack/Spoke' that needs it, depending on the attachment.",
    ]);
  });

  test('fires on a hub with no route back to the spoke', () => {
    const { stack } = hubAndSpoke({ routes: 'spoke' });
    expect(ruleHits(stack, 'TransitGatewayRoutesMissing')).toEqual([
      "TestStack/HubAttachment: VPC 'TestStack/Hub', attached to transit gateway 'TestStack/Gateway' by 'TestStack/HubAttachment', has no route through it to "
      + "its spoke 'TestStack/Spoke' (10.1.0.0/16), so the endpoints' replies to the spoke go nowhere. "
      + "Add a route for 10.1.0.0/16 to the transit gateway on every route table of 'TestStack/Hub' that needs it, depending on the attachment.",
    ]);
  });

  test('does not fire with routes both ways (a wider block counts), nor between two VPCs without interface endpoints', () => {
    expect(ruleHits(hubAndSpoke().stack, 'TransitGatewayRoutesMissing')).toEqual([]);

    const wide = hubAndSpoke({ routes: 'hub' });
    wide.spoke.isolatedSubnets.forEach((s, i) => new ec2.CfnRoute(wide.stack, `Wide${i}`, {
      routeTableId: s.routeTable.routeTableId, destinationCidrBlock: '10.0.0.0/8', transitGatewayId: wide.gateway.ref,
    }));
    expect(ruleHits(wide.stack, 'TransitGatewayRoutesMissing')).toEqual([]);

    const noHub = hubAndSpoke({ routes: 'none' });
    noHub.stack.node.tryRemoveChild('Kinesis');
    expect(ruleHits(noHub.stack, 'TransitGatewayRoutesMissing')).toEqual([]);
  });

  test('a route to the hub through something else does not count', () => {
    const { stack, spoke, gateway } = hubAndSpoke({ routes: 'hub' });
    const other = new ec2.CfnTransitGateway(stack, 'OtherGateway', {});
    spoke.isolatedSubnets.forEach((s, i) => new ec2.CfnRoute(stack, `Elsewhere${i}`, {
      routeTableId: s.routeTable.routeTableId, destinationCidrBlock: '10.0.0.0/16', transitGatewayId: other.ref,
    }));
    expect(gateway).toBeDefined();
    expect(ruleHits(stack, 'TransitGatewayRoutesMissing')).toHaveLength(1);
  });

  test('does not fire on the pattern; fails its synth when its return routes are removed', () => {
    // The pattern runs its embedded checks when it synthesizes, and fails on an error.
    expect(synthFails(consumerWithSpokes().stack)).not.toThrow();
    const { stack, consumer } = consumerWithSpokes();
    for (const child of consumer.node.children.filter((c) => /^AReturnRoute/.test(c.node.id))) {
      consumer.node.tryRemoveChild(child.node.id);
    }
    expect(synthFails(stack)).toThrow(/VPC 'TestStack\/A', attached to transit gateway 'TestStack\/Endpoints\/TransitGateway' by 'TestStack\/Endpoints\/AAttachment', has no route through it.*\(GuardedPatterns-TransitGatewayRoutesMissing\)/);
  });
});

describe('GuardedPatterns-TransitGatewayRouteTableMissing', () => {
  test('fires on every attachment when default association is off and nothing associates them', () => {
    const { stack } = hubAndSpoke({ gateway: { defaultRouteTableAssociation: 'disable' } });
    expect(ruleHits(stack, 'TransitGatewayRouteTableMissing')).toEqual(['HubAttachment', 'SpokeAttachment'].map((id) =>
      `TestStack/${id}: Transit gateway attachment 'TestStack/${id}' is associated with no route table of 'TestStack/Gateway' (DefaultRouteTableAssociation is disable, `
      + 'and no TransitGatewayRouteTableAssociation names it), so the transit gateway drops what the VPC sends. Associate it with a route table (or turn DefaultRouteTableAssociation on).'));
  });

  test('fires both ways when default propagation is off and nothing propagates', () => {
    const { stack } = hubAndSpoke({ gateway: { defaultRouteTablePropagation: 'disable' } });
    expect(ruleHits(stack, 'TransitGatewayRouteTableMissing')).toEqual([
      "TestStack/HubAttachment: Transit gateway attachment 'TestStack/HubAttachment' is associated with the default route table, which has no route to VPC 'TestStack/Spoke': "
      + "its attachment 'TestStack/SpokeAttachment' neither propagates to that table nor has a static route there, so the transit gateway drops the traffic. "
      + 'Propagate the attachment to the route table (TransitGatewayRouteTablePropagation, or DefaultRouteTablePropagation on).',
      "TestStack/SpokeAttachment: Transit gateway attachment 'TestStack/SpokeAttachment' is associated with the default route table, which has no route to VPC 'TestStack/Hub': "
      + "its attachment 'TestStack/HubAttachment' neither propagates to that table nor has a static route there, so the transit gateway drops the traffic. "
      + 'Propagate the attachment to the route table (TransitGatewayRouteTablePropagation, or DefaultRouteTablePropagation on).',
    ]);
  });

  test('does not fire with the defaults, or with a route table of the app that associates both and has a propagation or static route to each', () => {
    expect(ruleHits(hubAndSpoke().stack, 'TransitGatewayRouteTableMissing')).toEqual([]);

    const { stack, gateway, hubAttachment, spokeAttachment } = hubAndSpoke({ gateway: { defaultRouteTableAssociation: 'disable', defaultRouteTablePropagation: 'disable' } });
    const table = new ec2.CfnTransitGatewayRouteTable(stack, 'Table', { transitGatewayId: gateway.ref });
    for (const [id, attachment] of [['Hub', hubAttachment], ['Spoke', spokeAttachment]] as const) {
      new ec2.CfnTransitGatewayRouteTableAssociation(stack, `${id}Association`, { transitGatewayAttachmentId: attachment.attrId, transitGatewayRouteTableId: table.ref });
    }
    new ec2.CfnTransitGatewayRouteTablePropagation(stack, 'HubPropagation', { transitGatewayAttachmentId: hubAttachment.attrId, transitGatewayRouteTableId: table.ref });
    expect(ruleHits(stack, 'TransitGatewayRouteTableMissing')).toHaveLength(1);
    new ec2.CfnTransitGatewayRoute(stack, 'SpokeRoute', { transitGatewayAttachmentId: spokeAttachment.attrId, transitGatewayRouteTableId: table.ref, destinationCidrBlock: '10.1.0.0/16' });
    expect(ruleHits(stack, 'TransitGatewayRouteTableMissing')).toEqual([]);
  });

  test('does not fire on the pattern; fails its synth when the transit gateway stops propagating', () => {
    expect(synthFails(consumerWithSpokes().stack)).not.toThrow();
    const { stack, consumer } = consumerWithSpokes();
    consumer.transitGateway!.defaultRouteTablePropagation = 'disable';
    expect(synthFails(stack)).toThrow(/Transit gateway attachment 'TestStack\/Endpoints\/TransitGatewayAttachment' is associated with the default route table, which has no route to VPC 'TestStack\/A'.*\(GuardedPatterns-TransitGatewayRouteTableMissing\)/);
  });
});

describe('GuardedPatterns-TransitGatewaySpokeDnsDisabled', () => {
  test('fires on a raw CfnVPC spoke left with CloudFormation\'s default (DNS hostnames off)', () => {
    const { stack, gateway } = hubAndSpoke();
    const raw = new ec2.CfnVPC(stack, 'Raw', { cidrBlock: '10.9.0.0/16' });
    new ec2.CfnTransitGatewayAttachment(stack, 'RawAttachment', { transitGatewayId: gateway.ref, vpcId: raw.ref, subnetIds: ['subnet-1'] });
    expect(ruleHits(stack, 'TransitGatewaySpokeDnsDisabled')).toEqual([
      "TestStack/RawAttachment: VPC 'TestStack/Raw', attached to transit gateway 'TestStack/Gateway' by 'TestStack/RawAttachment' with the endpoint VPC 'TestStack/Hub', "
      + 'has DNS hostnames off, so private DNS names do not resolve there. '
      + 'Turn both on (ec2.Vpc: enableDnsSupport and enableDnsHostnames, the default; CfnVPC: EnableDnsSupport and EnableDnsHostnames true).',
    ]);
  });

  test('does not fire on ec2.Vpc defaults, or on the pattern', () => {
    expect(ruleHits(hubAndSpoke().stack, 'TransitGatewaySpokeDnsDisabled')).toEqual([]);
    expect(synthFails(consumerWithSpokes().stack)).not.toThrow();
  });

  test('fails the pattern\'s synth when a spoke\'s DNS support is turned off behind the L2\'s back', () => {
    const { stack } = consumerWithSpokes(({ a }) => {
      (a.node.defaultChild as ec2.CfnVPC).enableDnsSupport = false;
      return {};
    });
    expect(synthFails(stack)).toThrow(/VPC 'TestStack\/A', attached to transit gateway 'TestStack\/Endpoints\/TransitGateway' by 'TestStack\/Endpoints\/AAttachment' with the endpoint VPC 'TestStack\/Hub', has DNS support off.*\(GuardedPatterns-TransitGatewaySpokeDnsDisabled\)/);
  });
});

describe('GuardedPatterns-PrivateLinkEndpointPeerIngress, for transit gateway spokes', () => {
  test('fires on a plain endpoint whose security group does not admit a spoke', () => {
    const { stack } = hubAndSpoke({ admitSpoke: false });
    expect(ruleHits(stack, 'PrivateLinkEndpointPeerIngress')).toEqual([
      "TestStack/Kinesis/Resource: Interface endpoint 'TestStack/Kinesis': its security groups do not admit VPC 'TestStack/Spoke' "
      + "(attached by 'TestStack/SpokeAttachment' to the endpoint VPC's transit gateway) on TCP 443, so connections from the spoke time out. "
      + "Allow TCP 443 from the spoke's CIDR block: endpoint.connections.allowFrom(ec2.Peer.ipv4(spokeVpc.vpcCidrBlock), ec2.Port.tcp(443)).",
    ]);
  });

  test('does not fire once the spoke is let in, or on the pattern', () => {
    expect(ruleHits(hubAndSpoke().stack, 'PrivateLinkEndpointPeerIngress')).toEqual([]);
    expect(synthFails(consumerWithSpokes().stack)).not.toThrow();
  });

  test('fails the pattern\'s synth when its security group cannot take the spoke\'s rule', () => {
    const { stack } = consumerWithSpokes((n) => {
      const raw = new ec2.CfnSecurityGroup(n.stack, 'Locked', { groupDescription: 'Managed elsewhere', vpcId: n.hub.vpcId });
      return { securityGroup: ec2.SecurityGroup.fromSecurityGroupId(n.stack, 'LockedImport', raw.attrGroupId, { mutable: false }) };
    });
    expect(synthFails(stack)).toThrow(/its security groups do not admit VPC 'TestStack\/A' \(attached by 'TestStack\/Endpoints\/AAttachment'.*\(GuardedPatterns-PrivateLinkEndpointPeerIngress\)/);
  });
});

describe('GuardedPatterns-PrivateLinkPeerDnsMissing, for transit gateway spokes', () => {
  test('fires (a warning) on a plain endpoint with private DNS on in a hub whose spoke has no way to resolve its name', () => {
    const { stack, hub } = hubAndSpoke();
    new ec2.InterfaceVpcEndpoint(stack, 'Sqs', { vpc: hub, service: ec2.InterfaceVpcEndpointAwsService.SQS });
    expect(findings(new GuardedPatternsChecks(), stack).filter((f) => f.rule === 'GuardedPatterns-PrivateLinkPeerDnsMissing').map((f) => [f.path, f.severity, f.message])).toEqual([[
      'TestStack/Sqs/Resource',
      'warning',
      "Interface endpoint 'TestStack/Sqs' (sqs) has private DNS on in VPC 'TestStack/Hub', whose transit gateway reaches VPC 'TestStack/Spoke' (attached by 'TestStack/SpokeAttachment'), "
      + 'and nothing makes sqs.<region> resolve to the endpoint there: the spoke reaches the public service instead. '
      + 'Use PrivateLinkConsumer (it turns private DNS off and associates a private hosted zone with every spoke, or adds Resolver rules or forwarders), '
      + 'or associate a private hosted zone of that name, with an alias to the endpoint, with the spoke.',
    ]]);
  });

  test('does not fire on the pattern; fails its synth when the forwarders are not made the spokes\' DNS servers', () => {
    expect(synthFails(consumerWithSpokes(() => ({ dns: PrivateLinkDns.forwarderInstances() })).stack)).not.toThrow();
    const { stack } = consumerWithSpokes(() => ({ dns: PrivateLinkDns.forwarderInstances({ peerDhcpOptions: false }) }));
    expect(synthFails(stack)).toThrow(/has private DNS on in VPC 'TestStack\/Hub', whose transit gateway reaches VPC 'TestStack\/A'.*\(GuardedPatterns-PrivateLinkPeerDnsMissing\)/);
  });
});

describe('GuardedPatterns-TransitGatewayCidrOverlap', () => {
  test('fires on both attachments when a spoke overlaps the hub', () => {
    const { stack } = hubAndSpoke({ spokeCidr: '10.0.128.0/17' });
    expect(ruleHits(stack, 'TransitGatewayCidrOverlap')).toEqual([
      "TestStack/HubAttachment: VPC 'TestStack/Hub' (10.0.0.0/16), attached to transit gateway 'TestStack/Gateway' by 'TestStack/HubAttachment', "
      + "overlaps VPC 'TestStack/Spoke' (10.0.128.0/17), attached by 'TestStack/SpokeAttachment'. "
      + 'Give one of the VPCs a block that does not overlap: the transit gateway does not route between overlapping blocks.',
      "TestStack/SpokeAttachment: VPC 'TestStack/Spoke' (10.0.128.0/17), attached to transit gateway 'TestStack/Gateway' by 'TestStack/SpokeAttachment', "
      + "overlaps VPC 'TestStack/Hub' (10.0.0.0/16), attached by 'TestStack/HubAttachment'. "
      + 'Give one of the VPCs a block that does not overlap: the transit gateway does not route between overlapping blocks.',
    ]);
  });

  test('fires when two spokes of one hub overlap each other', () => {
    const { stack, gateway } = hubAndSpoke();
    const twin = new ec2.Vpc(stack, 'Twin', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), natGateways: 0, maxAzs: 2 });
    new ec2.CfnTransitGatewayAttachment(stack, 'TwinAttachment', { transitGatewayId: gateway.ref, vpcId: twin.vpcId, subnetIds: twin.isolatedSubnets.map((s) => s.subnetId) });
    expect(ruleHits(stack, 'TransitGatewayCidrOverlap').map((hit) => hit.split(':')[0])).toEqual(['TestStack/SpokeAttachment', 'TestStack/TwinAttachment']);
  });

  test('does not fire on distinct blocks, on a transit gateway with no hub, or on the pattern', () => {
    expect(ruleHits(hubAndSpoke().stack, 'TransitGatewayCidrOverlap')).toEqual([]);
    const noHub = hubAndSpoke({ spokeCidr: '10.0.128.0/17' });
    noHub.stack.node.tryRemoveChild('Kinesis');
    expect(ruleHits(noHub.stack, 'TransitGatewayCidrOverlap')).toEqual([]);
    expect(synthFails(consumerWithSpokes().stack)).not.toThrow();
  });
});

describe('the Transit Gateway checks over a spoke in another account\'s stack', () => {
  const TGW = 'tgw-0123456789abcdef0';

  /** The consumer with hub, spoke A in the hub's stack, and spoke X (10.3.0.0/16) in a stack of account 222222222222, on a transit gateway by ID. */
  function twoAccounts() {
    const app = testApp({ context: { 'availability-zones:account=222222222222:region=us-east-1': ['us-east-1a', 'us-east-1b'] } });
    const stack = testStack(app);
    const remote = new Stack(app, 'Remote', { env: { account: '222222222222', region: 'us-east-1' } });
    const vpc = (scope: Stack, id: string, cidr: string) =>
      new ec2.Vpc(scope, id, { ipAddresses: ec2.IpAddresses.cidr(cidr), natGateways: 0, maxAzs: 2 });
    const consumer = new PrivateLinkConsumer(stack, 'Endpoints', {
      vpc: vpc(stack, 'Hub', '10.0.0.0/16'),
      services: [KINESIS],
      spokes: [vpc(stack, 'A', '10.1.0.0/16'), vpc(remote, 'X', '10.3.0.0/16')],
      transitGateway: PrivateLinkTransitGateway.fromId(TGW),
      dns: new SameAccountZones(),
    });
    /** The consumer's resources in the remote stack. */
    const remoteSide = remote.node.findChild('TestStackEndpoints');
    return { app, stack, remote, consumer, remoteSide };
  }
  const RULES = ['TransitGatewayRoutesMissing', 'TransitGatewayRouteTableMissing', 'TransitGatewayCidrOverlap', 'TransitGatewaySpokeDnsDisabled', 'PrivateLinkEndpointPeerIngress'];

  test('find nothing on the pattern, read through the pack over both accounts\' stacks', () => {
    const { app } = twoAccounts();
    for (const rule of RULES) {
      expect(ruleHits(app, rule)).toEqual([]);
    }
    expect(() => app.synth()).not.toThrow();
  });

  test('the pattern\'s synth fails when the remote spoke\'s routes to the hub, in its own stack, are removed', () => {
    const { app, remoteSide } = twoAccounts();
    for (const child of remoteSide.node.children.filter((c) => /^XReturnRoute/.test(c.node.id))) {
      remoteSide.node.tryRemoveChild(child.node.id);
    }
    expect(() => app.synth()).toThrow(`VPC 'Remote/X', attached to transit gateway ${TGW} by 'Remote/TestStackEndpoints/XAttachment', has no route through it to `
      + "the endpoint VPC 'TestStack/Hub' (10.0.0.0/16), so the spoke's connections to the endpoints go nowhere. "
      + "Add a route for 10.0.0.0/16 to the transit gateway on every route table of 'Remote/X' that needs it, depending on the attachment. (GuardedPatterns-TransitGatewayRoutesMissing)");
  });

  test('the pattern\'s synth fails when the hub\'s routes to the remote spoke are removed', () => {
    const { app, consumer } = twoAccounts();
    for (const child of consumer.node.children.filter((c) => /^XRoute/.test(c.node.id))) {
      consumer.node.tryRemoveChild(child.node.id);
    }
    expect(() => app.synth()).toThrow(/VPC 'TestStack\/Hub'.*has no route through it to its spoke 'Remote\/X' \(10.3.0.0\/16\).*\(GuardedPatterns-TransitGatewayRoutesMissing\)/);
  });

  test('the pack reads plain attachments and routes across two accounts\' stacks', () => {
    const app = testApp({ context: { 'availability-zones:account=222222222222:region=us-east-1': ['us-east-1a', 'us-east-1b'] } });
    const stack = testStack(app);
    const remote = new Stack(app, 'Remote', { env: { account: '222222222222', region: 'us-east-1' } });
    const hub = new ec2.Vpc(stack, 'Hub', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), natGateways: 0, maxAzs: 2 });
    new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc: hub, service: KINESIS, privateDnsEnabled: false }).connections.allowFrom(ec2.Peer.ipv4('10.3.0.0/16'), ec2.Port.tcp(443));
    const spoke = new ec2.Vpc(remote, 'X', { ipAddresses: ec2.IpAddresses.cidr('10.3.0.0/16'), natGateways: 0, maxAzs: 2 });
    const hubAttachment = new ec2.CfnTransitGatewayAttachment(stack, 'HubAttachment', { transitGatewayId: TGW, vpcId: hub.vpcId, subnetIds: hub.isolatedSubnets.map((s) => s.subnetId) });
    new ec2.CfnTransitGatewayAttachment(remote, 'SpokeAttachment', { transitGatewayId: TGW, vpcId: spoke.vpcId, subnetIds: spoke.isolatedSubnets.map((s) => s.subnetId) });
    hub.isolatedSubnets.forEach((s, i) => new ec2.CfnRoute(stack, `ToSpoke${i}`, {
      routeTableId: s.routeTable.routeTableId, destinationCidrBlock: '10.3.0.0/16', transitGatewayId: TGW,
    }).addResourceDependency(hubAttachment));
    expect(ruleHits(app, 'TransitGatewayRoutesMissing')).toEqual([
      `Remote/SpokeAttachment: VPC 'Remote/X', attached to transit gateway ${TGW} by 'Remote/SpokeAttachment', has no route through it to `
      + "the endpoint VPC 'TestStack/Hub' (10.0.0.0/16), so the spoke's connections to the endpoints go nowhere. "
      + "Add a route for 10.0.0.0/16 to the transit gateway on every route table of 'Remote/X' that needs it, depending on the attachment.",
    ]);
    expect(ruleHits(app, 'PrivateLinkEndpointPeerIngress')).toEqual([]);
    expect(ruleHits(app, 'TransitGatewayRouteTableMissing')).toEqual([]);
  });

  test('the overlap check compares blocks across the two accounts\' stacks', () => {
    const app = testApp({ context: { 'availability-zones:account=222222222222:region=us-east-1': ['us-east-1a', 'us-east-1b'] } });
    const stack = testStack(app);
    const remote = new Stack(app, 'Remote', { env: { account: '222222222222', region: 'us-east-1' } });
    const hub = new ec2.Vpc(stack, 'Hub', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), natGateways: 0, maxAzs: 2 });
    new ec2.InterfaceVpcEndpoint(stack, 'Kinesis', { vpc: hub, service: KINESIS, privateDnsEnabled: false });
    const spoke = new ec2.Vpc(remote, 'X', { ipAddresses: ec2.IpAddresses.cidr('10.0.128.0/17'), natGateways: 0, maxAzs: 2 });
    new ec2.CfnTransitGatewayAttachment(stack, 'HubAttachment', { transitGatewayId: TGW, vpcId: hub.vpcId, subnetIds: hub.isolatedSubnets.map((s) => s.subnetId) });
    new ec2.CfnTransitGatewayAttachment(remote, 'SpokeAttachment', { transitGatewayId: TGW, vpcId: spoke.vpcId, subnetIds: spoke.isolatedSubnets.map((s) => s.subnetId) });
    expect(ruleHits(app, 'TransitGatewayCidrOverlap').map((hit) => hit.split(':')[0])).toEqual(['TestStack/HubAttachment', 'Remote/SpokeAttachment']);
  });
});
