import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { resolved } from '../../private/resource-index';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { vpcOf } from './endpoint-topology';

/**
 * A peered VPC with DNS support or DNS hostnames off.
 */
export const VpcPeeringDnsDisabled = defineCheck({
  suffix: 'VpcPeeringDnsDisabled',
  level: CheckLevel.ERROR,
  title: 'A peered VPC with DNS support or DNS hostnames off (CloudFormation\'s default for EnableDnsHostnames is off).',
  reason: 'Private hosted zones, Resolver rules and interface endpoints\' private DNS answer only in VPCs with both DNS support and DNS hostnames on: '
    + 'in a peer without them, service names resolve to public addresses or not at all.',
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support',
  appliesTo: [ec2.CfnVPCPeeringConnection],
  inspect(peering) {
    const messages: string[] = [];
    for (const vpc of [vpcOf(peering.vpcId), vpcOf(peering.peerVpcId)]) {
      if (vpc === undefined) {
        continue;
      }
      const off = dnsOff(vpc);
      if (off) {
        messages.push(`VPC '${pathOf(vpc)}', peered by '${pathOf(peering)}', ${off}`);
      }
    }
    return messages;
  },
});

/**
 * What a VPC has off of DNS support and DNS hostnames, with the fix, as the end of a message
 * (`has DNS hostnames off, so ...`); `undefined` when both are on. Shared with
 * TransitGatewaySpokeDnsDisabled.
 */
export function dnsOff(vpc: ec2.CfnVPC): string | undefined {
  const support = resolved(vpc, vpc.enableDnsSupport);
  const hostnames = resolved(vpc, vpc.enableDnsHostnames);
  const off = [support === false ? 'DNS support' : undefined, hostnames === false || hostnames === undefined ? 'DNS hostnames' : undefined].filter((x) => x);
  return off.length === 0 ? undefined : `has ${off.join(' and ')} off, so private DNS names do not resolve there. `
    + 'Turn both on (ec2.Vpc: enableDnsSupport and enableDnsHostnames, the default; CfnVPC: EnableDnsSupport and EnableDnsHostnames true).';
}
