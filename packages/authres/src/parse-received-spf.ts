import type { AuthresProblem } from './errors.js';
import { RECEIVED_SPF_KEYS, RECEIVED_SPF_RESULTS } from './received-spf.js';
import { excerpt, fail, joinComments, runParser, Scanner } from './scanner.js';
import type { ReceivedSpfData } from './types.js';

export type ReceivedSpfParseResult = { ok: true; value: ReceivedSpfData } | { ok: false; problem: AuthresProblem };

/**
 * Parses a Received-SPF field value (RFC 7208 §9.1): the result, the comment after it, and the
 * key-value list. Keys and the result come back in lower case; the comment is
 * whitespace-normalized like Authentication-Results comments.
 *
 * One leniency, taken from the RFC itself: its third example writes `mechanism=ip4:192.0.2.1`,
 * which is not a dot-atom, and verifiers commonly write `client-ip=2001:db8::1` the same way, so
 * an unquoted value is any run of visible characters other than `;`, `(`, `)` and `"`. Never
 * throws.
 */
export function parseReceivedSpf(value: string): ReceivedSpfParseResult {
  return runParser(() => parseField(new Scanner(value)));
}

// RFC 7208 §9.1: [CFWS] result FWS [comment FWS] [ key-value-list ]
function parseField(s: Scanner): ReceivedSpfData {
  s.cfws();
  if (s.atEnd()) fail('empty', 'the field has no result');
  const result = s.keyword().toLowerCase();
  if (!RECEIVED_SPF_RESULTS.includes(result)) fail('malformed-spf-result', `expected an SPF result ${s.where()}`);
  const data: ReceivedSpfData = { result };
  const gap = s.cfws();
  const comment = joinComments(gap.comments);
  if (comment !== undefined) data.comment = comment;
  if (s.atEnd()) return data;
  if (!gap.any) fail('unexpected-text', `expected white space after the result ${s.where()}`);
  keyValueList(s, data);
  return data;
}

// RFC 7208 §9.1: key-value-list = key-value-pair *( ";" [CFWS] key-value-pair ) [";"]
function keyValueList(s: Scanner, data: ReceivedSpfData): void {
  const seen = new Set<string>();
  for (;;) {
    const [key, value] = keyValuePair(s);
    if (seen.has(key)) fail('duplicate-key', `key ${excerpt(key)} appears twice`);
    seen.add(key);
    store(data, key, value);
    s.cfws();
    if (s.atEnd()) return;
    if (!s.eat(';')) fail('unexpected-text', `expected ";" between key-value pairs ${s.where()}`);
    s.cfws();
    if (s.atEnd()) return;
  }
}

// RFC 7208 §9.1: key-value-pair = key [CFWS] "=" ( dot-atom / quoted-string )
function keyValuePair(s: Scanner): [string, string] {
  const key = s.run((c) => /[A-Za-z0-9_.-]/.test(c)).toLowerCase();
  if (!/^[a-z]/.test(key)) fail('malformed-key-value', `expected a key ${s.where()}`);
  s.cfws();
  if (!s.eat('=')) fail('malformed-key-value', `expected "=" after ${excerpt(key)} ${s.where()}`);
  s.cfws();
  if (s.peek() === '"') return [key, s.quotedString().content];
  const value = s.bareword();
  if (value === '') fail('malformed-key-value', `expected a value for ${excerpt(key)} ${s.where()}`);
  return [key, value];
}

function store(data: ReceivedSpfData, key: string, value: string): void {
  const named = RECEIVED_SPF_KEYS.find(([, name]) => name === key);
  if (named) data[named[0]] = value;
  else (data.extensions ??= []).push({ key, value });
}
