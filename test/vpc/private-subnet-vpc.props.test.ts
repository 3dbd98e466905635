import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { PrivateSubnetVpc, SubnetSize } from '../../src';
import * as ipv4 from '../props/ipv4';
import { Outcomes, Verdict, expectReached, holdToModel, propertyParameters } from '../props/settings';
import { TEST_AZS, testApp, testStack } from '../util';

/** AWS keeps the first four and the last address of every subnet. */
const RESERVED_PER_SUBNET = 5;
/** VPC and subnet blocks AWS accepts: /16 to /28. */
const SMALLEST_PREFIX = 16;
const LARGEST_PREFIX = 28;

const octet = fc.integer({ min: 0, max: 255 });
/** A well-formed block of any prefix from 14 to 30, inside 10.0.0.0/8: mostly /16-/28, sometimes just outside. */
const wellFormed = fc.tuple(fc.integer({ min: 14, max: 30 }), fc.integer({ min: 0, max: 2 ** 24 - 1 }))
  .map(([prefix, offset]) => ipv4.format(ipv4.enclosing(10 * 2 ** 24 + offset, prefix)));
const anyCidr = fc.oneof(
  { arbitrary: wellFormed, weight: 8 },
  { arbitrary: fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 40 })).map(([a, b, c, d, m]) => `${a}.${b}.${c}.${d}/${m}`), weight: 1 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
);

/** A subnet size as the user writes it: a prefix length or a host count, sometimes out of range. */
type SizeChoice = { kind: 'default' } | { kind: 'mask'; value: number } | { kind: 'hosts'; value: number };
const anySize: fc.Arbitrary<SizeChoice> = fc.oneof(
  { arbitrary: fc.constant<SizeChoice>({ kind: 'default' }), weight: 4 },
  { arbitrary: fc.integer({ min: 12, max: 32 }).map((value): SizeChoice => ({ kind: 'mask', value })), weight: 2 },
  { arbitrary: fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.double({ min: 0, max: 100, noNaN: true })).map((value): SizeChoice => ({ kind: 'hosts', value })), weight: 2 },
);

const anyNat = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 3 },
  { arbitrary: fc.oneof(fc.integer({ min: -2, max: 6 }), fc.double({ min: 0, max: 4, noNaN: true })), weight: 1 },
);

interface Choice {
  readonly cidr: string;
  readonly maxAzs: number | undefined;
  readonly natGateways: number | undefined;
  readonly regional: boolean;
  readonly envAgnostic: boolean;
  readonly privateSize: SizeChoice;
  readonly publicSize: SizeChoice;
}

/** The prefix length a size factory must give, or `undefined` where the factory must refuse its argument. */
function prefixOf(choice: SizeChoice): number | undefined | 'refused' {
  if (choice.kind === 'default') {
    return undefined;
  }
  if (choice.kind === 'mask') {
    return Number.isInteger(choice.value) && choice.value >= SMALLEST_PREFIX && choice.value <= LARGEST_PREFIX ? choice.value : 'refused';
  }
  // The largest subnet AWS accepts is a /16: 65536 addresses less the reserved ones.
  const hosts = choice.value;
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > ipv4.size(SMALLEST_PREFIX) - RESERVED_PER_SUBNET) {
    return 'refused';
  }
  let prefix = LARGEST_PREFIX;
  while (ipv4.size(prefix) - RESERVED_PER_SUBNET < hosts) {
    prefix--;
  }
  return prefix;
}

/** What the VPC must be: its AZs, subnet prefixes and NAT gateways, or the props at fault. */
function model(c: Choice) {
  const verdict = new Verdict();
  const available = c.envAgnostic ? 2 : TEST_AZS.length;
  const maxAzs = c.maxAzs ?? 3;
  verdict.refuse(!Number.isInteger(maxAzs) || maxAzs < 1, 'maxAzs');
  const azs = Math.min(maxAzs, available);
  if (c.regional) {
    // A regional gateway serves every AZ; a count of zonal gateways means nothing beside it.
    verdict.refuse(c.natGateways !== undefined, 'natGateways');
  } else if (c.natGateways !== undefined) {
    verdict.refuse(!Number.isInteger(c.natGateways) || c.natGateways < 0 || c.natGateways > azs, 'natGateways');
  }
  const vpc = ipv4.block(c.cidr);
  const vpcValid = vpc !== undefined && vpc.prefix >= SMALLEST_PREFIX && vpc.prefix <= LARGEST_PREFIX;
  verdict.refuse(!vpcValid, 'cidr');
  const privatePrefix = prefixOf(c.privateSize);
  const publicPrefix = prefixOf(c.publicSize);
  let privateMask = 0;
  let publicMask = 0;
  if (vpc && vpcValid && Number.isInteger(maxAzs) && maxAzs >= 1) {
    // The documented defaults: half of one AZ's share (the VPC over the AZ count, rounded up to a
    // power of two) for a private subnet, a quarter of that for a public one, at most a /28.
    privateMask = (privatePrefix as number | undefined) ?? Math.min(LARGEST_PREFIX, vpc.prefix + Math.ceil(Math.log2(azs)) + 1);
    publicMask = (publicPrefix as number | undefined) ?? Math.min(LARGEST_PREFIX, privateMask + 2);
    // Blocks that are powers of two, placed largest first, fit without holes when their sum fits.
    verdict.refuse(azs * (ipv4.size(privateMask) + ipv4.size(publicMask)) > ipv4.size(vpc.prefix),
      'privateSubnetSize', 'publicSubnetSize', 'larger cidr', 'fewer AZs');
  }
  return { expected: verdict.expected, azs, privateMask, publicMask, factoryRefuses: privatePrefix === 'refused' || publicPrefix === 'refused' };
}

function sizeOf(choice: SizeChoice): SubnetSize | undefined {
  return choice.kind === 'default' ? undefined : choice.kind === 'mask' ? SubnetSize.cidrMask(choice.value) : SubnetSize.hosts(choice.value);
}

const VALID: Choice = { cidr: '10.0.0.0/16', maxAzs: 3, natGateways: undefined, regional: false, envAgnostic: false, privateSize: { kind: 'default' }, publicSize: { kind: 'default' } };
/** Run on every seed: one thing changed from valid props, for each branch that matters. */
const EXAMPLES: Choice[] = [
  VALID,
  { ...VALID, regional: true },
  { ...VALID, regional: true, natGateways: 1 },
  { ...VALID, regional: true, natGateways: 0 },
  { ...VALID, natGateways: 4 },
  { ...VALID, natGateways: 0, maxAzs: 2 },
  { ...VALID, envAgnostic: true, natGateways: 3 },
  { ...VALID, envAgnostic: true, maxAzs: 6 },
  { ...VALID, cidr: '10.0.0.0/29' },
  { ...VALID, cidr: '10.0.0.0/15' },
  { ...VALID, cidr: '10.0.0.1/16' },
  { ...VALID, cidr: '10.0.0.0/28', maxAzs: 1, privateSize: { kind: 'mask', value: 28 } },
  { ...VALID, cidr: '10.0.0.0/24', privateSize: { kind: 'hosts', value: 100 } },
  { ...VALID, cidr: '10.8.0.0/20', privateSize: { kind: 'hosts', value: 1000 }, maxAzs: 2 },
  { ...VALID, privateSize: { kind: 'mask', value: 29 } },
];

describe('PrivateSubnetVpc with random props', () => {
  test('builds a template exactly when the model of AWS\'s limits accepts the props, and otherwise names the prop at fault', () => {
    const outcomes: Outcomes = { synthesized: 0, refused: 0 };
    const factoryRefusals: Outcomes = { synthesized: 0, refused: 0 };
    fc.assert(fc.property(
      fc.record<Choice>({
        cidr: anyCidr,
        maxAzs: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 2 },
          { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 4 },
          { arbitrary: fc.oneof(fc.integer({ min: -1, max: 6 }), fc.double({ min: 0, max: 4, noNaN: true })), weight: 1 },
        ),
        natGateways: anyNat,
        regional: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
        envAgnostic: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
        privateSize: anySize,
        publicSize: anySize,
      }),
      (c) => {
        const m = model(c);
        if (m.factoryRefuses) {
          // A size out of AWS's range is refused by SubnetSize itself, before any VPC exists.
          holdToModel({ ok: false, props: ['SubnetSize.cidrMask: mask', 'SubnetSize.hosts: count'], faults: ['SubnetSize'] }, 'SubnetSize.',
            () => [sizeOf(c.privateSize), sizeOf(c.publicSize)], factoryRefusals);
          return;
        }
        const stack = testStack(testApp(), 'TestStack', { envAgnostic: c.envAgnostic });
        const built = holdToModel(m.expected, "PrivateSubnetVpc 'TestStack/Network': ", () => {
          const network = new PrivateSubnetVpc(stack, 'Network', {
            cidr: c.cidr,
            maxAzs: c.maxAzs,
            natGateways: c.natGateways,
            natGatewayProvider: c.regional ? ec2.NatProvider.regionalGateway() : undefined,
            privateSubnetSize: sizeOf(c.privateSize),
            publicSubnetSize: sizeOf(c.publicSize),
          });
          // Strict CloudFormation validation and the embedded checks run here.
          return { network, template: Template.fromStack(stack) };
        }, outcomes);
        if (!built) {
          return;
        }
        const { network, template } = built;
        expect(network.availabilityZoneCount).toBe(m.azs);
        const subnets = Object.values(template.findResources('AWS::EC2::Subnet')).map((s) => s.Properties.CidrBlock as string);
        expect(subnets).toHaveLength(2 * m.azs);
        const prefixes = subnets.map((s) => ipv4.block(s)!.prefix).sort((a, b) => a - b);
        const [larger, smaller] = [Math.min(m.privateMask, m.publicMask), Math.max(m.privateMask, m.publicMask)];
        expect(prefixes).toEqual([...Array(m.azs).fill(larger), ...Array(m.azs).fill(smaller)]);
        const vpc = ipv4.block(c.cidr)!;
        const blocks = subnets.map((s) => ipv4.block(s)!);
        // Every subnet inside the VPC, and no two sharing an address.
        blocks.forEach((b, i) => {
          expect(b.base >= vpc.base && b.base + ipv4.size(b.prefix) <= vpc.base + ipv4.size(vpc.prefix)).toBe(true);
          blocks.slice(i + 1).forEach((other) => expect(ipv4.overlap(b, other)).toBe(false));
        });
        const gateways = c.regional ? 1 : c.natGateways ?? m.azs;
        template.resourceCountIs('AWS::EC2::NatGateway', gateways);
      },
    ), propertyParameters<[Choice]>('PrivateSubnetVpc', 30, EXAMPLES.map((e) => [e])));
    // The generators reach both outcomes, and sizes that SubnetSize itself refuses.
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(factoryRefusals.refused).toBeGreaterThan(0);
    expectReached(outcomes, ['natGateways', 'cidr', 'privateSubnetSize']);
  });
});
