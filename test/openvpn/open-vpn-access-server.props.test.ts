import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { OpenVpnAccessServer, OpenVpnEdition, OpenVpnProtocol, OpenVpnRoutingMode, PrivateSubnetVpc } from '../../src';
import * as ipv4 from '../props/ipv4';
import { Outcomes, Verdict, expectReached, holdToModel, propertyParameters } from '../props/settings';
import { testStack } from '../util';

/** The blocks the pattern documents as its default client pool, in order of preference. */
const DEFAULT_POOLS = ['10.255.240.0/20', '192.168.240.0/20', '172.31.240.0/20'];
/** The client pool's sizes the pattern accepts: /16 to /29. */
const POOL_PREFIXES = { min: 16, max: 29 };

/** The VPC the server runs in: the library's own, or one imported with or without a public subnet. */
type VpcKind = 'pattern' | 'imported' | 'imported-private-only';
const VPC_CIDR: Record<VpcKind, string> = {
  'pattern': '10.0.0.0/16',
  // Covers the first default pool, so the pattern must fall back to the second.
  'imported': '10.255.0.0/16',
  'imported-private-only': '172.16.0.0/16',
};

const octet = fc.integer({ min: 0, max: 255 });
const ANCHORS = [...Object.values(VPC_CIDR), ...DEFAULT_POOLS, '0.0.0.0/0', '203.0.113.0/24'].map((t) => ipv4.block(t)!.base);
/**
 * A block near the VPC, the default pools or elsewhere, of a prefix just around the accepted
 * range: it overlaps the VPC, a pushed route or a default pool often enough to reach each branch.
 */
const nearBlock = (minPrefix: number, maxPrefix: number) => fc
  .tuple(fc.constantFrom(...ANCHORS), fc.integer({ min: 0, max: 2 ** 18 }), fc.integer({ min: minPrefix, max: maxPrefix }))
  .map(([anchor, offset, prefix]) => ipv4.format(ipv4.enclosing(anchor + offset * 16, prefix)));
const anyBlock = (minPrefix: number, maxPrefix: number) => fc.oneof(
  { arbitrary: nearBlock(minPrefix, maxPrefix), weight: 12 },
  { arbitrary: fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 40 })).map(([a, b, c, d, m]) => `${a}.${b}.${c}.${d}/${m}`), weight: 1 },
  { arbitrary: fc.string({ maxLength: 18 }), weight: 1 },
);
const anyAddress = fc.oneof(
  { arbitrary: fc.tuple(octet, octet, octet, octet).map((o) => o.join('.')), weight: 12 },
  { arbitrary: fc.oneof(fc.string({ maxLength: 15 }), fc.constant('10.0.0.256')), weight: 1 },
);

interface Choice {
  readonly vpcKind: VpcKind;
  readonly subnetType: ec2.SubnetType | undefined;
  readonly clientCidr: string | undefined;
  readonly allowedCidrs: string[] | undefined;
  readonly port: number | undefined;
  readonly routes: string[] | undefined;
  readonly dnsServers: string[] | undefined;
  readonly protocol: OpenVpnProtocol;
  readonly routingMode: OpenVpnRoutingMode;
  readonly edition: OpenVpnEdition | undefined;
  readonly withImage: boolean;
}

/** The client pool the server must use, or the props at fault. */
function model(c: Choice) {
  const verdict = new Verdict();
  const port = c.port ?? 1194;
  verdict.refuse(!Number.isInteger(port) || port < 1 || port > 65535, 'port');
  // Access Server comes from AWS Marketplace: its image must be given.
  verdict.refuse(c.edition === OpenVpnEdition.ACCESS_SERVER && !c.withImage, 'edition', 'machineImage');
  const allowed = c.allowedCidrs ?? ['0.0.0.0/0'];
  verdict.refuse(allowed.length === 0 || allowed.some((a) => ipv4.block(a) === undefined), 'allowedCidrs');
  const routes = c.routes ?? [VPC_CIDR[c.vpcKind]];
  verdict.refuse(routes.some((r) => ipv4.block(r) === undefined), 'routes');
  verdict.refuse((c.dnsServers ?? []).some((d) => ipv4.address(d) === undefined), 'dnsServers');
  // Clients need addresses that nothing they reach through the tunnel uses.
  const taken = [VPC_CIDR[c.vpcKind], ...routes].map(ipv4.block).filter((b): b is ipv4.Block => b !== undefined);
  const free = (t: string) => !taken.some((b) => ipv4.overlap(ipv4.block(t)!, b));
  const pool = c.clientCidr ?? DEFAULT_POOLS.find(free) ?? DEFAULT_POOLS[0];
  const block = ipv4.block(pool);
  verdict.refuse(block === undefined || block.prefix < POOL_PREFIXES.min || block.prefix > POOL_PREFIXES.max || !free(pool), 'clientCidr');
  // Clients connect from the internet: the server needs a public subnet, and only public ones.
  const hasPublic = c.vpcKind !== 'imported-private-only';
  verdict.refuse((c.subnetType ?? ec2.SubnetType.PUBLIC) !== ec2.SubnetType.PUBLIC || !hasPublic, 'vpcSubnets');
  return { expected: verdict.expected, pool, port };
}

function vpcOf(stack: ReturnType<typeof testStack>, kind: VpcKind): ec2.IVpc {
  if (kind === 'pattern') {
    return new PrivateSubnetVpc(stack, 'Network', { maxAzs: 2 }).vpc;
  }
  return ec2.Vpc.fromVpcAttributes(stack, 'Network', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: VPC_CIDR[kind],
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    publicSubnetIds: kind === 'imported' ? ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'] : undefined,
    publicSubnetRouteTableIds: kind === 'imported' ? ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa1'] : undefined,
    privateSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
    privateSubnetRouteTableIds: ['rtb-0bbbbbbbbbbbbbbb1', 'rtb-0bbbbbbbbbbbbbbb2'],
  });
}

const IMAGE = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });

const VALID: Choice = {
  vpcKind: 'pattern',
  subnetType: undefined,
  clientCidr: undefined,
  allowedCidrs: undefined,
  port: undefined,
  routes: undefined,
  dnsServers: undefined,
  protocol: OpenVpnProtocol.UDP,
  routingMode: OpenVpnRoutingMode.NAT,
  edition: undefined,
  withImage: true,
};
/** Run on every seed: one thing changed from valid props, for each branch that matters. */
const EXAMPLES: Choice[] = [
  VALID,
  // The first default pool lies in this VPC: the pattern must take the second.
  { ...VALID, vpcKind: 'imported' },
  { ...VALID, routes: ['10.255.0.0/16', '192.168.0.0/16'], routingMode: OpenVpnRoutingMode.ROUTED },
  { ...VALID, clientCidr: '10.0.128.0/20' },
  { ...VALID, clientCidr: '172.20.0.0/16', routes: ['172.16.0.0/12'] },
  { ...VALID, clientCidr: '10.255.248.0/21', vpcKind: 'imported' },
  { ...VALID, clientCidr: '10.200.0.0/30' },
  { ...VALID, vpcKind: 'imported-private-only' },
  { ...VALID, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  { ...VALID, edition: OpenVpnEdition.ACCESS_SERVER, withImage: false },
  { ...VALID, edition: OpenVpnEdition.ACCESS_SERVER, protocol: OpenVpnProtocol.TCP, port: 443, allowedCidrs: ['203.0.113.0/24'] },
  { ...VALID, dnsServers: ['10.0.0.256'] },
];

describe('OpenVpnAccessServer with random props', () => {
  test('builds a template exactly when the model accepts the props, and otherwise names the prop at fault', () => {
    const outcomes: Outcomes = { synthesized: 0, refused: 0 };
    const reached = { poolOverlap: 0, fallbackPool: 0, importedVpc: 0 };
    fc.assert(fc.property(
      fc.record<Choice>({
        vpcKind: fc.oneof(
          { arbitrary: fc.constant<VpcKind>('pattern'), weight: 3 },
          { arbitrary: fc.constant<VpcKind>('imported'), weight: 3 },
          { arbitrary: fc.constant<VpcKind>('imported-private-only'), weight: 1 },
        ),
        subnetType: fc.oneof(
          { arbitrary: fc.constantFrom<ec2.SubnetType | undefined>(undefined, ec2.SubnetType.PUBLIC), weight: 8 },
          { arbitrary: fc.constant(ec2.SubnetType.PRIVATE_WITH_EGRESS), weight: 1 },
        ),
        clientCidr: fc.option(anyBlock(14, 31), { nil: undefined }),
        allowedCidrs: fc.option(fc.array(anyBlock(0, 32), { maxLength: 3 }), { nil: undefined }),
        port: fc.option(fc.oneof(
          { arbitrary: fc.integer({ min: 1, max: 65535 }), weight: 8 },
          { arbitrary: fc.oneof(fc.integer({ min: -10, max: 70000 }), fc.double({ min: 0, max: 2000, noNaN: true })), weight: 1 },
        ), { nil: undefined }),
        routes: fc.option(fc.array(anyBlock(8, 32), { maxLength: 3 }), { nil: undefined }),
        dnsServers: fc.option(fc.array(anyAddress, { maxLength: 2 }), { nil: undefined }),
        protocol: fc.constantFrom(OpenVpnProtocol.UDP, OpenVpnProtocol.TCP),
        routingMode: fc.constantFrom(OpenVpnRoutingMode.NAT, OpenVpnRoutingMode.ROUTED),
        edition: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 3 },
          { arbitrary: fc.constantFrom(OpenVpnEdition.COMMUNITY, OpenVpnEdition.ACCESS_SERVER), weight: 2 },
        ),
        withImage: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
      }),
      (c) => {
        const m = model(c);
        const stack = testStack();
        const vpc = vpcOf(stack, c.vpcKind);
        const built = holdToModel(m.expected, "OpenVpnAccessServer 'TestStack/Vpn': ", () => {
          const vpn = new OpenVpnAccessServer(stack, 'Vpn', {
            vpc,
            clientCidr: c.clientCidr,
            allowedCidrs: c.allowedCidrs,
            port: c.port,
            routes: c.routes,
            dnsServers: c.dnsServers,
            protocol: c.protocol,
            routingMode: c.routingMode,
            vpcSubnets: c.subnetType === undefined ? undefined : { subnetType: c.subnetType },
            edition: c.edition,
            // The community edition takes an image too: any Ubuntu the user picks.
            machineImage: c.withImage && c.edition === OpenVpnEdition.ACCESS_SERVER ? IMAGE : undefined,
          });
          // Strict CloudFormation validation and the embedded checks run here.
          return { vpn, template: Template.fromStack(stack) };
        }, outcomes);
        const poolBlock = ipv4.block(m.pool);
        if (m.expected.ok === false && m.expected.props.includes('clientCidr') && poolBlock && poolBlock.prefix >= POOL_PREFIXES.min && poolBlock.prefix <= POOL_PREFIXES.max) {
          reached.poolOverlap++;
        }
        if (m.pool !== DEFAULT_POOLS[0] && c.clientCidr === undefined) {
          reached.fallbackPool++;
        }
        if (!built) {
          return;
        }
        if (c.vpcKind !== 'pattern') {
          reached.importedVpc++;
        }
        const { vpn, template } = built;
        expect(vpn.clientCidr).toBe(m.pool);
        expect(vpn.port).toBe(m.port);
        template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
        // The tunnel port, and only it, from each allowed block.
        const group = template.toJSON().Resources[stack.getLogicalId(vpn.securityGroup.node.defaultChild as ec2.CfnSecurityGroup)];
        const rules = group.Properties.SecurityGroupIngress as Array<Record<string, unknown>>;
        expect(new Set(rules.map((r) => r.CidrIp))).toEqual(new Set(c.allowedCidrs ?? ['0.0.0.0/0']));
        for (const rule of rules) {
          expect([rule.FromPort, rule.ToPort, rule.IpProtocol]).toEqual([m.port, m.port, c.protocol === OpenVpnProtocol.TCP ? 'tcp' : 'udp']);
        }
      },
    ), propertyParameters<[Choice]>('OpenVpnAccessServer', 20, EXAMPLES.map((e) => [e])));
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    // The branches that matter were reached: a well-formed pool that overlaps, the fallback pool, an imported VPC.
    expect(reached).toEqual({ poolOverlap: expect.any(Number), fallbackPool: expect.any(Number), importedVpc: expect.any(Number) });
    expect(Math.min(reached.poolOverlap, reached.fallbackPool, reached.importedVpc)).toBeGreaterThan(0);
    expectReached(outcomes, ['clientCidr', 'vpcSubnets', 'edition', 'dnsServers']);
  });
});
