import ipaddr from 'ipaddr.js';
import { DnsError } from './errors.js';

/**
 * The name a PTR query for `ip` asks: `4.3.2.1.in-addr.arpa` for IPv4, the reversed nibbles under
 * `ip6.arpa` for IPv6 (RFC 3596 §2.5). IPv4-mapped IPv6 addresses are asked as IPv4.
 */
export function reverseName(ip: string): string {
  if (!ipaddr.isValid(ip)) throw new DnsError('INVALID_NAME', 'PTR', ip);
  let address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  if (address.kind() === 'ipv4') {
    return `${address.toByteArray().reverse().join('.')}.in-addr.arpa`;
  }
  const nibbles = address
    .toByteArray()
    .flatMap((byte) => [byte >> 4, byte & 0x0f])
    .map((nibble) => nibble.toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}
