import ipaddr from 'ipaddr.js';

/** The SMTP client as check_host() sees it (RFC 7208 §4.1 <ip>). */
export interface ClientAddress {
  family: 4 | 6;
  /** 4 or 16 octets, network order. */
  bytes: Uint8Array;
  /** %{c} (RFC 7208 §7.3): dotted quad, or the RFC 5952 text form of an IPv6 address. */
  readable: string;
  /** %{i} (RFC 7208 §7.3): dotted quad, or 32 lower-case nibbles joined by dots. */
  dotted: string;
  /** %{v}: 'in-addr' or 'ip6'. */
  version: 'in-addr' | 'ip6';
  /** What the resolver's ptr() is asked (the IPv4 form for an IPv4-mapped client). */
  ptrName: string;
}

const HEX = '0123456789abcdef';
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * Parses the client address. RFC 7208 §5: an IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291
 * §2.5.5.2) MUST be treated as IPv4, so it becomes one here, once, for every mechanism and macro.
 * A zone index (`%eth0`, RFC 4007 §11) is dropped. Returns undefined for anything else.
 */
export function parseClientAddress(ip: string): ClientAddress | undefined {
  const text = ip.trim();
  const zone = text.indexOf('%');
  const bare = zone >= 0 ? text.slice(0, zone) : text;
  const v4 = parseIp4(bare);
  if (v4 !== undefined) return ipv4Client(v4);
  const v6 = parseIp6(bare);
  if (v6 === undefined) return undefined;
  if (isIpv4Mapped(v6)) return ipv4Client(v6.slice(12));
  let dotted = '';
  for (const byte of v6) dotted += `${HEX[byte >> 4]}.${HEX[byte & 15]}.`;
  const readable = (ipaddr.fromByteArray([...v6]) as ipaddr.IPv6).toRFC5952String();
  return { family: 6, bytes: v6, readable, dotted: dotted.slice(0, -1), version: 'ip6', ptrName: readable };
}

function ipv4Client(bytes: Uint8Array): ClientAddress {
  const dotted = bytes.join('.');
  return { family: 4, bytes, readable: dotted, dotted, version: 'in-addr', ptrName: dotted };
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * RFC 7208 §5.6 ip4-network: exactly four `qnum`s, 0-255 without leading zeros ("It is not
 * permitted to omit parts of the IP address"). Stricter than inet_aton on purpose.
 */
export function parseIp4(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(4);
  let part = 0;
  let value = -1;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (code >= 0x30 && code <= 0x39) {
      if (digits === 1 && value === 0) return undefined; // leading zero
      value = (value < 0 ? 0 : value * 10) + (code - 0x30);
      if (++digits > 3 || value > 255) return undefined;
    } else if (code === 0x2e && digits > 0 && part < 4) {
      bytes[part++] = value;
      value = -1;
      digits = 0;
    } else return undefined;
  }
  return part === 4 ? bytes : undefined;
}

/**
 * RFC 7208 §5.6 ip6-network, "as per Section 2.2 of RFC 4291": eight groups of 1-4 hex digits,
 * at most one `::` standing for one or more zero groups, and optionally a trailing dotted quad
 * in place of the last two groups.
 */
export function parseIp6(text: string): Uint8Array | undefined {
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return undefined;
  const head = gap >= 0 ? text.slice(0, gap) : text;
  const tail = gap >= 0 ? text.slice(gap + 2) : '';
  const left = groupsOf(head, gap < 0);
  const right = gap >= 0 ? groupsOf(tail, true) : [];
  if (left === undefined || right === undefined) return undefined;
  const count = left.length + right.length;
  if (gap >= 0 ? count > 14 : count !== 16) return undefined;
  const bytes = new Uint8Array(16);
  bytes.set(left, 0);
  bytes.set(right, 16 - right.length);
  return bytes;
}

/** The octets of `a:b:c` (possibly ending in a dotted quad when `last`); [] for ''. */
function groupsOf(text: string, last: boolean): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const octets: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] as string;
    if (last && i === groups.length - 1 && group.includes('.')) {
      const v4 = parseIp4(group);
      if (v4 === undefined) return undefined;
      octets.push(...v4);
    } else {
      if (!HEX_GROUP.test(group)) return undefined;
      const value = Number.parseInt(group, 16);
      octets.push(value >> 8, value & 0xff);
    }
  }
  return octets;
}

/** Parses an address as a resolver prints it (dotted quad, or IPv6 text), for comparison. */
export function parseAnswerAddress(text: string, family: 4 | 6): Uint8Array | undefined {
  return family === 4 ? parseIp4(text) : parseIp6(text);
}

/**
 * RFC 7208 §5: "If a CIDR prefix length is specified, then only the specified number of
 * high-order bits of <ip> and the IP address are compared for equality."
 */
export function prefixMatches(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  if (a.length !== b.length) return false;
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (((a[whole] as number) ^ (b[whole] as number)) & mask) === 0;
}
