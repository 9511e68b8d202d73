import { AuthresError } from './errors.js';
import { breakableWord, foldGroups, tokenWord, width, withSuffix, type Word } from './fold.js';
import { escapeComment, isKeyword, normalizeComment, writePvalue, writeValue } from './lexical.js';
import { isRegisteredPtype } from './ptypes.js';
import type { AuthenticationResults, ExtensionProperty, MethodResult, ResultProperty } from './types.js';

const FIELD_NAME = 'Authentication-Results';

/**
 * The value of an Authentication-Results field (RFC 8601 §2.2), without the field name and
 * without a final CRLF, folded for the name: on one line when it fits in 78 columns, otherwise
 * with each method result on a line of its own, starting `CRLF TAB`, and long results folded at
 * their white space.
 *
 * Keywords are written in lower case; values that are not RFC 2045 tokens (or, for property
 * values, `[local-part]@domain-name`) are quoted; comments have `(`, `)` and `\` escaped; control
 * characters in text become spaces. Throws `AuthresError` only for data that has no RFC 8601
 * form: a method, result, ptype or property that is not a keyword, an empty authserv-id, or a
 * field version other than 1.
 */
export function formatAuthenticationResults(ar: AuthenticationResults): string {
  const groups: Word[][] = [head(ar)];
  // RFC 8601 §2.2: no-result = [CFWS] ";" [CFWS] "none", when no method was applied.
  if (ar.results.length === 0) groups.push([tokenWord('none')]);
  for (const result of ar.results) groups.push(resinfo(result));
  const separated = groups.map((group, index) =>
    index < groups.length - 1 ? [...group.slice(0, -1), withSuffix(group[group.length - 1]!, ';')] : group,
  );
  return foldGroups(separated, { prefixWidth: width(`${FIELD_NAME}: `), groupIndent: '\t', wrapIndent: '\t  ' });
}

/** The whole field, `Authentication-Results: ` and the folded value, without a final CRLF. */
export function authenticationResultsField(ar: AuthenticationResults): string {
  return `${FIELD_NAME}: ${formatAuthenticationResults(ar)}`;
}

// RFC 8601 §2.2: authserv-id [ CFWS authres-version ]
function head(ar: AuthenticationResults): Word[] {
  const id = writeValue(ar.authservId);
  if (id === '""') throw new AuthresError('invalid-authserv-id', 'the authserv-id is empty (RFC 8601 §2.5)');
  const words = [valueWord(id)];
  if (ar.version !== undefined) {
    // RFC 8601 §2.6: this package writes the version 1 syntax only.
    if (ar.version !== 1) throw new AuthresError('unsupported-version', `field version ${ar.version} is not 1`);
    words.push(tokenWord('1'));
  }
  return words;
}

// RFC 8601 §2.2: methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
function resinfo(result: MethodResult): Word[] {
  const method = keyword(result.method, 'method');
  const version = result.version === undefined ? '' : `/${methodVersion(result.version)}`;
  const words = [tokenWord(`${method}${version}=${keyword(result.result, 'result')}`)];
  if (result.comment !== undefined) words.push(commentWord(result.comment));
  if (result.reason !== undefined) words.push(valueWord(`reason=${writeValue(result.reason)}`));
  for (const property of result.properties) {
    if (!isRegisteredPtype(property.ptype)) {
      throw new AuthresError('invalid-ptype', `ptype "${property.ptype}" is not registered; use extensionProperties`);
    }
    words.push(...propspec(property));
  }
  for (const property of result.extensionProperties ?? []) {
    if (isRegisteredPtype(property.ptype.toLowerCase())) {
      throw new AuthresError('invalid-ptype', `ptype "${property.ptype}" is registered; use properties`);
    }
    words.push(...propspec(property));
  }
  return words;
}

// RFC 8601 §2.2: propspec = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
function propspec(property: ResultProperty | ExtensionProperty): Word[] {
  const name = `${keyword(property.ptype, 'ptype')}.${keyword(property.property, 'property')}`;
  const words = [valueWord(`${name}=${writePvalue(property.value)}`)];
  if (property.comment !== undefined) words.push(commentWord(property.comment));
  return words;
}

/** A written value: foldable inside when it holds a quoted-string. */
function valueWord(text: string): Word {
  return text.includes('"') ? breakableWord('quoted', text) : tokenWord(text);
}

function commentWord(comment: string): Word {
  return breakableWord('comment', `(${escapeComment(normalizeComment(comment))})`);
}

// RFC 8601 §2.2: method, result, ptype and property are RFC 5321 Keywords.
function keyword(value: string, what: string): string {
  if (!isKeyword(value)) throw new AuthresError('invalid-keyword', `${what} ${JSON.stringify(value)} is not a keyword (RFC 5321 §4.1.2)`);
  return value.toLowerCase();
}

// RFC 8601 §2.2: method-version = 1*DIGIT
function methodVersion(version: number): string {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new AuthresError('invalid-version', `method version ${version} is not a non-negative integer`);
  }
  return String(version);
}
