import { isDotAtomText, isDtext, isQtext, isWsp } from './syntax.js';

/**
 * RFC 5322 §3.2.4 quoted-string of `content`: `"` and `\` become quoted-pairs (§3.2.1), as do the
 * controls that current syntax has no place for (the §4.1 obs-qp form is the only way to carry
 * them). Never throws; whether the result belongs in a header field is the caller's question.
 */
export function quoteString(content: string): string {
  let quoted = '"';
  for (let i = 0; i < content.length; i++) {
    const code = content.charCodeAt(i);
    quoted += isQtext(code) || isWsp(code) ? content[i] : `\\${content[i]}`;
  }
  return `${quoted}"`;
}

/** RFC 5322 §3.4.1: the dot-atom form when it can be used, the quoted-string form only when needed. */
export function quoteLocalPart(localPart: string): string {
  return isDotAtomText(localPart) ? localPart : quoteString(localPart);
}

/** RFC 5322 §3.4.1 domain-literal: dtext as is, anything else as a quoted-pair (§4.4 obs-dtext). */
export function quoteLiteral(content: string): string {
  let quoted = '[';
  for (let i = 0; i < content.length; i++) {
    quoted += isDtext(content.charCodeAt(i)) ? content[i] : `\\${content[i]}`;
  }
  return `${quoted}]`;
}

/** A mailbox domain as written in an addr-spec: A-labels as they are, a literal re-quoted. */
export function domainText(domain: string): string {
  return isLiteral(domain) ? quoteLiteral(domain.slice(1, -1)) : domain;
}

export function isLiteral(domain: string): boolean {
  return domain.length >= 2 && domain.startsWith('[') && domain.endsWith(']');
}
