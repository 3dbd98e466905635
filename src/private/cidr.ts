import { Token, aws_ec2 as ec2 } from 'aws-cdk-lib';

/** An IPv4 CIDR block, parsed. */
export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit number. */
  readonly network: number;
  /** The prefix length, 0 to 32. */
  readonly mask: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses `a.b.c.d/n`; `undefined` when the text is not an IPv4 CIDR or has host bits set.
 */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) {
    return undefined;
  }
  const octets = match.slice(1, 5).map(Number);
  const mask = Number(match[5]);
  if (octets.some((o) => o > 255) || mask > 32) {
    return undefined;
  }
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  if (address % blockSize(mask) !== 0) {
    return undefined;
  }
  return { network: address, mask };
}

/** The number of addresses in a block with this prefix length. */
export function blockSize(mask: number): number {
  return 2 ** (32 - mask);
}

/** Whether two blocks share any address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.network < b.network + blockSize(b.mask) && b.network < a.network + blockSize(a.mask);
}

/** Whether `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.mask >= outer.mask && inner.network >= outer.network
    && inner.network + blockSize(inner.mask) <= outer.network + blockSize(outer.mask);
}

/** `a.b.c.d/n` */
export function formatCidr(cidr: Ipv4Cidr): string {
  const octets = [3, 2, 1, 0].map((i) => Math.floor(cidr.network / 256 ** i) % 256);
  return `${octets.join('.')}/${cidr.mask}`;
}

/** A VPC's primary block where the app knows it: an imported VPC's literal, or its L1's. */
export function literalVpcCidr(vpc: ec2.IVpc): Ipv4Cidr | undefined {
  if (!Token.isUnresolved(vpc.vpcCidrBlock)) {
    return parseCidr(vpc.vpcCidrBlock);
  }
  const l1 = vpc.node.defaultChild;
  if (l1 instanceof ec2.CfnVPC && typeof l1.cidrBlock === 'string' && !Token.isUnresolved(l1.cidrBlock)) {
    return parseCidr(l1.cidrBlock);
  }
  return undefined;
}
