import { domainToASCII } from 'node:url';
import { checkName } from '@authgate/dns';

/** Letters, digits, hyphen and underscore: what a label of a name DMARC queries can hold. */
const LABEL = /^[a-z0-9_-]+$/;
/** A name already in the normal form (lower case, labels of 1 to 63 such characters): most are. */
const NORMAL = /^[a-z0-9_-]{1,63}(?:\.[a-z0-9_-]{1,63})*$/;
const MAX_NAME = 253;

/**
 * The form in which DMARC compares and queries a domain: lower case (RFC 9989 §4.4: comparisons
 * are case-insensitive per RFC 4343), no trailing dot, and IDNs as A-labels (RFC 9989 §5.3.1:
 * "If the domain is a U-label, the domain MUST be converted to an A-label"). Returns `undefined`
 * for anything that is not a DNS name that could be asked for (empty labels, over-long names,
 * characters no host name has).
 */
export function normalizeDomain(input: string): string | undefined {
  // Every message normalizes its author, SPF and DKIM domains: skip the general path for a
  // name that is already normal (it would return the name unchanged).
  if (input.length <= MAX_NAME && NORMAL.test(input)) return input;
  let name = input.trim();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '') return undefined;
  // Non-ASCII input is a U-label (or several): UTS #46 processing turns it into A-labels.
  if (/[^\x00-\x7f]/.test(name)) name = domainToASCII(name.normalize('NFC'));
  name = name.toLowerCase();
  if (name === '') return undefined;
  try {
    checkName('TXT', name);
  } catch {
    return undefined;
  }
  return name.split('.').every((label) => LABEL.test(label)) ? name : undefined;
}

export function labelCount(domain: string): number {
  return domain.split('.').length;
}

/** The right-most `count` labels of `domain`. */
export function lastLabels(domain: string, count: number): string {
  return domain.split('.').slice(-count).join('.');
}

/** The domain with its left-most label removed, or `undefined` for a single label. */
export function parentOf(domain: string): string | undefined {
  const dot = domain.indexOf('.');
  return dot === -1 ? undefined : domain.slice(dot + 1);
}

/** True when `domain` is `ancestor` or a subdomain of it (both normalized). */
export function isWithin(domain: string, ancestor: string): boolean {
  return domain === ancestor || domain.endsWith(`.${ancestor}`);
}
