import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { checkName } from 'authgate';
import { CliError } from './errors.js';

/**
 * A domain argument as DNS will be asked it: IDNs become lower-case A-labels (RFC 5890), and
 * names DNS could never answer (an empty label, a label over 63 octets, RFC 1035 §2.3.4), that
 * are not host names, or that have a label starting or ending with a hyphen (RFC 1123 §2.1;
 * underscores stay allowed, as in `_dmarc`) are refused with one clear line.
 */
export function checkDomain(text: string): string {
  const ascii = asciiDomain(text.trim().replace(/\.$/, ''));
  if (ascii === undefined || !ascii.includes('.')) throw new CliError('bad-domain', `not a domain name: ${JSON.stringify(text)}`);
  return ascii;
}

/**
 * The domain of a MAIL FROM address given as an option (RFC 5321 §4.1.2: `Domain /
 * address-literal`): a name DNS can be asked, or `[192.0.2.1]` / `[IPv6:2001:db8::1]`
 * (§4.1.3). A single label is syntactically a Domain, so it is let through; SPF then answers
 * none (RFC 7208 §4.3).
 */
export function isMailDomain(text: string): boolean {
  const literal = /^\[(?:ipv6:)?([^\]]*)\]$/i.exec(text);
  if (literal !== null) return isIP(literal[1]!) === (/^\[ipv6:/i.test(text) ? 6 : 4);
  return asciiDomain(text) !== undefined;
}

/** RFC 6376 §3.1: a selector is one or more sub-domains (letters, digits, inner hyphens). */
export function checkSelector(flag: string, selector: string): string {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(selector)) {
    throw new CliError('usage', `${flag} ${JSON.stringify(selector)}: a selector is DNS labels (letters, digits, hyphens, dots)`);
  }
  return selector.toLowerCase();
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

/** The lower-case A-label form of a domain, or undefined when DNS could not be asked it. */
function asciiDomain(text: string): string | undefined {
  const ascii = domainToASCII(text);
  if (ascii === '' || !ascii.split('.').every((label) => LABEL.test(label))) return undefined;
  try {
    checkName('TXT', ascii);
    return ascii;
  } catch {
    return undefined;
  }
}
