import type { AuthresProblem } from './errors.js';
import { isAddressValue, isDomainName, isKeyword, isNonAscii, isTokenChar } from './lexical.js';
import { isRegisteredPtype } from './ptypes.js';
import { excerpt, fail, joinComments, runParser, Scanner, type Gap } from './scanner.js';
import type { AuthenticationResults, MethodResult } from './types.js';

export type AuthresParseResult =
  | { ok: true; value: AuthenticationResults }
  | { ok: false; problem: AuthresProblem };

/**
 * Parses an Authentication-Results field value (the text after the colon, folded or not) by the
 * grammar of RFC 8601 §2.2, with CFWS wherever it allows it.
 *
 * Keywords (method, result, ptype, property) come back in lower case. A comment right after a
 * result or a property value is kept in that item's `comment` (several are joined by a space);
 * comments elsewhere are white space (RFC 5322 §3.2.2) and are dropped. A version written after
 * the authserv-id or a method is kept as written. Never throws.
 */
export function parseAuthenticationResults(value: string): AuthresParseResult {
  return runParser(() => parsePayload(new Scanner(value)));
}

// RFC 8601 §2.2: authres-payload = [CFWS] authserv-id [ CFWS authres-version ]
//                                  ( no-result / 1*resinfo ) [CFWS] CRLF
function parsePayload(s: Scanner): AuthenticationResults {
  s.cfws();
  if (s.atEnd()) fail('empty', 'the field has no authserv-id');
  const authservId = s.value();
  // RFC 8601 §2.5: the id names the authentication service; an empty one names nothing.
  if (!authservId) fail('malformed-authserv-id', `expected a non-empty token or quoted-string ${s.where()}`);
  const ar: AuthenticationResults = { authservId, results: [] };
  const gap = s.cfws();
  if (isDigit(s.peek()) && gap.any) ar.version = fieldVersion(s);
  if (s.atEnd()) fail('missing-results', 'expected "; none" or "; method=result" after the authserv-id');
  if (!s.eat(';')) fail('unexpected-text', `expected ";" after the authserv-id ${s.where()}`);
  s.cfws();
  if (noResult(s)) return ar;
  for (;;) {
    ar.results.push(resinfo(s));
    if (s.atEnd()) return ar;
    s.eat(';');
    s.cfws();
  }
}

// RFC 8601 §2.6: a parser that finds a version it does not know "can immediately discontinue
// trying to parse, since what follows might not be in an expected format"; this is version 1.
function fieldVersion(s: Scanner): number {
  const digits = s.run(isDigit);
  if (Number(digits) !== 1) fail('unsupported-version', `field version ${excerpt(digits)} is not 1 (RFC 8601 §2.6)`);
  s.cfws();
  return 1;
}

// RFC 8601 §2.2: no-result = [CFWS] ";" [CFWS] "none" (the ";" is already read). A method may
// itself be called "none", so "none" followed by "=" or "/" is a resinfo.
function noResult(s: Scanner): boolean {
  const start = s.pos;
  if (s.keyword().toLowerCase() !== 'none') {
    s.pos = start;
    return false;
  }
  s.cfws();
  if (s.atEnd()) return true;
  if (s.peek() === '=' || s.peek() === '/') {
    s.pos = start;
    return false;
  }
  fail('unexpected-text', `"none" must end the field, found text ${s.where()}`);
}

// RFC 8601 §2.2: resinfo = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
// Returns with the scanner at the next ";" or at the end.
function resinfo(s: Scanner): MethodResult {
  const result = methodspec(s);
  let gap = s.cfws();
  const comment = joinComments(gap.comments);
  if (comment !== undefined) result.comment = comment;
  let last: 'result' | 'reason' | 'property' = 'result';
  while (!s.atEnd() && s.peek() !== ';') {
    // CFWS must separate the result, the reason and the first propspec; propspecs need none
    // between them, as pvalue's own CFWS is optional.
    if (!gap.any && last !== 'property') fail('unexpected-text', `expected white space before ${s.where()}`);
    [last, gap] = reasonOrProperty(s, result);
  }
  return result;
}

// RFC 8601 §2.2: methodspec = [CFWS] method [CFWS] "=" [CFWS] result
//                method = Keyword [ [CFWS] "/" [CFWS] method-version ]
function methodspec(s: Scanner): MethodResult {
  const method = s.keyword();
  if (!isKeyword(method)) fail('malformed-method', `expected a method keyword ${s.where()}`);
  s.cfws();
  let version: number | undefined;
  if (s.eat('/')) {
    s.cfws();
    const digits = s.run(isDigit);
    version = Number(digits);
    if (digits === '' || !Number.isSafeInteger(version)) fail('malformed-method', `bad version of method ${excerpt(method)} ${s.where()}`);
    s.cfws();
  }
  if (!s.eat('=')) fail('malformed-method', `expected "=" after method ${excerpt(method)} ${s.where()}`);
  s.cfws();
  const result = s.keyword();
  if (!isKeyword(result)) fail('malformed-result', `expected a result keyword for method ${excerpt(method)} ${s.where()}`);
  const out: MethodResult = { method: method.toLowerCase(), result: result.toLowerCase(), properties: [] };
  if (version !== undefined) out.version = version;
  return out;
}

// RFC 8601 §2.2: reasonspec = "reason" [CFWS] "=" [CFWS] value, before any propspec. A ptype may
// also be called "reason", so "reason" followed by "." is a propspec.
function reasonOrProperty(s: Scanner, result: MethodResult): ['reason' | 'property', Gap] {
  const word = s.keyword();
  if (!isKeyword(word)) fail('malformed-property', `expected a reason or property ${s.where()}`);
  s.cfws();
  if (word.toLowerCase() !== 'reason' || s.peek() !== '=') return ['property', propspec(s, word, result)];
  if (result.reason !== undefined || result.properties.length > 0 || result.extensionProperties) {
    fail('malformed-reason', `reason= must come once, before the properties ${s.where()}`);
  }
  s.pos++;
  s.cfws();
  const reason = s.value();
  if (reason === undefined) fail('malformed-reason', `expected a token or quoted-string ${s.where()}`);
  result.reason = reason;
  return ['reason', s.cfws()];
}

// RFC 8601 §2.2: propspec = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
// (the ptype and the CFWS after it are already read).
function propspec(s: Scanner, ptypeWord: string, result: MethodResult): Gap {
  if (!s.eat('.')) fail('malformed-property', `expected "." after ${excerpt(ptypeWord)} ${s.where()}`);
  s.cfws();
  const property = s.keyword();
  if (!isKeyword(property)) fail('malformed-property', `expected a property after ${excerpt(`${ptypeWord}.`)} ${s.where()}`);
  s.cfws();
  if (!s.eat('=')) fail('malformed-property', `expected "=" after ${excerpt(`${ptypeWord}.${property}`)} ${s.where()}`);
  s.cfws();
  const value = pvalue(s);
  const gap = s.cfws();
  const ptype = ptypeWord.toLowerCase();
  const comment = joinComments(gap.comments);
  const item = { property: property.toLowerCase(), value, ...(comment !== undefined && { comment }) };
  // RFC 8601 §2.3: results with unknown ptypes "can be safely ignored by consumers"; they are
  // kept apart so that §4.1 (MUST ignore) is easy to honour.
  if (isRegisteredPtype(ptype)) result.properties.push({ ptype, ...item });
  else (result.extensionProperties ??= []).push({ ptype, ...item });
  return gap;
}

// RFC 8601 §2.2: pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]
// (the CFWS around it is read by the caller). A quoted local-part is kept with its quotes, so
// that the address stays an address.
function pvalue(s: Scanner): string {
  if (s.peek() === '"') {
    const quoted = s.quotedString();
    if (!s.eat('@')) return quoted.content;
    const domain = s.bareword();
    if (!isDomainName(domain, true)) fail('malformed-value', `expected a domain name after ${excerpt(`${quoted.raw}@`)} ${s.where()}`);
    return `${quoted.raw}@${domain}`;
  }
  const start = s.pos;
  const word = s.bareword();
  if (word === '') fail('malformed-value', `expected a property value ${s.where()}`);
  if (isLenientToken(word) || isAddressValue(word, true)) return word;
  s.pos = start;
  fail('malformed-value', `${excerpt(word)} is neither a token nor [local-part]@domain-name; it needs quotes ${s.where()}`);
}

function isLenientToken(word: string): boolean {
  for (const c of word) if (!isTokenChar(c) && !isNonAscii(c)) return false;
  return true;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
