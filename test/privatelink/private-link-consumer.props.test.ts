import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { PrivateLinkConsumer, PrivateLinkDns } from '../../src';
import * as ipv4 from '../props/ipv4';
import { Outcomes, Verdict, expectReached, holdToModel, propertyParameters } from '../props/settings';
import { testStack } from '../util';

const SERVICES = [
  ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS,
  ec2.InterfaceVpcEndpointAwsService.SQS,
  ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  ec2.InterfaceVpcEndpointAwsService.STS,
];
/** Endpoint services by name, as a provider shares them. */
const NAMED = ['com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0', 'com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210'];
/** What a user might give as an endpoint service's private DNS name. */
const DNS_NAMES = ['api.example.com', 'API.partner.example.org', 'api.example.com', 'not a name', '-bad.example.com', 'localhost'];
const DNS = [() => PrivateLinkDns.hostedZones(), () => PrivateLinkDns.resolverEndpoints(), () => PrivateLinkDns.forwarderInstances()];
const ENDPOINT_VPC = '10.0.0.0/16';

/** A DNS host name: labels of letters, digits and inner hyphens, a top-level label of letters. */
function isHostName(name: string): boolean {
  const labels = name.split('.');
  return name.length <= 253 && labels.length >= 2 && labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(l)) && /^[a-z]{2,63}$/i.test(labels[labels.length - 1]);
}

/** A /16 to /20 inside 10.0.0.0/14: often clear of the endpoint VPC's 10.0.0.0/16, sometimes inside it, sometimes the same as another peer's. */
const peerCidr = fc.oneof(
  {
    arbitrary: fc.tuple(fc.integer({ min: 16, max: 20 }), fc.integer({ min: 0, max: 2 ** 18 - 1 }))
      .map(([prefix, offset]) => ipv4.format(ipv4.enclosing(10 * 2 ** 24 + offset * 2 ** 8, prefix))),
    weight: 4,
  },
  { arbitrary: fc.constantFrom('10.1.0.0/16', '10.2.0.0/16'), weight: 2 },
);

/** A peer: created in the app or imported, peered by the construct or already peered. */
type PeerKind = 'created' | 'existing' | 'imported-existing' | 'imported-created' | 'imported-created-no-route-tables';
const peer = fc.record({
  cidr: peerCidr,
  kind: fc.constantFrom<PeerKind>('created', 'existing', 'imported-existing', 'imported-created', 'imported-created-no-route-tables'),
  dns: fc.oneof({ arbitrary: fc.constant(true), weight: 6 }, { arbitrary: fc.constant(false), weight: 1 }),
});

interface Choice {
  readonly services: number[];
  readonly named: Array<{ service: number; dnsName: number | undefined }>;
  readonly peers: Array<{ cidr: string; kind: PeerKind; dns: boolean }>;
  readonly dns: number;
  readonly azCount: number;
  readonly repeatPeer: boolean;
  readonly endpointDns: boolean;
}

function model(c: Choice) {
  const verdict = new Verdict();
  verdict.refuse(c.services.length + c.named.length === 0, 'services');
  // One endpoint per service in a VPC; endpoint services are told apart by their DNS names.
  verdict.refuse(new Set(c.services).size < c.services.length, 'services');
  const names = c.named.map((n) => (n.dnsName === undefined ? undefined : DNS_NAMES[n.dnsName]));
  verdict.refuse(names.some((n) => n === undefined), 'services', 'endpointServiceDnsNames');
  verdict.refuse(names.some((n) => n !== undefined && !isHostName(n)), 'endpointServiceDnsNames');
  const validNames = names.filter((n): n is string => n !== undefined && isHostName(n)).map((n) => n.toLowerCase());
  verdict.refuse(new Set(validNames).size < validNames.length || new Set(c.named.map((n) => n.service)).size < c.named.length, 'services', 'endpointServiceDnsNames');
  verdict.refuse(c.repeatPeer && c.peers.length > 0, 'peer VPC');
  // Private DNS answers only where DNS support and hostnames are on.
  verdict.refuse(!c.endpointDns || c.peers.some((p) => !p.dns && !p.kind.startsWith('imported')), 'enableDnsSupport');
  // AWS refuses to peer overlapping blocks.
  const mine = ipv4.block(ENDPOINT_VPC)!;
  verdict.refuse(c.peers.some((p) => ipv4.overlap(mine, ipv4.block(p.cidr)!)), 'overlap');
  // A route table holds one route per destination: two peers with the same block cannot both be routed.
  const routed = c.peers.filter((p) => p.kind === 'created' || p.kind.startsWith('imported-created')).map((p) => p.cidr);
  verdict.refuse(new Set(routed).size < routed.length, 'peerVpcs');
  // Routes on the peer's side need its route tables.
  verdict.refuse(c.peers.some((p) => p.kind === 'imported-created-no-route-tables'), 'route table');
  // An endpoint in one AZ fails with it.
  verdict.refuse(c.azCount < 2, 'subnets');
  return verdict.expected;
}

const VALID: Choice = { services: [0, 1], named: [], peers: [{ cidr: '10.1.0.0/16', kind: 'created', dns: true }], dns: 0, azCount: 2, repeatPeer: false, endpointDns: true };
/** Run on every seed: one thing changed from valid props, for each branch that matters. */
const EXAMPLES: Choice[] = [
  VALID,
  { ...VALID, named: [{ service: 0, dnsName: 0 }], dns: 1, peers: [{ cidr: '10.2.0.0/16', kind: 'imported-existing', dns: true }] },
  { ...VALID, named: [{ service: 0, dnsName: 1 }], dns: 2, peers: [{ cidr: '10.2.0.0/16', kind: 'imported-created', dns: true }] },
  { ...VALID, named: [{ service: 0, dnsName: undefined }] },
  { ...VALID, named: [{ service: 0, dnsName: 3 }] },
  { ...VALID, named: [{ service: 0, dnsName: 0 }, { service: 1, dnsName: 2 }] },
  { ...VALID, services: [1, 1] },
  { ...VALID, services: [] },
  { ...VALID, peers: [{ cidr: '10.0.128.0/17', kind: 'existing', dns: true }] },
  { ...VALID, peers: [{ cidr: '10.1.0.0/16', kind: 'created', dns: true }, { cidr: '10.1.0.0/16', kind: 'imported-created', dns: true }] },
  { ...VALID, peers: [{ cidr: '10.1.0.0/16', kind: 'imported-created-no-route-tables', dns: true }] },
  { ...VALID, peers: [{ cidr: '10.1.0.0/16', kind: 'created', dns: false }] },
  { ...VALID, repeatPeer: true },
  { ...VALID, azCount: 1 },
];

describe('PrivateLinkConsumer with random props', () => {
  test('builds a template exactly when the model accepts the props, and otherwise names the prop at fault', () => {
    const outcomes: Outcomes = { synthesized: 0, refused: 0 };
    fc.assert(fc.property(
      fc.record<Choice>({
        services: fc.array(fc.integer({ min: 0, max: SERVICES.length - 1 }), { maxLength: 3 }),
        named: fc.array(fc.record({
          service: fc.integer({ min: 0, max: NAMED.length - 1 }),
          dnsName: fc.oneof(
            { arbitrary: fc.integer({ min: 0, max: 1 }), weight: 6 },
            { arbitrary: fc.option(fc.integer({ min: 0, max: DNS_NAMES.length - 1 }), { nil: undefined }), weight: 2 },
          ),
        }), { maxLength: 2 }),
        peers: fc.array(peer, { maxLength: 3 }),
        dns: fc.integer({ min: 0, max: DNS.length - 1 }),
        azCount: fc.oneof({ arbitrary: fc.integer({ min: 2, max: 3 }), weight: 6 }, { arbitrary: fc.constant(1), weight: 1 }),
        repeatPeer: fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 }),
        endpointDns: fc.oneof({ arbitrary: fc.constant(true), weight: 12 }, { arbitrary: fc.constant(false), weight: 1 }),
      }),
      (c) => {
        const expected = model(c);
        const stack = testStack();
        const shared = new ec2.Vpc(stack, 'Shared', { ipAddresses: ec2.IpAddresses.cidr(ENDPOINT_VPC), natGateways: 0, enableDnsSupport: c.endpointDns, enableDnsHostnames: c.endpointDns });
        const peers = c.peers.map((p, i) => ({
          kind: p.kind,
          vpc: p.kind.startsWith('imported')
            ? ec2.Vpc.fromVpcAttributes(stack, `Peer${i}`, {
              vpcId: `vpc-0${i}23456789abcdef0`,
              vpcCidrBlock: p.cidr,
              availabilityZones: ['us-east-1a', 'us-east-1b'],
              isolatedSubnetIds: [`subnet-0${i}aaaaaaaaaaaaaa1`, `subnet-0${i}aaaaaaaaaaaaaa2`],
              isolatedSubnetRouteTableIds: p.kind === 'imported-created-no-route-tables' ? undefined : [`rtb-0${i}aaaaaaaaaaaaaa1`, `rtb-0${i}aaaaaaaaaaaaaa2`],
            })
            : new ec2.Vpc(stack, `Peer${i}`, { ipAddresses: ec2.IpAddresses.cidr(p.cidr), natGateways: 0, maxAzs: 2, enableDnsSupport: p.dns, enableDnsHostnames: p.dns }),
        }));
        const created = peers.filter((p) => p.kind === 'created' || p.kind.startsWith('imported-created')).map((p) => p.vpc);
        const existing = peers.filter((p) => p.kind === 'existing' || p.kind === 'imported-existing').map((p) => p.vpc);
        if (c.repeatPeer && peers.length > 0) {
          existing.push(peers[0].vpc);
        }
        const services = [
          ...c.services.map((i) => SERVICES[i]),
          ...c.named.map((n) => new ec2.InterfaceVpcEndpointService(NAMED[n.service], 443)),
        ];
        const dnsNames = Object.fromEntries(c.named.filter((n) => n.dnsName !== undefined).map((n) => [NAMED[n.service], DNS_NAMES[n.dnsName!]]));
        const built = holdToModel(expected, "PrivateLinkConsumer 'TestStack/Endpoints': ", () => {
          const consumer = new PrivateLinkConsumer(stack, 'Endpoints', {
            vpc: shared,
            services,
            endpointServiceDnsNames: dnsNames,
            peerVpcs: created,
            existingPeerVpcs: existing,
            dns: DNS[c.dns](),
            subnets: { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'].slice(0, c.azCount) },
          });
          return { consumer, template: Template.fromStack(stack) };
        }, outcomes);
        if (!built) {
          return;
        }
        const { consumer, template } = built;
        template.resourceCountIs('AWS::EC2::VPCPeeringConnection', created.length);
        // Forwarders in the endpoint VPC's isolated subnets reach the EC2 API through an endpoint of their own.
        const forwarders = c.dns === 2;
        template.resourceCountIs('AWS::EC2::VPCEndpoint', services.length + (forwarders ? 1 : 0));
        expect(consumer.endpoints).toHaveLength(services.length);
        expect(consumer.forwarderEc2Endpoint !== undefined).toBe(forwarders);
        // Each peer, created or existing, reaches the endpoints on 443.
        const ingress = JSON.stringify(template.toJSON());
        for (const p of c.peers) {
          expect(ingress).toContain(`"CidrIp":"${p.cidr}"`);
        }
      },
    ), propertyParameters<[Choice]>('PrivateLinkConsumer', 20, EXAMPLES.map((e) => [e])));
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    expectReached(outcomes, ['services', 'endpointServiceDnsNames', 'overlap', 'peerVpcs', 'route table', 'enableDnsSupport', 'peer VPC', 'subnets']);
  });
});
