import { AuthresError } from './errors.js';
import { breakableWord, foldGroups, tokenWord, width, withSuffix, type Word } from './fold.js';
import { escapeComment, isDotAtomText, MAX_UNQUOTED, normalizeComment, quoteString, sanitizeText } from './lexical.js';
import type { ReceivedSpfData } from './types.js';

const FIELD_NAME = 'Received-SPF';

/** RFC 7208 §9.1 `result`: the seven SPF results. */
export const RECEIVED_SPF_RESULTS: readonly string[] = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror'];

/** RFC 7208 §9.1 `key`: the named keys, in the order they are written (that of the RFC's examples). */
export const RECEIVED_SPF_KEYS = [
  ['receiver', 'receiver'],
  ['clientIp', 'client-ip'],
  ['envelopeFrom', 'envelope-from'],
  ['helo', 'helo'],
  ['identity', 'identity'],
  ['mechanism', 'mechanism'],
  ['problem', 'problem'],
] as const satisfies ReadonlyArray<readonly [keyof ReceivedSpfData, string]>;

/**
 * The value of a Received-SPF field (RFC 7208 §9.1), without the field name and without a final
 * CRLF: `result (comment) key=value; key=value`, folded at 78 columns counting the field name.
 *
 * Values that are not US-ASCII dot-atoms are quoted, as the grammar requires (so
 * `envelope-from="user@example.com"` and `client-ip="2001:db8::1"`); control characters in text
 * become spaces (§9.1: no invalid characters). Throws `AuthresError` for a result outside the
 * seven of §9.1 or an extension key that is not a name.
 */
export function formatReceivedSpf(data: ReceivedSpfData): string {
  const result = data.result.toLowerCase();
  if (!RECEIVED_SPF_RESULTS.includes(result)) {
    throw new AuthresError('invalid-spf-result', `"${data.result}" is not an SPF result (RFC 7208 §9.1)`);
  }
  const words: Word[] = [tokenWord(result)];
  // RFC 7208 §9.1: a "(...)" comment after the result SHOULD convey supporting information.
  if (data.comment !== undefined) words.push(breakableWord('comment', `(${escapeComment(normalizeComment(data.comment))})`));
  const pairs = keyValues(data).map(([key, value]) => pairWord(key, value));
  words.push(...pairs.map((word, index) => (index < pairs.length - 1 ? withSuffix(word, ';') : word)));
  return foldGroups([words], { prefixWidth: width(`${FIELD_NAME}: `), groupIndent: '\t', wrapIndent: '\t' });
}

/** The whole field, `Received-SPF: ` and the folded value, without a final CRLF. */
export function receivedSpfField(data: ReceivedSpfData): string {
  return `${FIELD_NAME}: ${formatReceivedSpf(data)}`;
}

function keyValues(data: ReceivedSpfData): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [member, key] of RECEIVED_SPF_KEYS) {
    const value = data[member];
    if (value !== undefined) pairs.push([key, value]);
  }
  for (const { key, value } of data.extensions ?? []) pairs.push([extensionKey(key), value]);
  return pairs;
}

// RFC 7208 §9.1: key = ... / name, with name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) (§7.1).
function extensionKey(key: string): string {
  const lower = key.toLowerCase();
  if (!/^[a-z][a-z0-9_.-]*$/.test(lower)) throw new AuthresError('invalid-keyword', `Received-SPF key ${JSON.stringify(key)} is not a name`);
  if (RECEIVED_SPF_KEYS.some(([, named]) => named === lower)) {
    throw new AuthresError('invalid-keyword', `Received-SPF key "${lower}" has its own member; it cannot be an extension`);
  }
  return lower;
}

// RFC 7208 §9.1: key-value-pair = key [CFWS] "=" ( dot-atom / quoted-string )
function pairWord(key: string, value: string): Word {
  const clean = sanitizeText(value);
  if (clean.length <= MAX_UNQUOTED && isDotAtomText(clean, false)) return tokenWord(`${key}=${clean}`);
  return breakableWord('quoted', `${key}=${quoteString(clean)}`);
}
