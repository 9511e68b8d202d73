import { problem, type DkimProblem } from './errors.js';

/** A parsed tag-list: tag names (case kept, RFC 6376 §3.2: tags are case-sensitive) to values. */
export type TagList = Map<string, string>;

export type TagListResult = { ok: true; tags: TagList } | { ok: false; problem: DkimProblem };

const SEMICOLON = 0x3b;

/**
 * Parses a tag-list (RFC 6376 §3.2): `tag-spec *( ";" tag-spec ) [ ";" ]`, white space allowed
 * around names, `=` and values but kept inside values. A duplicate tag makes the whole list
 * invalid. Values are checked to be VALCHARs and white space; octets above 0x7F are accepted, as the
 * section's implementation note advises (UTF-8 in future tag values). Written as a scan rather than
 * with split and regular expressions: every signature of every message goes through it.
 */
export function parseTagList(text: string): TagListResult {
  const tags: TagList = new Map();
  for (let start = 0; ; ) {
    let end = text.indexOf(';', start);
    const last = end === -1;
    if (last) end = text.length;
    const from = skipFws(text, start, end);
    if (from === end) {
      // Only the optional final ";" may leave an empty tag-spec behind.
      if (last && start > 0) return { ok: true, tags };
      return { ok: false, problem: problem('tag-syntax', 'empty tag-spec') };
    }
    const equals = text.indexOf('=', from);
    if (equals === -1 || equals >= end) return { ok: false, problem: problem('tag-syntax', `"${clip(text.slice(from, end))}" is not tag=value`) };
    const name = text.slice(from, trimEnd(text, from, equals));
    if (!isTagName(name)) return { ok: false, problem: problem('tag-syntax', `"${clip(name)}" is not a tag name`) };
    const valueStart = skipFws(text, equals + 1, end);
    const value = text.slice(valueStart, trimEnd(text, valueStart, end));
    if (!isTagValue(value)) return { ok: false, problem: problem('tag-syntax', `the value of ${name}= has a control character`) };
    if (tags.has(name)) return { ok: false, problem: problem('duplicate-tag', `tag ${name}= appears twice`) };
    tags.set(name, value);
    if (last) return { ok: true, tags };
    start = end + 1;
  }
}

/** Writes a tag-list in the usual `a=1; b=2` form; `parseTagList` reads it back unchanged. */
export function formatTagList(tags: Iterable<readonly [string, string]>): string {
  const specs: string[] = [];
  for (const [name, value] of tags) specs.push(`${name}=${value}`);
  return specs.join('; ');
}

/** Removes FWS/WSP at both ends (RFC 6376 §2.8). */
export function trimFws(text: string): string {
  const start = skipFws(text, 0, text.length);
  return text.slice(start, trimEnd(text, start, text.length));
}

const FWS_RUN = /[ \t\r\n]+/g;

/** Removes every FWS/WSP character: for base64 values and colon lists, where it carries no meaning. */
export function stripFws(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (isFws(text.charCodeAt(i))) return text.replace(FWS_RUN, '');
  }
  return text;
}

function isFws(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function skipFws(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && isFws(text.charCodeAt(i))) i++;
  return i;
}

function trimEnd(text: string, from: number, to: number): number {
  let i = to;
  while (i > from && isFws(text.charCodeAt(i - 1))) i--;
  return i;
}

// RFC 6376 §3.2: tag-name = ALPHA *ALNUMPUNC, ALNUMPUNC = ALPHA / DIGIT / "_".
function isTagName(name: string): boolean {
  if (name.length === 0 || !isAlpha(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isAlpha(c) && !(c >= 0x30 && c <= 0x39) && c !== 0x5f) return false;
  }
  return true;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

// RFC 6376 §3.2: VALCHAR = %x21-3A / %x3C-7E, separated by WSP/FWS; no semicolon (it ends the spec).
function isTagValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isFws(c)) continue;
    if (c < 0x21 || c === 0x7f || c === SEMICOLON) return false;
  }
  return true;
}

function clip(text: string): string {
  const trimmed = trimFws(text);
  return trimmed.length > 40 ? `${trimmed.slice(0, 40)}...` : trimmed;
}
