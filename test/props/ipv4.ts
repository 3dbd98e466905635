/**
 * IPv4 blocks as the property tests' models see them, written apart from the library's own
 * parser so that a mistake in one is not repeated in the other.
 */
export interface Block {
  /** The first address, as a number from 0 to 2^32 - 1. */
  readonly base: number;
  /** The prefix length. */
  readonly prefix: number;
}

/** `a.b.c.d/n` with every octet 0-255, n 0-32 and no host bits, or `undefined`. */
export function block(input: string): Block | undefined {
  const parts = input.split('/');
  if (parts.length !== 2 || !/^\d{1,2}$/.test(parts[1])) {
    return undefined;
  }
  const base = address(parts[0]);
  const prefix = Number(parts[1]);
  if (base === undefined || prefix > 32 || base % size(prefix) !== 0) {
    return undefined;
  }
  return { base, prefix };
}

/** `a.b.c.d` with every octet 0-255, as a number, or `undefined`. */
export function address(input: string): number | undefined {
  const octets = input.split('.');
  if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) {
    return undefined;
  }
  return octets.reduce((n, o) => n * 256 + Number(o), 0);
}

/** Addresses in a block of this prefix length. */
export function size(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** Whether two blocks share an address. */
export function overlap(a: Block, b: Block): boolean {
  return a.base < b.base + size(b.prefix) && b.base < a.base + size(a.prefix);
}

/** `a.b.c.d/n` */
export function format(b: Block): string {
  return `${[24, 16, 8, 0].map((shift) => Math.floor(b.base / 2 ** shift) % 256).join('.')}/${b.prefix}`;
}

/** The block of this prefix length that holds `addressNumber`. */
export function enclosing(addressNumber: number, prefix: number): Block {
  return { base: Math.floor(addressNumber / size(prefix)) * size(prefix), prefix };
}
