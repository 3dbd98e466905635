import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { OpenVpnAccessServer, OpenVpnEdition, OpenVpnProtocol, OpenVpnRoutingMode, PrivateSubnetVpc } from '../../src';
import { formatCidr } from '../../src/private/cidr';
import { testStack } from '../util';

/** A clear error names the pattern, its path and the prop. */
const CLEAR_ERROR = /^OpenVpnAccessServer 'TestStack\/Vpn': (port|allowedCidrs|clientCidr|routes|dnsServers|vpcSubnets|edition) /;

const octet = fc.integer({ min: 0, max: 255 });
const anyAddressNumber = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const wellFormed = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), anyAddressNumber).map(([mask, address]) => {
  const size = 2 ** (32 - mask);
  return formatCidr({ network: Math.floor(address / size) * size, mask });
});
const anyCidr = (min: number, max: number) => fc.oneof(
  { arbitrary: wellFormed(min, max), weight: 12 },
  { arbitrary: fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 40 })).map(([a, b, c, d, m]) => `${a}.${b}.${c}.${d}/${m}`), weight: 1 },
  { arbitrary: fc.string({ maxLength: 18 }), weight: 1 },
);
const ACCESS_SERVER_IMAGE = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });
/** An edition and its image: Access Server needs one. */
type EditionAndImage = [OpenVpnEdition | undefined, ec2.IMachineImage | undefined];
const anyEdition = fc.oneof(
  { arbitrary: fc.constant<EditionAndImage>([undefined, undefined]), weight: 4 },
  { arbitrary: fc.constant<EditionAndImage>([OpenVpnEdition.ACCESS_SERVER, ACCESS_SERVER_IMAGE]), weight: 4 },
  { arbitrary: fc.constant<EditionAndImage>([OpenVpnEdition.ACCESS_SERVER, undefined]), weight: 1 },
);
const anyAddress = fc.oneof(
  { arbitrary: fc.tuple(octet, octet, octet, octet).map((o) => o.join('.')), weight: 12 },
  { arbitrary: fc.string({ maxLength: 15 }), weight: 1 },
);

describe('OpenVpnAccessServer with random props', () => {
  test('either synthesizes a template CloudFormation accepts, or fails with a clear error', () => {
    const outcomes = { synthesized: 0, refused: 0 };
    fc.assert(fc.property(
      fc.option(anyCidr(15, 29), { nil: undefined }),
      fc.option(fc.array(anyCidr(0, 32), { maxLength: 3 }), { nil: undefined }),
      fc.option(fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 65535 }), weight: 8 },
        { arbitrary: fc.oneof(fc.integer({ min: -10, max: 70000 }), fc.double({ min: 0, max: 2000, noNaN: true })), weight: 1 },
      ), { nil: undefined }),
      fc.option(fc.array(anyCidr(8, 32), { maxLength: 3 }), { nil: undefined }),
      fc.option(fc.array(anyAddress, { maxLength: 2 }), { nil: undefined }),
      fc.constantFrom(OpenVpnProtocol.UDP, OpenVpnProtocol.TCP),
      fc.constantFrom(OpenVpnRoutingMode.NAT, OpenVpnRoutingMode.ROUTED),
      fc.oneof(
        { arbitrary: fc.constantFrom<ec2.SubnetType | undefined>(undefined, ec2.SubnetType.PUBLIC), weight: 8 },
        { arbitrary: fc.constant(ec2.SubnetType.PRIVATE_WITH_EGRESS), weight: 1 },
      ),
      anyEdition,
      (clientCidr, allowedCidrs, port, routes, dnsServers, protocol, routingMode, subnetType, [edition, machineImage]) => {
        const stack = testStack();
        const network = new PrivateSubnetVpc(stack, 'Network', { maxAzs: 2 });
        let vpn: OpenVpnAccessServer;
        try {
          vpn = new OpenVpnAccessServer(stack, 'Vpn', {
            vpc: network.vpc,
            clientCidr,
            allowedCidrs,
            port,
            routes,
            dnsServers,
            protocol,
            routingMode,
            vpcSubnets: subnetType ? { subnetType } : undefined,
            edition,
            machineImage,
          });
        } catch (e) {
          expect((e as Error).name).toBe('GuardedPatternsError');
          expect((e as Error).message).toMatch(CLEAR_ERROR);
          outcomes.refused++;
          return;
        }
        // Strict CloudFormation validation and the embedded checks run here: they throw on a bad template.
        const template = Template.fromStack(stack);
        template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
        expect(vpn.port).toBe(port ?? 1194);
        expect(vpn.edition).toBe(edition ?? OpenVpnEdition.COMMUNITY);
        outcomes.synthesized++;
      },
    ), { numRuns: 60 });
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
