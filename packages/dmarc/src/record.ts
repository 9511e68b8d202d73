import { problem, type DmarcProblem } from './errors.js';
import { TAGS_BY_MODE, tagParsers, type DmarcMode, type TagName, type TagValues } from './tags.js';
import { formatReportUri } from './uri.js';

/**
 * A DMARC Policy Record as published (RFC 9989 §4.7; RFC 7489 §6.3 in legacy mode). Only tags that
 * were present with a valid value are set; defaults (`adkim=r`, `aspf=r`, `psd=u`, `t=n`, `fo=0`,
 * `pct=100`...) are applied by the evaluator, so that a formatted record says what its owner wrote.
 * Tags of the other mode are unknown tags and are not kept (RFC 9989 Appendix C.5).
 */
export interface DmarcRecord extends Partial<TagValues> {
  v: 'DMARC1';
  /**
   * Known tags that were present with a value that does not parse, as written. RFC 9989 §4.8: such
   * syntax errors are "discarded in favor of default values"; but an invalid `p`, `sp` or `np`
   * changes how the whole record applies (§4.10.1), so the evaluator needs to know.
   */
  invalid?: Partial<Record<TagName, string>>;
}

export type DmarcRecordResult =
  | { ok: true; record: DmarcRecord; warnings: string[] }
  | { ok: false; kind: 'not-dmarc' | 'malformed'; problem: DmarcProblem };

export interface ParseRecordOptions {
  /** Which tag registry applies; default `rfc9989`. */
  mode?: DmarcMode;
}

const WSP_EDGES = /^[ \t]+|[ \t]+$/g;
const TAG_NAME = /^[A-Za-z]+$/;
/** The order tags are written in by `formatDmarcRecord`: `v` then `p` first (RFC 7489 §6.3). */
const FORMAT_ORDER: readonly TagName[] = ['p', 'sp', 'np', 'adkim', 'aspf', 'pct', 'psd', 't', 'fo', 'rf', 'ri', 'rua', 'ruf'];
const REMOVED_BY_9989 = ['pct', 'rf', 'ri'];
const PARSERS = { rfc9989: tagParsers('rfc9989'), rfc7489: tagParsers('rfc7489') };
const ADDED_BY_9989 = ['np', 'psd', 't'];

function trimWsp(text: string): string {
  return text.replace(WSP_EDGES, '');
}

/**
 * Parses the text of one TXT record (its character-strings already joined, RFC 9989 §4.5).
 *
 * - `not-dmarc` when the first tag is not `v=DMARC1`: RFC 9989 §4.7 says such a record "MUST be
 *   ignored". The tag name is case-insensitive like every ABNF literal; the value `DMARC1` is
 *   case-sensitive (`%s"DMARC1"`, RFC 9989 §4.8).
 * - `malformed` when a known tag is repeated (DKIM tag-list rule, RFC 6376 §3.2).
 * - Otherwise `ok`: unknown tags are ignored (RFC 9989 §4.7), and every other syntax error is
 *   "discarded in favor of default values (if any) or ignored outright" (RFC 9989 §4.8), each with
 *   a warning saying what was dropped and why.
 */
export function parseDmarcRecord(text: string, options: ParseRecordOptions = {}): DmarcRecordResult {
  const mode = options.mode ?? 'rfc9989';
  const parts = trimWsp(text).split(';').map(trimWsp);
  // RFC 9989 §4.8 dmarc-record ends with an optional separator: one trailing empty part is fine.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const version = splitTag(parts[0] ?? '');
  if (version === undefined || version.name !== 'v' || version.value !== 'DMARC1') {
    return { ok: false, kind: 'not-dmarc', problem: problem('not-dmarc', `${JSON.stringify(text)} does not start with v=DMARC1`) };
  }
  const state: ParseState = { mode, record: { v: 'DMARC1' }, warnings: [], seen: new Set(['v']), order: [] };
  for (const part of parts.slice(1)) {
    const failure = readTag(state, part);
    if (failure !== undefined) return { ok: false, kind: 'malformed', problem: failure };
  }
  checkPolicyTag(state);
  return { ok: true, record: state.record, warnings: state.warnings };
}

interface ParseState {
  mode: DmarcMode;
  record: DmarcRecord;
  warnings: string[];
  /** Tag names seen so far, lower case. */
  seen: Set<string>;
  /** Known tags in the order they appeared. */
  order: string[];
}

function splitTag(part: string): { name: string; value: string } | undefined {
  const equals = part.indexOf('=');
  if (equals === -1) return undefined;
  return { name: trimWsp(part.slice(0, equals)).toLowerCase(), value: trimWsp(part.slice(equals + 1)) };
}

/** Reads one `tag=value` into the record; returns a problem only for a repeated known tag. */
function readTag(state: ParseState, part: string): DmarcProblem | undefined {
  const tag = splitTag(part);
  if (tag === undefined || !TAG_NAME.test(tag.name)) {
    state.warnings.push(`${JSON.stringify(part)} is not tag=value with an alphabetic tag name; ignored (RFC 9989 §4.8)`);
    return undefined;
  }
  const known = tag.name === 'v' || (TAGS_BY_MODE[state.mode] as readonly string[]).includes(tag.name);
  if (state.seen.has(tag.name)) {
    if (known) return problem('duplicate-tag', `tag ${tag.name} appears more than once (RFC 6376 §3.2 tag-list)`);
    state.warnings.push(`unknown tag ${tag.name} repeated; ignored`);
    return undefined;
  }
  state.seen.add(tag.name);
  if (!known) {
    state.warnings.push(unknownTagWarning(state.mode, tag.name));
    return undefined;
  }
  state.order.push(tag.name);
  storeTag(state, tag.name as TagName, tag.value);
  return undefined;
}

function storeTag<K extends TagName>(state: ParseState, name: K, value: string): void {
  const parsed = PARSERS[state.mode][name](value);
  if (parsed.ok) {
    state.record[name] = parsed.value as DmarcRecord[K];
    state.warnings.push(...parsed.warnings.map((warning) => `${name}: ${warning}`));
    return;
  }
  state.record.invalid = { ...state.record.invalid, [name]: value };
  state.warnings.push(`${name}=${value}: ${parsed.reason}; the default applies (RFC 9989 §4.8)`);
}

function unknownTagWarning(mode: DmarcMode, name: string): string {
  if (mode === 'rfc9989' && REMOVED_BY_9989.includes(name)) {
    return `${name} is an RFC 7489 tag that RFC 9989 removed (Appendix C.5.2); ignored`;
  }
  if (mode === 'rfc7489' && ADDED_BY_9989.includes(name)) {
    return `${name} is not an RFC 7489 tag (added by RFC 9989); ignored in legacy mode`;
  }
  return `unknown tag ${name} ignored (RFC 9989 §4.7)`;
}

function checkPolicyTag(state: ParseState): void {
  const hasP = state.order.includes('p');
  if (state.mode === 'rfc7489') {
    // RFC 7489 §6.3: "the v and p tags MUST be present and MUST appear in that order".
    if (!hasP) state.warnings.push('p is required by RFC 7489 §6.3');
    else if (state.order[0] !== 'p') state.warnings.push('p should directly follow v (RFC 7489 §6.3)');
  } else if (!hasP) {
    state.warnings.push('no p tag: treated as p=none (RFC 9989 §4.7)');
  }
}

/**
 * Writes a record as a TXT record text: `v=DMARC1` first, then `p`, then the other tags in a fixed
 * order; invalid values are written back as they were published. For any record `r` produced by
 * `parseDmarcRecord(text, { mode })`, `parseDmarcRecord(formatDmarcRecord(r), { mode })` gives
 * back `r` (STYLE.md §8).
 */
export function formatDmarcRecord(record: DmarcRecord): string {
  const parts = ['v=DMARC1'];
  for (const name of FORMAT_ORDER) {
    const value = formatValue(record, name);
    if (value !== undefined) parts.push(`${name}=${value}`);
  }
  return parts.join('; ');
}

function formatValue(record: DmarcRecord, name: TagName): string | undefined {
  const value = record[name];
  if (value === undefined) return record.invalid?.[name];
  if (Array.isArray(value)) {
    return name === 'rua' || name === 'ruf'
      ? (value as NonNullable<DmarcRecord['rua']>).map(formatReportUri).join(',')
      : value.join(':');
  }
  return String(value);
}
