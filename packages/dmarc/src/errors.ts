/**
 * Every machine `code` @authgate/dmarc reports, in one place (STYLE.md §6). Problems are returned
 * in results, never thrown: a broken record or a DNS timeout is a DMARC outcome, not an exception.
 *
 * Record parsing (`parseDmarcRecord`):
 * - `not-dmarc`: the text does not start with the tag `v=DMARC1`, so it is not a DMARC record at
 *   all and is discarded (RFC 9989 §4.7 "v": "the entire record MUST be ignored").
 * - `duplicate-tag`: a known tag appears twice (`p=none; p=reject`). DMARC records use the DKIM
 *   tag-list syntax (RFC 9989 §4.7), in which a repeated tag invalidates the whole list
 *   (RFC 6376 §3.2); picking either value would be a guess about the owner's policy.
 *
 * Report URIs (`parseReportUri`):
 * - `invalid-uri`: not an RFC 3986 URI, or a `mailto:` URI without one usable address.
 * - `invalid-size`: an RFC 7489 §6.2 size suffix (`!10m`) that does not parse.
 *
 * Evaluation (`evaluateDmarc`, `discoverPolicy`, `organizationalDomain`):
 * - `no-from`: no From field value was given (RFC 5322 §3.6 requires one).
 * - `malformed-from`: a From field that does not parse as an address list (RFC 5322 §3.6.2).
 * - `no-author-domain`: a From field with no address that has a domain (group syntax, a domain
 *   literal); RFC 9989 §5.3.1: with zero domains DMARC validation is not possible.
 * - `invalid-author-domain`: an author domain that is not a DNS name that could be queried.
 * - `invalid-domain`: the domain given to `discoverPolicy` or `organizationalDomain` is not one.
 * - `too-many-author-domains`: more distinct author domains than the evaluation limit
 *   (RFC 9989 §11.5 recommends limiting them; an incomplete evaluation cannot pass).
 * - `multiple-from`: several From fields whose domains all pass. RFC 9989 §4.4 (RFC 7489 §3.1):
 *   "Identifier Alignment cannot occur with a message ... with a ... repeated RFC5322.From header
 *   field", so such a message never passes; a failing domain still fails it.
 * - `no-policy`: no DMARC Policy Record applies (result `none`, RFC 9989 §4.10.1).
 * - `multiple-records`: several DMARC records at one name; they are all discarded
 *   (RFC 9989 §4.10 step 2; RFC 7489 §6.6.3 step 5).
 * - `malformed-record`: the record that applies is a DMARC record that cannot be read
 *   (see `duplicate-tag`); result `permerror` (RFC 9989 §9.2).
 * - `invalid-policy`: the record that applies has an invalid `p`, `sp` or `np` and no valid `rua`,
 *   so no DMARC processing applies (RFC 9989 §4.10.1); result `permerror`.
 * - `dns-temperror`: a DNS query DMARC needs failed transiently; result `temperror`
 *   (RFC 9989 §5.3.6).
 */
export type DmarcErrorCode =
  | 'not-dmarc'
  | 'duplicate-tag'
  | 'invalid-uri'
  | 'invalid-size'
  | 'no-from'
  | 'malformed-from'
  | 'no-author-domain'
  | 'invalid-author-domain'
  | 'invalid-domain'
  | 'too-many-author-domains'
  | 'multiple-from'
  | 'no-policy'
  | 'multiple-records'
  | 'malformed-record'
  | 'invalid-policy'
  | 'dns-temperror';

/** Why an outcome is not a plain pass or fail. */
export interface DmarcProblem {
  code: DmarcErrorCode;
  message: string;
}

export function problem(code: DmarcErrorCode, detail: string): DmarcProblem {
  return { code, message: `dmarc: ${detail}` };
}
