/**
 * Why a message, a header section or an address list could not be parsed.
 * - `empty`: no bytes at all.
 * - `malformed-field`: a header line that is neither `name: value` nor a continuation line
 *   (RFC 5322 §2.2, §3.6.8), or a first line that starts with white space.
 * - `nul-byte`: a NUL octet in the header section (RFC 5322 §2.2 allows printable US-ASCII,
 *   RFC 6532 adds UTF-8; RFC 5322 §4 dropped NUL even from the obsolete syntax).
 * - `header-too-large`: the header section is longer than the configured limit.
 * - `malformed-address`: an address list that does not parse (RFC 5322 §3.4, §4.4), a domain
 *   DNS could not hold (RFC 1035 §2.3.4), or a From field that names no mailbox.
 * - `no-from`: a message without a From field (RFC 5322 §3.6 requires exactly one).
 */
export type MessageErrorCode =
  | 'empty'
  | 'malformed-field'
  | 'nul-byte'
  | 'header-too-large'
  | 'malformed-address'
  | 'no-from';

/** A parse problem; returned in results, never thrown by the parsers. */
export interface MessageProblem {
  code: MessageErrorCode;
  message: string;
}

export function problem(code: MessageErrorCode, detail: string): MessageProblem {
  return { code, message: `message: ${detail}` };
}
