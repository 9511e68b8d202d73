import { isNonAscii, isTokenChar } from './lexical.js';

/**
 * The authserv-id of an Authentication-Results field value, read even when the rest of the
 * field is malformed, or undefined when there is none.
 *
 * RFC 8601 §5: an MTA MUST delete the fields that claim its own authserv-id, so this reader
 * leans towards finding one: it skips folding, white space (Unicode white space included, as a
 * consumer's `trim()` would), control characters and (nested) comments before the id; it takes a quoted-string's content with surrounding white space
 * trimmed (a lax consumer might trim it), and, when the closing quote is missing, the content up
 * to the first `;` (where a consumer that splits on `;` would stop); it takes an unquoted id up
 * to the first character that cannot be in an RFC 2045 token, so `example.com/x` reads as
 * `example.com`. Compare the result with your own id case-insensitively. Never throws.
 */
export function parseAuthservId(folded: string): string | undefined {
  // RFC 5322 §2.2.3: unfold first, so that a fold right after a backslash reads as the parser reads it.
  const value = folded.replace(/\r?\n(?=[ \t])/g, '');
  const start = skipCfws(value, 0);
  if (start === undefined || start >= value.length) return undefined;
  const id = value[start] === '"' ? quotedId(value, start + 1) : unquotedId(value, start);
  return id === '' ? undefined : id;
}

/** Index after white space, line ends, control characters and comments; undefined inside an
 * unterminated comment (then there is no id to read). */
function skipCfws(value: string, from: number): number | undefined {
  let depth = 0;
  for (let i = from; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && depth > 0) i++;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0 && !isBlank(c)) return i;
  }
  return depth > 0 ? undefined : value.length;
}

function quotedId(value: string, from: number): string {
  let id = '';
  for (let i = from; i < value.length; i++) {
    const c = value[i]!;
    if (c === '"') return trimSpace(id);
    if (c === '\\' && i + 1 < value.length) id += value[++i];
    else if (c !== '\r' && c !== '\n') id += c;
  }
  const semicolon = id.indexOf(';');
  return trimSpace(semicolon === -1 ? id : id.slice(0, semicolon));
}

function unquotedId(value: string, from: number): string {
  let end = from;
  while (end < value.length && (isTokenChar(value[end]!) || (isNonAscii(value[end]!) && !isBlank(value[end]!)))) end++;
  return value.slice(from, end);
}

/** White space in the widest sense (JavaScript's `\s`, which includes U+00A0 and U+FEFF, as a
 * consumer's `trim()` does) or a control character. */
function isBlank(c: string): boolean {
  return /[\s\x00-\x1f\x7f]/.test(c);
}

function trimSpace(s: string): string {
  return s.replace(/^[\s\x00-\x1f\x7f]+|[\s\x00-\x1f\x7f]+$/g, '');
}
