import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { PrivateLinkConsumer, PrivateLinkDns } from '../../src';
import { formatCidr } from '../../src/private/cidr';
import { testStack } from '../util';

/** A clear error names the pattern and its path, then the prop or the VPC at fault. */
const CLEAR_ERROR = /^PrivateLinkConsumer 'TestStack\/Endpoints': (services|subnets|peer VPC|peerVpcs|existingPeerVpcs|VPC '[^']+' (\(|has))/;

const SERVICES = [
  ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS,
  ec2.InterfaceVpcEndpointAwsService.SQS,
  ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  ec2.InterfaceVpcEndpointAwsService.STS,
];
const DNS = [() => PrivateLinkDns.hostedZones(), () => PrivateLinkDns.resolverEndpoints(), () => PrivateLinkDns.forwarderInstances()];

/** A /16 to /20 inside 10.0.0.0/14: often clear of the shared 10.0.0.0/16, sometimes inside it. */
const peerCidr = fc.tuple(fc.integer({ min: 16, max: 20 }), fc.integer({ min: 0, max: 2 ** 18 - 1 })).map(([mask, offset]) => {
  const size = 2 ** (32 - mask);
  return formatCidr({ network: 10 * 2 ** 24 + Math.floor(offset / size) * size, mask });
});

const peer = fc.record({
  cidr: peerCidr,
  existing: fc.boolean(),
  dns: fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }),
});

describe('PrivateLinkConsumer with random props', () => {
  test('either synthesizes a template CloudFormation accepts, or fails with a clear error', () => {
    const outcomes = { synthesized: 0, refused: 0 };
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: SERVICES.length - 1 }), { minLength: 0, maxLength: 3 }),
      fc.array(peer, { maxLength: 3 }),
      fc.integer({ min: 0, max: DNS.length - 1 }),
      fc.integer({ min: 1, max: 3 }),
      fc.boolean(),
      (serviceIndexes, peers, dnsIndex, azCount, repeatPeer) => {
        const stack = testStack();
        const shared = new ec2.Vpc(stack, 'Shared', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), natGateways: 0 });
        const peerVpcs = peers.map((p, i) => ({
          vpc: new ec2.Vpc(stack, `Peer${i}`, { ipAddresses: ec2.IpAddresses.cidr(p.cidr), natGateways: 0, maxAzs: 2, enableDnsSupport: p.dns, enableDnsHostnames: p.dns }),
          existing: p.existing,
        }));
        const created = peerVpcs.filter((p) => !p.existing).map((p) => p.vpc);
        const existing = peerVpcs.filter((p) => p.existing).map((p) => p.vpc);
        if (repeatPeer && created.length > 0) {
          existing.push(created[0]);
        }
        let consumer: PrivateLinkConsumer;
        try {
          consumer = new PrivateLinkConsumer(stack, 'Endpoints', {
            vpc: shared,
            services: serviceIndexes.map((i) => SERVICES[i]),
            peerVpcs: created,
            existingPeerVpcs: existing,
            dns: DNS[dnsIndex](),
            subnets: { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'].slice(0, azCount) },
          });
        } catch (e) {
          expect((e as Error).name).toBe('GuardedPatternsError');
          expect((e as Error).message).toMatch(CLEAR_ERROR);
          outcomes.refused++;
          return;
        }
        // Strict CloudFormation validation and the embedded checks run in Template.fromStack.
        const template = Template.fromStack(stack);
        template.resourceCountIs('AWS::EC2::VPCPeeringConnection', created.length);
        expect(consumer.endpoints).toHaveLength(serviceIndexes.length);
        outcomes.synthesized++;
      },
    ), { numRuns: 40 });
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
