import { DnsError } from './errors.js';

const MAX_LABEL_OCTETS = 63;
const MAX_NAME_OCTETS = 253;

/**
 * Lower-cases a name and drops one trailing dot, so that names compare equal the way DNS
 * compares them (RFC 4343 §3: ASCII case-insensitive).
 */
export function normalizeName(name: string): string {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  return trimmed.toLowerCase();
}

/**
 * Returns the normalized name, or throws `INVALID_NAME` for one no server could be asked
 * (RFC 1035 §2.3.4: labels of 63 octets or less, names of 255 octets or less on the wire,
 * i.e. 253 characters in text form; no empty labels).
 */
export function checkName(rrtype: string, name: string): string {
  const normalized = normalizeName(name);
  if (normalized === '' || Buffer.byteLength(normalized) > MAX_NAME_OCTETS) {
    throw new DnsError('INVALID_NAME', rrtype, name);
  }
  for (const label of normalized.split('.')) {
    if (label === '' || Buffer.byteLength(label) > MAX_LABEL_OCTETS) {
      throw new DnsError('INVALID_NAME', rrtype, name);
    }
  }
  return normalized;
}
