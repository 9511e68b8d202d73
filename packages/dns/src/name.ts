import { DnsError } from './errors.js';

const MAX_LABEL_OCTETS = 63;
const MAX_NAME_OCTETS = 253;

/**
 * Lower-cases a name and drops one trailing dot, so that names compare equal the way DNS
 * compares them. RFC 4343 §3: only the ASCII letters fold; every other octet compares exactly,
 * so `String#toLowerCase` (which also folds `É`, `İ`, ...) would make different names equal.
 */
export function normalizeName(name: string): string {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  return /[A-Z]/.test(trimmed) ? trimmed.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()) : trimmed;
}

/**
 * Returns the normalized name, or throws `INVALID_NAME` for one no server could be asked:
 * - RFC 1035 §2.3.4: labels of 63 octets or less, names of 255 octets or less on the wire,
 *   i.e. 253 characters in text form; no empty labels (RFC 1035 §3.1: only the root is empty).
 * - Only ASCII: a name asked in DNS is a string of octets and authgate writes it as text, so a
 *   name must already be in A-label form. RFC 8616 §4 (SPF) requires U-labels to be converted
 *   to A-labels before use, and says non-ASCII local parts expanded by macros match nothing.
 */
export function checkName(rrtype: string, name: string): string {
  const normalized = normalizeName(name);
  if (normalized === '' || normalized.length > MAX_NAME_OCTETS || !isAscii(normalized)) {
    throw new DnsError('INVALID_NAME', rrtype, name);
  }
  let labelStart = 0;
  for (let index = 0; index <= normalized.length; index++) {
    if (index === normalized.length || normalized.charCodeAt(index) === 0x2e) {
      const length = index - labelStart;
      if (length === 0 || length > MAX_LABEL_OCTETS) throw new DnsError('INVALID_NAME', rrtype, name);
      labelStart = index + 1;
    }
  }
  return normalized;
}

function isAscii(text: string): boolean {
  return !/[^\x00-\x7f]/.test(text);
}
