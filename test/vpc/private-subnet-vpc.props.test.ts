import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { PrivateSubnetVpc, SubnetSize } from '../../src';
import { formatCidr } from '../../src/private/cidr';
import { testStack } from '../util';

/** A clear error names the pattern and its path, or the factory, and the prop. */
const CLEAR_ERROR = /^(PrivateSubnetVpc 'TestStack\/Network': (cidr|maxAzs|natGateways|\d+ private)|SubnetSize\.(cidrMask|hosts): )/;

const octet = fc.integer({ min: 0, max: 255 });
/** A well-formed block of any size from /16 to /28, inside 10.0.0.0/8. */
const goodCidr = fc.tuple(fc.integer({ min: 16, max: 28 }), fc.integer({ min: 0, max: 2 ** 24 - 1 })).map(([mask, offset]) => {
  const size = 2 ** (32 - mask);
  return formatCidr({ network: 10 * 2 ** 24 + Math.floor(offset / size) * size, mask });
});
const anyCidr = fc.oneof(
  { arbitrary: goodCidr, weight: 4 },
  { arbitrary: fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 40 })).map(([a, b, c, d, m]) => `${a}.${b}.${c}.${d}/${m}`), weight: 1 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
);
const anySize = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.integer({ min: 10, max: 32 }).map((m) => () => SubnetSize.cidrMask(m)), weight: 1 },
  { arbitrary: fc.integer({ min: -5, max: 70000 }).map((h) => () => SubnetSize.hosts(h)), weight: 1 },
);

describe('PrivateSubnetVpc with random props', () => {
  test('either synthesizes a template CloudFormation accepts, or fails with a clear error', () => {
    const outcomes = { synthesized: 0, refused: 0 };
    fc.assert(fc.property(
      anyCidr,
      fc.oneof({ arbitrary: fc.integer({ min: 1, max: 3 }), weight: 4 }, { arbitrary: fc.integer({ min: -1, max: 6 }), weight: 1 }),
      fc.option(fc.oneof(fc.integer({ min: -2, max: 6 }), fc.double({ min: 0, max: 4, noNaN: true })), { nil: undefined, freq: 2 }),
      anySize,
      anySize,
      (cidr, maxAzs, natGateways, privateSize, publicSize) => {
        let network: PrivateSubnetVpc;
        const stack = testStack();
        try {
          network = new PrivateSubnetVpc(stack, 'Network', {
            cidr,
            maxAzs,
            natGateways,
            privateSubnetSize: privateSize?.(),
            publicSubnetSize: publicSize?.(),
          });
        } catch (e) {
          expect((e as Error).name).toBe('GuardedPatternsError');
          expect((e as Error).message).toMatch(CLEAR_ERROR);
          outcomes.refused++;
          return;
        }
        // Strict CloudFormation validation runs in Template.fromStack: it throws on a bad template.
        const template = Template.fromStack(stack);
        const subnets = Object.keys(template.findResources('AWS::EC2::Subnet')).length;
        expect(subnets).toBe(2 * network.availabilityZoneCount);
        expect((network.vpc as ec2.Vpc).privateSubnets.length + (network.vpc as ec2.Vpc).isolatedSubnets.length).toBe(network.availabilityZoneCount);
        outcomes.synthesized++;
      },
    ), { numRuns: 80 });
    // Both paths were exercised: the generators are not all-bad or all-good.
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
