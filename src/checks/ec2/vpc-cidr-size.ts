import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Ipv4Cidr, blockSize, cidrContains, cidrsOverlap, formatCidr, parseCidr } from '../../private/cidr';
import { literalString } from '../../private/resource-index';
import { vpcCidrs } from '../../private/template/vpc';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';
import { subnetsOf } from './vpc-topology';

/** The prefix lengths AWS accepts for a VPC or subnet IPv4 block. */
export const MIN_CIDR_MASK = 16;
export const MAX_CIDR_MASK = 28;

/** Why `text` is not a usable VPC or subnet block; `undefined` when it is. */
export function cidrProblem(text: string): string | undefined {
  const cidr = parseCidr(text);
  if (!cidr) {
    return `'${text}' is not an IPv4 CIDR block with its host bits clear (for example 10.0.0.0/16)`;
  }
  if (cidr.mask < MIN_CIDR_MASK || cidr.mask > MAX_CIDR_MASK) {
    return `${text} is a /${cidr.mask}; AWS accepts /${MIN_CIDR_MASK} (65,536 addresses) to /${MAX_CIDR_MASK} (16 addresses)`;
  }
  return undefined;
}

/**
 * A CIDR block outside /16 to /28, or subnets that do not fit in their VPC.
 */
export const VpcCidrSize = defineCheck({
  suffix: 'VpcCidrSize',
  level: CheckLevel.ERROR,
  title: 'A VPC or subnet CIDR block outside /16 to /28, a subnet outside its VPC, or subnets that overlap.',
  reason: 'CloudFormation accepts the template and the deployment then fails (or, with aws-cdk-lib, synth fails with an allocation error far from the prop): blocks must be /16 to /28, inside the VPC, and disjoint.',
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html',
  appliesTo: [ec2.CfnVPC],
  inspect(vpc, index) {
    const messages: string[] = [];
    const vpcText = literalString(vpc, vpc.cidrBlock);
    const vpcProblem = vpcText === undefined ? undefined : cidrProblem(vpcText);
    if (vpcProblem) {
      messages.push(`VPC '${pathOf(vpc)}': ${vpcProblem}. Use a block of that size.`);
    }
    const blocks = vpcCidrs(vpc, index);
    const seen: Array<{ path: string; cidr: Ipv4Cidr }> = [];
    for (const subnet of subnetsOf(vpc, index)) {
      const text = literalString(subnet, subnet.cidrBlock);
      if (text === undefined) {
        continue;
      }
      const problem = cidrProblem(text);
      const cidr = parseCidr(text);
      if (problem || !cidr) {
        messages.push(`Subnet '${pathOf(subnet)}': ${problem}. Use a block of that size.`);
        continue;
      }
      if (blocks.length > 0 && !blocks.some((block) => cidrContains(block, cidr))) {
        messages.push(`Subnet '${pathOf(subnet)}': ${text} is not inside the VPC's ${blocks.map(formatCidr).join(', ')}. Choose a block inside it.`);
      }
      const clash = seen.find((other) => cidrsOverlap(other.cidr, cidr));
      if (clash) {
        messages.push(`Subnet '${pathOf(subnet)}': ${text} overlaps subnet '${clash.path}' (${formatCidr(clash.cidr)}). Give each subnet its own block.`);
      }
      seen.push({ path: pathOf(subnet), cidr });
    }
    return messages;
  },
});

/** One group of subnets to allocate: one block per AZ, each `2^(32 - mask)` addresses. */
export interface SubnetDemand {
  readonly name: string;
  readonly mask: number;
}

/**
 * The address each subnet would end at when blocks are allocated as aws-cdk-lib does: group by
 * group, one block per AZ, each aligned to its own size. Returns the first address past the end.
 */
export function allocatedEnd(vpc: Ipv4Cidr, azs: number, demands: SubnetDemand[]): number {
  let next = vpc.network;
  for (const demand of demands) {
    const size = blockSize(demand.mask);
    for (let az = 0; az < azs; az++) {
      next = Math.ceil(next / size) * size + size;
    }
  }
  return next;
}

/** Whether the subnets fit in the VPC. */
export function subnetsFit(vpc: Ipv4Cidr, azs: number, demands: SubnetDemand[]): boolean {
  return demands.every((d) => d.mask >= vpc.mask && d.mask <= MAX_CIDR_MASK)
    && allocatedEnd(vpc, azs, demands) <= vpc.network + blockSize(vpc.mask);
}
