import ipaddr from 'ipaddr.js';
import { DnsError } from './errors.js';

/**
 * The name a PTR query for `ip` asks: `4.3.2.1.in-addr.arpa` for IPv4 (RFC 1035 §3.5), the
 * reversed nibbles under `ip6.arpa` for IPv6 (RFC 3596 §2.5). IPv4-mapped IPv6 addresses are
 * asked as IPv4, since that is the address the connection really came from.
 *
 * Only the plain dotted-quad IPv4 form is an address here: the legacy inet_aton forms
 * (`127.1`, `0x7f.0.0.1`, `010.0.0.1`, where a leading zero means octal) would silently ask
 * about a different address. An IPv6 zone index (`fe80::1%eth0`) is refused too.
 */
export function reverseName(ip: string): string {
  const address = parseAddress(ip);
  if (address === undefined) throw new DnsError('INVALID_NAME', 'PTR', ip);
  if (address.kind() === 'ipv4') {
    return `${address.toByteArray().reverse().join('.')}.in-addr.arpa`;
  }
  const nibbles = address
    .toByteArray()
    .flatMap((byte) => [byte >> 4, byte & 0x0f])
    .map((nibble) => nibble.toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (typeof ip !== 'string') return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(ip)) return ipaddr.IPv4.parse(ip);
  if (ip.includes('%') || !ipaddr.IPv6.isValid(ip)) return undefined;
  const v6 = ipaddr.IPv6.parse(ip);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}
