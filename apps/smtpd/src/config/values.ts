import net from 'node:net';
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import type { HostPort } from './schema.js';

/** A parsed option value, or why it is not one. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(message: string): Parsed<T> => ({ ok: false, message });

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3,
};

/** Milliseconds: a number, or a string with a unit (`500ms`, `30s`, `5m`, `1h`). */
export function parseDuration(value: unknown): Parsed<number> {
  if (typeof value === 'number') return Number.isInteger(value) ? ok(value) : bad('must be a whole number of milliseconds');
  if (typeof value !== 'string') return bad('must be milliseconds or a duration such as "30s"');
  const match = /^\s*(\d+)\s*(ms|s|m|h)\s*$/i.exec(value);
  if (match === null) return bad(`must be milliseconds or a duration such as "30s" (got ${JSON.stringify(value)})`);
  return ok(Number(match[1]) * DURATION_UNITS[match[2]!.toLowerCase()]!);
}

/** Bytes: a number, or a string with a binary unit (`512k`, `50M`, `1GiB`). */
export function parseSize(value: unknown): Parsed<number> {
  if (typeof value === 'number') return Number.isInteger(value) ? ok(value) : bad('must be a whole number of bytes');
  if (typeof value !== 'string') return bad('must be bytes or a size such as "50M"');
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(value);
  const factor = match === null ? undefined : SIZE_UNITS[match[2]!.toLowerCase()];
  if (match === null || factor === undefined) return bad(`must be bytes or a size such as "50M" (got ${JSON.stringify(value)})`);
  return ok(Number(match[1]) * factor);
}

/**
 * `host:port`, `[v6]:port`, or `:port` (every address). Host names are allowed for the relay;
 * listeners need an address (`wantsIp`) so that a typo cannot bind somewhere unexpected.
 */
export function parseHostPort(value: unknown, options: { wantsIp: boolean; defaultHost?: string }): Parsed<HostPort> {
  if (typeof value !== 'string') return bad('must be a string "host:port"');
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  if (match === null) return bad(`must be "host:port" or "[ipv6]:port" (got ${JSON.stringify(value)})`);
  const host = match[1] ?? (match[2] === '' ? options.defaultHost : match[2]);
  const port = Number(match[3]);
  if (host === undefined) return bad(`needs a host (got ${JSON.stringify(value)})`);
  if (port < 0 || port > 65535) return bad(`port must be from 0 to 65535 (got ${port})`);
  if (match[1] !== undefined && !net.isIPv6(host)) return bad(`${JSON.stringify(host)} is not an IPv6 address`);
  if (options.wantsIp && net.isIP(host) === 0) return bad(`must be an IP address, not a name (got ${JSON.stringify(host)})`);
  if (net.isIP(host) === 0 && !isHostName(host)) return bad(`${JSON.stringify(host)} is not a host name`);
  return ok({ host, port });
}

/** A network in CIDR form, or a single address (taken as /32 or /128); returned normalized. */
export function parseNetwork(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return bad('must be an address or a CIDR network');
  const text = value.trim();
  try {
    if (text.includes('/')) {
      const [address, bits] = ipaddr.parseCIDR(text);
      return ok(`${address.toString()}/${bits}`);
    }
    const address = ipaddr.parse(text);
    return ok(`${address.toString()}/${address.kind() === 'ipv4' ? 32 : 128}`);
  } catch {
    return bad(`${JSON.stringify(value)} is not an address or a CIDR network`);
  }
}

/**
 * A domain, returned as a lower-case A-label (RFC 5890) so that it compares with what the
 * evaluators report. `allowLeadingDot` admits `.example.org` ("and its subdomains").
 */
export function parseDomain(value: unknown, allowLeadingDot = false): Parsed<string> {
  if (typeof value !== 'string') return bad('must be a domain name');
  const text = value.trim().replace(/\.$/, '');
  const dotted = allowLeadingDot && text.startsWith('.');
  const ascii = domainToASCII(dotted ? text.slice(1) : text).toLowerCase();
  if (ascii === '' || !isHostName(ascii)) return bad(`${JSON.stringify(value)} is not a valid domain name`);
  return ok(dotted ? `.${ascii}` : ascii);
}

/** RFC 1035 §2.3.1 letters, digits, hyphens (and the underscore seen in real names), 63/253 octets. */
export function isHostName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(label));
}

/**
 * A whole header field `Name: value` for the quarantine mark: RFC 5322 §3.6.8 field name
 * (printable ASCII but the colon), an unstructured value without line breaks.
 */
export function parseHeaderField(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return bad('must be a header field "Name: value"');
  const match = /^([!-9;-~]+):[ \t]*([^\r\n]*)$/.exec(value);
  if (match === null || match[2]!.trim() === '') return bad(`must be a header field "Name: value" (got ${JSON.stringify(value)})`);
  return ok(`${match[1]}: ${match[2]!.trim()}`);
}
