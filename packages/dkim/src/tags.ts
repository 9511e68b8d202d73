import { problem, type DkimProblem } from './errors.js';

/** A parsed tag-list: tag names (case kept, RFC 6376 §3.2: tags are case-sensitive) to values. */
export type TagList = Map<string, string>;

export type TagListResult = { ok: true; tags: TagList } | { ok: false; problem: DkimProblem };

// RFC 6376 §3.2: tag-name = ALPHA *ALNUMPUNC.
const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
// RFC 6376 §2.8: FWS and WSP; in an unfolded value a fold is CRLF followed by WSP.
const WHITESPACE = /^[ \t\r\n]*|[ \t\r\n]*$/g;

/**
 * Parses a tag-list (RFC 6376 §3.2): `tag-spec *( ";" tag-spec ) [ ";" ]`, white space allowed
 * around names, `=` and values but kept inside values. A duplicate tag makes the whole list
 * invalid. Values are checked to be VALCHARs and white space; octets above 0x7F are accepted, as the
 * section's implementation note advises (UTF-8 in future tag values).
 */
export function parseTagList(text: string): TagListResult {
  const specs = text.split(';');
  // The optional final ";" leaves one empty spec behind.
  if (specs.length > 1 && trimFws(specs[specs.length - 1]!) === '') specs.pop();
  const tags: TagList = new Map();
  for (const spec of specs) {
    const equals = spec.indexOf('=');
    if (equals === -1) return { ok: false, problem: problem('tag-syntax', `"${clip(spec)}" is not tag=value`) };
    const name = trimFws(spec.slice(0, equals));
    if (!TAG_NAME.test(name)) return { ok: false, problem: problem('tag-syntax', `"${clip(name)}" is not a tag name`) };
    const value = trimFws(spec.slice(equals + 1));
    if (!isTagValue(value)) return { ok: false, problem: problem('tag-syntax', `the value of ${name}= has a control character`) };
    if (tags.has(name)) return { ok: false, problem: problem('duplicate-tag', `tag ${name}= appears twice`) };
    tags.set(name, value);
  }
  return { ok: true, tags };
}

/** Writes a tag-list in the usual `a=1; b=2` form; `parseTagList` reads it back unchanged. */
export function formatTagList(tags: Iterable<readonly [string, string]>): string {
  const specs: string[] = [];
  for (const [name, value] of tags) specs.push(`${name}=${value}`);
  return specs.join('; ');
}

export function trimFws(text: string): string {
  return text.replace(WHITESPACE, '');
}

/** Removes every FWS/WSP character: for base64 values and colon lists, where it carries no meaning. */
export function stripFws(text: string): string {
  return text.replace(/[ \t\r\n]+/g, '');
}

// RFC 6376 §3.2: VALCHAR = %x21-3A / %x3C-7E, separated by WSP/FWS; no semicolon (it ends the spec).
function isTagValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) continue;
    if (c < 0x21 || c === 0x7f) return false;
  }
  return true;
}

function clip(text: string): string {
  const trimmed = trimFws(text);
  return trimmed.length > 40 ? `${trimmed.slice(0, 40)}...` : trimmed;
}
