/**
 * Why a field value could not be parsed; returned in results, never thrown.
 * - `empty`: nothing but white space and comments.
 * - `bad-character`: a control character, or a CR or LF that is not part of folding white space
 *   (RFC 5322 §2.2 allows neither in a field body).
 * - `unterminated-comment`: a `(` without its `)` (RFC 5322 §3.2.2).
 * - `unterminated-quoted-string`: a `"` without its closing `"`, or a `\` at the very end
 *   (RFC 5322 §3.2.4).
 * - `malformed-authserv-id`: the value does not start with a token or quoted-string
 *   (RFC 8601 §2.2 `authserv-id = value`).
 * - `unsupported-version`: a field version other than 1; what follows may be in another
 *   syntax, so parsing stops (RFC 8601 §2.6).
 * - `missing-results`: neither `; none` nor any `; method=result` (RFC 8601 §2.2).
 * - `malformed-method`: a missing or invalid method keyword or method version, or no `=`.
 * - `malformed-result`: a missing or invalid result keyword.
 * - `malformed-reason`: `reason=` without a token or quoted-string.
 * - `malformed-property`: a `ptype.property=` that is not two keywords around a `.`, followed by `=`.
 * - `malformed-value`: a property value that is neither a token, a quoted-string nor
 *   `[local-part]@domain-name` (RFC 8601 §2.2 `pvalue`).
 * - `unexpected-text`: text where `;` or the end of the field was expected, e.g. after `none`.
 * - `malformed-spf-result`: a Received-SPF result that is not one of the seven of RFC 7208 §9.1.
 * - `malformed-key-value`: a Received-SPF `key=value` pair that does not parse.
 * - `duplicate-key`: a Received-SPF key given twice, which makes the field ambiguous.
 */
export type AuthresProblemCode =
  | 'empty'
  | 'bad-character'
  | 'unterminated-comment'
  | 'unterminated-quoted-string'
  | 'malformed-authserv-id'
  | 'unsupported-version'
  | 'missing-results'
  | 'malformed-method'
  | 'malformed-result'
  | 'malformed-reason'
  | 'malformed-property'
  | 'malformed-value'
  | 'unexpected-text'
  | 'malformed-spf-result'
  | 'malformed-key-value'
  | 'duplicate-key';

/** A parse problem: a machine code and a message for people. */
export interface AuthresProblem {
  code: AuthresProblemCode;
  message: string;
}

export function problem(code: AuthresProblemCode, detail: string): AuthresProblem {
  return { code, message: `authres: ${detail}` };
}

/**
 * Why a builder refused its input. These are programmer errors (the data cannot be written in
 * the RFC syntax at all), so they are thrown, never returned.
 * - `invalid-keyword`: a method, result, ptype or property that is not an RFC 5321 Keyword
 *   (RFC 8601 §2.2), or a Received-SPF key that is not a name (RFC 7208 §9.1).
 * - `invalid-ptype`: a registered ptype in `extensionProperties`, or an unregistered one in
 *   `properties`.
 * - `invalid-version`: a method version that is not a non-negative integer.
 * - `unsupported-version`: a field version other than 1, the only syntax this package writes.
 * - `invalid-authserv-id`: an empty authserv-id.
 * - `invalid-spf-result`: a Received-SPF result outside the seven of RFC 7208 §9.1.
 */
export type AuthresErrorCode =
  | 'invalid-keyword'
  | 'invalid-ptype'
  | 'invalid-version'
  | 'unsupported-version'
  | 'invalid-authserv-id'
  | 'invalid-spf-result';

/** Thrown by the builders for input that cannot be written; never by the parsers. */
export class AuthresError extends Error {
  override readonly name = 'AuthresError';
  readonly code: AuthresErrorCode;

  constructor(code: AuthresErrorCode, detail: string, options?: { cause?: unknown }) {
    super(`authres: ${detail}`, options);
    this.code = code;
  }
}
