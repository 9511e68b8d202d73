import { problem, show } from './errors.js';
import type { SpfProblem } from './errors.js';

/** RFC 7208 §7.2 macro letters. */
export type MacroLetter = 's' | 'l' | 'o' | 'd' | 'i' | 'p' | 'h' | 'c' | 'r' | 't' | 'v';

/** `%{letter digits r delimiters}` (RFC 7208 §7.1 macro-expand). */
export interface MacroExpand {
  kind: 'macro';
  letter: MacroLetter;
  /** An upper-case letter: the value is URL-escaped after expansion (§7.3). */
  escape: boolean;
  /** Keep this many right-hand parts; 0 = all (§7.3). */
  digits: number;
  reverse: boolean;
  /** Split characters; '' means the default '.' (§7.3). */
  delimiters: string;
}

/** One piece of a macro-string: literal text, `%%` / `%_` / `%-`, or a macro. */
export type MacroPart = { kind: 'text'; text: string } | { kind: 'escape'; char: '%' | '_' | '-' } | MacroExpand;

/** A parsed macro-string, domain-spec or explain-string. */
export interface MacroString {
  parts: MacroPart[];
  /** The expansion when the string has no macro letter, so evaluation can skip expanding. */
  constant?: string;
  /** Uses %{p}, which needs DNS before expanding (§7.3). */
  usesP: boolean;
}

/**
 * Where a macro-string appears, which decides what it may contain:
 * - `domain-spec`: mechanism and redirect/exp arguments; c, r, t are "allowed only in exp text"
 *   (§7.2) and the string must end as a domain (§7.1 domain-end).
 * - `modifier`: the value of an unknown modifier; any macro-string (§4.6.1, §12).
 * - `explanation`: the TXT text fetched for exp=, an explain-string that may also contain SP.
 */
export type MacroContext = 'domain-spec' | 'modifier' | 'explanation';

export type MacroParse = { ok: true; macro: MacroString } | { ok: false; problem: SpfProblem };

const LETTERS = 'slodiphcrtv';
const EXP_ONLY = 'crt';
const DELIMITERS = '.-+,/_=';
const ESCAPED: Record<'%' | '_' | '-', string> = { '%': '%', _: ' ', '-': '%20' };

/** Parses a macro-string per RFC 7208 §7.1 for the given context. */
export function parseMacroString(text: string, context: MacroContext): MacroParse {
  const parts: MacroPart[] = [];
  let usesP = false;
  let literalStart = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code !== 0x25) {
      // §7.1 macro-literal = %x21-24 / %x26-7E; explain-string adds SP.
      if (code > 0x7e || code < 0x20 || (code === 0x20 && context !== 'explanation')) {
        return fail('syntax-error', `character ${show(text[i] as string)} not allowed in ${show(text)}`);
      }
      i++;
      continue;
    }
    if (i > literalStart) parts.push({ kind: 'text', text: text.slice(literalStart, i) });
    const next = text[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      parts.push({ kind: 'escape', char: next });
      i += 2;
    } else if (next === '{') {
      const parsed = parseExpand(text, i + 2, context);
      if (typeof parsed === 'string') return fail('invalid-macro', `${parsed} in ${show(text)}`);
      parts.push(parsed.macro);
      usesP ||= parsed.macro.letter === 'p';
      i = parsed.end;
    } else {
      // §7.3: "A '%' character not followed by a '{', '%', '-', or '_' character is a syntax error."
      return fail('invalid-macro', `'%' not followed by '{', '%', '-' or '_' in ${show(text)}`);
    }
    literalStart = i;
  }
  if (i > literalStart) parts.push({ kind: 'text', text: text.slice(literalStart) });
  if (context === 'domain-spec' && !hasDomainEnd(parts)) {
    return fail('invalid-domain-spec', `${show(text)} does not end in a macro or a valid top label`);
  }
  const macro: MacroString = { parts, usesP };
  if (parts.every((part) => part.kind !== 'macro')) macro.constant = expandMacro(macro, undefined);
  return { ok: true, macro };
}

function fail(code: 'syntax-error' | 'invalid-macro' | 'invalid-domain-spec', detail: string): MacroParse {
  return { ok: false, problem: problem(code, detail) };
}

/** Parses after `%{` up to `}`; a string is the reason it is not a macro-expand. */
function parseExpand(text: string, start: number, context: MacroContext): { macro: MacroExpand; end: number } | string {
  const raw = text[start];
  const letter = raw?.toLowerCase();
  if (raw === undefined || letter === undefined || !LETTERS.includes(letter)) return `unknown macro letter ${show(raw ?? '')}`;
  if (context === 'domain-spec' && EXP_ONLY.includes(letter)) return `%{${raw}} is allowed only in exp text (RFC 7208 §7.2)`;
  let i = start + 1;
  let digits = 0;
  let hasDigits = false;
  while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) {
    // §7.3: at least 127 must work; anything larger keeps all parts, so cap instead of overflowing.
    digits = Math.min(digits * 10 + (text.charCodeAt(i) - 0x30), 100_000);
    hasDigits = true;
    i++;
  }
  // §7.3: "If a DIGIT is specified, the value MUST be nonzero."
  if (hasDigits && digits === 0) return 'a zero digit transformer';
  const reverse = text[i] === 'r' || text[i] === 'R';
  if (reverse) i++;
  let delimiters = '';
  while (i < text.length && DELIMITERS.includes(text[i] as string)) delimiters += text[i++];
  if (text[i] !== '}') return 'an unterminated or malformed %{...}';
  const macro: MacroExpand = { kind: 'macro', letter: letter as MacroLetter, escape: raw !== letter, digits, reverse, delimiters };
  return { macro, end: i + 1 };
}

/**
 * §7.1: domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand.
 * The literal text after the last macro-expand must therefore end in ".toplabel" or ".toplabel.".
 * The trailing dot §7.3 says "MUST be accepted" is the one after a top label; `%{d}.` matches
 * neither alternative of the normative grammar (§12), and pyspf and Mail::SPF reject it too.
 */
function hasDomainEnd(parts: MacroPart[]): boolean {
  const last = parts[parts.length - 1];
  if (last === undefined) return false;
  if (last.kind !== 'text') return true;
  let tail = last.text.endsWith('.') ? last.text.slice(0, -1) : last.text;
  const dot = tail.lastIndexOf('.');
  if (dot < 0) return false;
  tail = tail.slice(dot + 1);
  return isTopLabel(tail);
}

const TOPLABEL_ALPHA = /^[a-z0-9]*[a-z][a-z0-9]*$/i;
const TOPLABEL_HYPHEN = /^[a-z0-9]+-[a-z0-9-]*[a-z0-9]$/i;

/** §7.1 toplabel: LDH, not all-numeric (first form) or with an inner hyphen (second form). */
function isTopLabel(label: string): boolean {
  return TOPLABEL_ALPHA.test(label) || TOPLABEL_HYPHEN.test(label);
}

/** The values macros expand to (§7.2); `p` must be resolved before expanding a string that uses it. */
export interface MacroValues {
  s: string;
  l: string;
  o: string;
  d: string;
  i: string;
  p?: string;
  h: string;
  c: string;
  r: string;
  t: string;
  v: string;
}

/** Expands a parsed macro-string (§7.3). */
export function expandMacro(macro: MacroString, values: MacroValues | undefined): string {
  if (macro.constant !== undefined) return macro.constant;
  let out = '';
  for (const part of macro.parts) {
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'escape') out += ESCAPED[part.char];
    else if (values !== undefined) out += expandOne(part, values);
  }
  return out;
}

function expandOne(macro: MacroExpand, values: MacroValues): string {
  const value = transform(values[macro.letter] ?? 'unknown', macro);
  // §7.3: "Uppercase macros expand exactly as their lowercase equivalents, and are then URL escaped."
  return macro.escape ? urlEscape(value) : value;
}

/**
 * §7.3: split on the delimiters (default '.'), keeping empty parts; reverse on 'r'; keep the
 * right-most DIGIT parts; rejoin with '.'.
 */
function transform(value: string, macro: MacroExpand): string {
  if (macro.digits === 0 && !macro.reverse && macro.delimiters === '') return value;
  let parts = splitOn(value, macro.delimiters === '' ? '.' : macro.delimiters);
  if (macro.reverse) parts.reverse();
  if (macro.digits > 0 && macro.digits < parts.length) parts = parts.slice(parts.length - macro.digits);
  return parts.join('.');
}

function splitOn(value: string, delimiters: string): string[] {
  if (delimiters.length === 1) return value.split(delimiters);
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    if (delimiters.includes(value[i] as string)) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

const HEX = '0123456789ABCDEF';

/** RFC 3986 §2.3 unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"; everything else as %XX of UTF-8. */
function urlEscape(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const unreserved =
      (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) ||
      byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e;
    out += unreserved ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/** Writes a parsed macro-string back as record text; parsing the result gives the same parts. */
export function formatMacroString(macro: MacroString): string {
  let out = '';
  for (const part of macro.parts) {
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'escape') out += `%${part.char}`;
    else {
      const letter = part.escape ? part.letter.toUpperCase() : part.letter;
      out += `%{${letter}${part.digits > 0 ? part.digits : ''}${part.reverse ? 'r' : ''}${part.delimiters}}`;
    }
  }
  return out;
}
