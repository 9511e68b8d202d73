import type { Ptype } from './types.js';

// RFC 8601 §2.3 (body, header, policy, smtp) and RFC 8904 (dns, in its IANA considerations):
// the IANA "Email Authentication Property Types" registry.
const REGISTERED: ReadonlySet<string> = new Set<Ptype>(['body', 'dns', 'header', 'policy', 'smtp']);

/** Whether `ptype` (lower case) is in the IANA registry; RFC 8601 §4.1 says consumers MUST
 * ignore a result reported with any other. */
export function isRegisteredPtype(ptype: string): ptype is Ptype {
  return REGISTERED.has(ptype);
}
