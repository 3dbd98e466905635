import { GuardedPatternsError } from '../private/errors';

/** Addresses AWS keeps in every subnet: the first four and the last. */
export const RESERVED_ADDRESSES_PER_SUBNET = 5;

/**
 * How large each subnet of a group is: by prefix length, or by the number of hosts it must hold.
 */
export class SubnetSize {
  /**
   * Subnets with this prefix length (16 to 28).
   */
  public static cidrMask(mask: number): SubnetSize {
    if (!Number.isInteger(mask) || mask < 16 || mask > 28) {
      throw new GuardedPatternsError(`SubnetSize.cidrMask: mask (${mask}) must be a whole number from 16 to 28; AWS accepts subnets from /16 to /28.`);
    }
    return new SubnetSize(mask);
  }

  /**
   * The smallest subnets that hold `count` hosts, after the 5 addresses AWS keeps in each.
   */
  public static hosts(count: number): SubnetSize {
    const max = 2 ** 16 - RESERVED_ADDRESSES_PER_SUBNET;
    if (!Number.isInteger(count) || count < 1 || count > max) {
      throw new GuardedPatternsError(`SubnetSize.hosts: count (${count}) must be a whole number from 1 to ${max}; a /16 subnet, the largest AWS accepts, holds ${max} hosts.`);
    }
    return new SubnetSize(Math.min(28, 32 - Math.ceil(Math.log2(count + RESERVED_ADDRESSES_PER_SUBNET))));
  }

  private constructor(
    /** The prefix length of each subnet. */
    public readonly mask: number,
  ) {}

  /** Hosts each subnet holds. */
  public get usableHosts(): number {
    return 2 ** (32 - this.mask) - RESERVED_ADDRESSES_PER_SUBNET;
  }
}
