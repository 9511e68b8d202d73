/**
 * The name syntaxes DKIM borrows from RFC 5321 §4.1.2, compiled once.
 */

// RFC 5321: sub-domain = Let-dig [Ldh-str]; only A-labels, as RFC 6376 §3.5 requires for d=, s=, i=.
const SUB_DOMAIN = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
// RFC 6376 §3.5: domain-name = sub-domain 1*("." sub-domain).
const DOMAIN_NAME = new RegExp(`^${SUB_DOMAIN}(?:\\.${SUB_DOMAIN})+$`);
// RFC 6376 §3.1: selector = sub-domain *( "." sub-domain ). Underscores are accepted too: DNS
// allows them in any label (RFC 2181 §11), selectors with them are published and signed with, and
// dkimpy, OpenDKIM and mailauth verify them; refusing would fail mail the key can verify.
const SELECTOR_LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?';
const SELECTOR = new RegExp(`^${SELECTOR_LABEL}(?:\\.${SELECTOR_LABEL})*$`);
// RFC 5321: Dot-string = Atom *("." Atom), atext from RFC 5322 §3.2.3, UTF-8 allowed (RFC 6531 §3.3).
const DOT_STRING = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+)*$/;
// RFC 5321: Quoted-string = DQUOTE *(qtextSMTP / quoted-pairSMTP) DQUOTE.
const QUOTED_STRING = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\uffff]|\\[\x20-\x7e])*"$/;

/** RFC 1035 §2.3.4: a name is at most 253 characters in text form; checked first so no regex sees a long input. */
const MAX_NAME = 253;

export function isDomainName(text: string): boolean {
  return text.length <= MAX_NAME && DOMAIN_NAME.test(text);
}

export function isSelector(text: string): boolean {
  return text.length <= MAX_NAME && SELECTOR.test(text);
}

/** RFC 6376 §3.5 i=: `[ Local-part ] "@" domain-name`; the local-part may be empty. */
export function splitIdentity(identity: string): { localPart: string; domain: string } | undefined {
  const at = identity.lastIndexOf('@');
  // RFC 5321 §4.5.3.1.1: a local-part is at most 64 octets (quoted forms a little longer).
  if (at === -1 || at > 256) return undefined;
  const localPart = identity.slice(0, at);
  const domain = identity.slice(at + 1);
  if (!isDomainName(domain)) return undefined;
  if (localPart !== '' && !DOT_STRING.test(localPart) && !QUOTED_STRING.test(localPart)) return undefined;
  return { localPart, domain: domain.toLowerCase() };
}

/** True when `domain` is `parent` or one of its subdomains (both lower case). */
export function isWithin(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}
