import { getDomain } from 'tldts';

/**
 * The Public Suffix List options for RFC 7489 §3.2. Both sections of the Mozilla list are used:
 * the ICANN section (`com`, `co.uk`, `kawasaki.jp`...) and the PRIVATE section (`github.io`,
 * `blogspot.com`...), whose entries are also names "reserved for registrations" by independent
 * parties (RFC 7489 §3.2 step 1): `alice.github.io` and `bob.github.io` are different owners and
 * must not align with each other. The list is the one bundled with `tldts`; RFC 7489 Appendix
 * A.6.1 warns that receivers with different lists can disagree, which is one reason RFC 9989
 * replaced the list with the DNS Tree Walk.
 */
const PSL_OPTIONS = {
  allowIcannDomains: true,
  allowPrivateDomains: true,
  extractHostname: false,
  detectIp: false,
  validateHostname: false,
} as const;

/**
 * RFC 7489 §3.2: the Organizational Domain is the longest matching public suffix plus one label
 * (wildcard and exception rules as the PSL defines them; unknown TLDs match the implicit `*`).
 * A name that is itself a public suffix has no such label: it is its own Organizational Domain.
 */
export function pslOrganizationalDomain(domain: string): string {
  return getDomain(domain, PSL_OPTIONS) ?? domain;
}
