/**
 * The lexical classes of RFC 5322 §3.2, RFC 2045 §5.1 and RFC 5321 §4.1.2 that both the builders
 * and the parsers need, and the writers of quoted-strings and comments.
 */

// RFC 2045 §5.1: tspecials, which a token may not contain.
const TSPECIALS = new Set('()<>@,;:\\"/[]?=');

/** WSP (RFC 5234): space or horizontal tab. */
export function isWsp(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/** Non-ASCII, which RFC 6532 §3.2 adds to atext, qtext, ctext and VCHAR (and which a JS string
 * holds as one or two UTF-16 units of 0x80 and above). */
export function isNonAscii(c: string): boolean {
  return c.charCodeAt(0) >= 0x80;
}

/** A control character other than TAB: never allowed in a field body (RFC 5322 §2.2). */
export function isControl(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code < 0x20 && code !== 0x09) || code === 0x7f;
}

/** RFC 2045 §5.1 token character: printable US-ASCII except tspecials. */
export function isTokenChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return code > 0x20 && code < 0x7f && !TSPECIALS.has(c);
}

// The classes below as regular expressions, for the builders: every value written is tested
// against them, and one compiled scan costs far less than a call per character.
// RFC 2045 §5.1 token: printable US-ASCII except tspecials ()<>@,;:\"/[]?= (and SPACE).
const TOKEN = /^[!#-'*+\-.0-9A-Z^-~]+$/;
// RFC 5322 §3.2.3 atext (printable US-ASCII except specials ()<>[]:;@\,.") in a dot-atom-text;
// RFC 6532 §3.2 adds every non-ASCII UTF-16 unit.
const DOT_ATOM_ASCII = /^[!#-'*+\-/-9=?A-Z^-~]+(?:\.[!#-'*+\-/-9=?A-Z^-~]+)*$/;
const DOT_ATOM_UTF8 = /^[!#-'*+\-/-9=?A-Z^-~\u0080-\uffff]+(?:\.[!#-'*+\-/-9=?A-Z^-~\u0080-\uffff]+)*$/;
// RFC 5321 sub-domain = Let-dig [Ldh-str], at least two of them; RFC 8601 §1.5.2 U-labels.
const DOMAIN_ASCII = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const DOMAIN_UTF8 =
  /^[A-Za-z0-9\u0080-\uffff](?:[A-Za-z0-9\u0080-\uffff-]*[A-Za-z0-9\u0080-\uffff])?(?:\.[A-Za-z0-9\u0080-\uffff](?:[A-Za-z0-9\u0080-\uffff-]*[A-Za-z0-9\u0080-\uffff])?)+$/;

/** RFC 2045 §5.1 `token`, US-ASCII only. */
export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

/** RFC 5321 §4.1.2 `Keyword = Ldh-str`: letters, digits and hyphens, not ending in a hyphen. */
export function isKeyword(s: string): boolean {
  return /^[A-Za-z0-9-]*[A-Za-z0-9]$/.test(s);
}

/** RFC 5322 §3.2.3 `dot-atom-text = 1*atext *("." 1*atext)`. */
export function isDotAtomText(s: string, utf8: boolean): boolean {
  return (utf8 ? DOT_ATOM_UTF8 : DOT_ATOM_ASCII).test(s);
}

/**
 * RFC 6376 §3.5 `domain-name = sub-domain 1*("." sub-domain)` with RFC 5321 `sub-domain =
 * Let-dig [Ldh-str]`; `utf8` admits U-labels (RFC 8601 §1.5.2).
 */
export function isDomainName(s: string, utf8: boolean): boolean {
  return (utf8 ? DOMAIN_UTF8 : DOMAIN_ASCII).test(s);
}

/** RFC 5322 §3.2.4: a whole quoted-string, quotes included, without surrounding CFWS. */
export function isQuotedString(s: string): boolean {
  return /^"(?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[^\x00-\x08\x0a-\x1f\x7f])*"$/.test(s);
}

/**
 * RFC 8601 §2.2 `pvalue` in its address form, `[ [ local-part ] "@" ] domain-name`, with
 * RFC 5322 §3.4.1 `local-part = dot-atom / quoted-string` (RFC 6531 adds UTF-8 when `utf8`).
 */
export function isAddressValue(s: string, utf8: boolean): boolean {
  const at = s.lastIndexOf('@');
  if (at === -1) return false;
  const local = s.slice(0, at);
  if (!isDomainName(s.slice(at + 1), utf8)) return false;
  if (local === '') return true;
  if (local.startsWith('"')) return isQuotedString(local) && (utf8 || !/[^\x00-\x7f]/.test(local));
  return isDotAtomText(local, utf8);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Anything `sanitizeText` might change: most text has none, and is returned as it is. */
const MAYBE_UNWRITABLE = /[\x00-\x08\x0a-\x1f\x7f\uD800-\uDFFF]/;
/** Anything `normalizeComment` changes in sanitized text: a TAB, a run of spaces, an edge space. */
const UNNORMALIZED_SPACE = /\t| {2}|^ | $/;

/**
 * Makes free text writable in a field: RFC 5322 §2.2 allows no control characters in a field
 * body and RFC 7208 §9.1 says the verifier MUST keep invalid characters out, so each run of
 * controls (CR and LF included, TAB excepted) becomes one space; a lone UTF-16 surrogate, which
 * has no UTF-8 form, becomes U+FFFD.
 */
export function sanitizeText(s: string): string {
  if (!MAYBE_UNWRITABLE.test(s)) return s;
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f]+/g, ' ').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * The form in which comments are kept: sanitized, runs of white space as one space, trimmed.
 * A comment is human-readable text (RFC 5322 §3.2.2), and normalizing it lets the builder fold
 * inside a comment with any indentation and still read back the same text.
 */
export function normalizeComment(s: string): string {
  const clean = sanitizeText(s);
  if (!UNNORMALIZED_SPACE.test(clean)) return clean;
  return clean.replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
}

/** RFC 5322 §3.2.4: a quoted-string, `"` and `\` written as quoted-pairs. */
export function quoteString(s: string): string {
  return /["\\]/.test(s) ? `"${s.replace(/["\\]/g, '\\$&')}"` : `"${s}"`;
}

/** RFC 5322 §3.2.2: comment content with `(`, `)` and `\` written as quoted-pairs. */
export function escapeComment(s: string): string {
  return /[()\\]/.test(s) ? s.replace(/[()\\]/g, '\\$&') : s;
}

/**
 * How a `value` (RFC 8601 §2.2, RFC 2045 §5.1 `token / quoted-string`) is written: as a token
 * when it is one, else quoted. Values longer than `MAX_UNQUOTED` are quoted as well, so that
 * folding can break them (a token cannot be folded).
 */
export function writeValue(s: string): string {
  const clean = sanitizeText(s);
  return isToken(clean) && clean.length <= MAX_UNQUOTED ? clean : quoteString(clean);
}

/** RFC 8601 §2.2 `pvalue`: a value, or an address written as is when it is valid US-ASCII. */
export function writePvalue(s: string): string {
  const clean = sanitizeText(s);
  if (clean.length <= MAX_UNQUOTED && isAddressValue(clean, false)) return clean;
  return writeValue(clean);
}

/** Longest word written without quotes; far below the 998-octet line limit of RFC 5322 §2.1.1. */
export const MAX_UNQUOTED = 512;
