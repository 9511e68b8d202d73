import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * A set of networks (CIDR) to test client addresses against: trusted proxies, trusted relays,
 * allow-listed senders. An IPv4-mapped IPv6 address (what a dual-stack socket reports for an IPv4
 * peer) matches the IPv4 networks.
 */
export class NetworkList {
  readonly #ranges: Range[];

  /** `networks` must be valid (the configuration validator has checked them). */
  constructor(networks: readonly string[]) {
    this.#ranges = networks.map((network) => ipaddr.parseCIDR(network));
  }

  get size(): number {
    return this.#ranges.length;
  }

  has(ip: string): boolean {
    // Asked once or twice per message, usually of an empty list: no address parsing for that.
    if (this.#ranges.length === 0) return false;
    const address = normalizeIp(ip);
    if (address === undefined) return false;
    return this.#ranges.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits));
  }
}

/** The address in the form that compares: IPv4-mapped IPv6 becomes IPv4; undefined when not an address. */
export function normalizeIp(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  return ipaddr.isValid(ip) ? ipaddr.process(ip) : undefined;
}

/** Text form of a client address as SPF and the logs want it (IPv4 for IPv4-mapped IPv6). */
export function clientIpText(ip: string): string {
  return normalizeIp(ip)?.toString() ?? ip;
}
