/**
 * IPv4 CIDR arithmetic for configuration checks. Only what validation needs:
 * parse, containment and overlap. IPv6 is out of scope for the network layer.
 */
export interface Cidr {
  readonly text: string;
  readonly network: number; // first address as an unsigned 32-bit integer
  readonly prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Returns the parsed block, or a reason it is not a canonical IPv4 CIDR block. */
export function parseCidr(text: string): Cidr | string {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text);
  if (!match) return 'is not an IPv4 CIDR block';
  const octets = match.slice(1, 5);
  if (!octets.every((o) => OCTET.test(o))) return 'has an octet outside 0-255';
  const prefix = Number(match[5]);
  if (prefix > 32) return 'has a prefix length above 32';
  const address = octets.reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) {
    const base = address - (address % size);
    return `has host bits set (the block starts at ${formatAddress(base)}/${prefix})`;
  }
  return { text, network: address, prefix };
}

export function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

function end(c: Cidr): number {
  return c.network + 2 ** (32 - c.prefix);
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.network >= outer.network && end(inner) <= end(outer);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.network < end(b) && b.network < end(a);
}
