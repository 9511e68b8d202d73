import punycode from 'punycode/punycode.js';

/** RFC 1035 §2.3.4 in presentation form: 63 octets a label, 253 a name without the root dot. */
const MAX_LABEL = 63;
const MAX_NAME = 253;

/**
 * The <domain> of an identity as check_host() needs it, or undefined when RFC 7208 §4.3 says the
 * answer is "none": a malformed name (a label over 63 octets, an empty label other than the
 * final root one), a single label, or a domain literal such as `[192.0.2.1]`.
 *
 * RFC 8616 §4: U-labels are converted to A-labels before anything else (and RFC 7208 §4.3
 * "Internationalized domain names MUST be encoded as A-labels"); the result is lower case,
 * without the trailing dot. Labels are limited to letters, digits, hyphen and underscore, and
 * the top label may not be all-numeric (RFC 3696 §2), so `1.2.3.4` given as a HELO is no domain.
 */
export function identityDomain(raw: string): string | undefined {
  let name = raw.trim();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (!isAscii(name)) {
    try {
      name = punycode.toASCII(name.normalize('NFC').toLowerCase());
    } catch {
      return undefined;
    }
  }
  name = name.toLowerCase();
  if (!isDnsName(name) || !name.includes('.')) return undefined;
  let digitsOnly = true;
  const start = name.lastIndexOf('.') + 1;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    const digit = code >= 0x30 && code <= 0x39;
    if (!(digit || (code >= 0x61 && code <= 0x7a) || code === 0x2d || code === 0x5f || code === 0x2e)) return undefined;
    if (i >= start && !digit) digitsOnly = false;
  }
  return digitsOnly ? undefined : name;
}

/**
 * Turns an expanded domain-spec into the <target-name> to query (RFC 7208 §4.8, §7.3), or
 * undefined when no DNS query can be composed from it.
 * - §7.3: trailing dots "MUST be accepted", so one is dropped.
 * - §7.3: a name over 253 characters loses labels on the left until it fits.
 * - §4.8 leaves empty labels and labels over 63 octets undefined; like the suite's preferred
 *   answer, such a name matches nothing (the caller decides what that means for its term).
 * - RFC 8616 §4: a non-ASCII expansion (from a UTF-8 local part via %{s} or %{l}) "does not
 *   match anything".
 */
export function targetName(expanded: string): string | undefined {
  let name = expanded.endsWith('.') ? expanded.slice(0, -1) : expanded;
  while (name.length > MAX_NAME) {
    const dot = name.indexOf('.');
    if (dot < 0) return undefined;
    name = name.slice(dot + 1);
  }
  if (!isAscii(name) || name.includes('\0')) return undefined;
  return isDnsName(name) ? name : undefined;
}

/** True when `name` (lower case) is `domain` or lies under it (RFC 7208 §5.5). */
export function isWithin(name: string, domain: string): boolean {
  return name === domain || (name.length > domain.length && name.endsWith(domain) && name.charCodeAt(name.length - domain.length - 1) === 0x2e);
}

/** Lower-cases and drops one trailing dot, as DNS compares names (RFC 4343). */
export function canonicalName(name: string): string {
  return (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
}

function isDnsName(name: string): boolean {
  if (name === '' || name.length > MAX_NAME) return false;
  let start = 0;
  for (;;) {
    const dot = name.indexOf('.', start);
    const end = dot < 0 ? name.length : dot;
    if (end === start || end - start > MAX_LABEL) return false;
    if (dot < 0) return true;
    start = dot + 1;
  }
}

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
