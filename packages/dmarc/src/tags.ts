import type { DmarcProblem } from './errors.js';
import { parseUriList, type ReportUri } from './uri.js';

/** Which specification the receiver follows. RFC 9989 is the default; RFC 7489 is the legacy mode. */
export type DmarcMode = 'rfc9989' | 'rfc7489';

/** A Domain Owner Assessment Policy (RFC 9989 §4.7 `p`, `sp`, `np`). */
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

/** Identifier alignment mode: relaxed or strict (RFC 9989 §4.7 `adkim`, `aspf`). */
export type AlignmentMode = 'r' | 's';

/** RFC 9989 §4.7 `fo`: failure reporting options. */
export type FailureOption = '0' | '1' | 'd' | 's';

/** The value of each tag, once validated. */
export interface TagValues {
  p: DmarcPolicy;
  sp: DmarcPolicy;
  np: DmarcPolicy;
  adkim: AlignmentMode;
  aspf: AlignmentMode;
  psd: 'y' | 'n' | 'u';
  t: 'y' | 'n';
  fo: FailureOption[];
  rua: ReportUri[];
  ruf: ReportUri[];
  pct: number;
  rf: string[];
  ri: number;
}

export type TagName = keyof TagValues;

/** A tag value check: the value, or why it is not one (with warnings for parts that were dropped). */
export type TagParse<T> = { ok: true; value: T; warnings: string[] } | { ok: false; reason: string };

/** Tags of both specifications, RFC 9989 §4.7 and RFC 7489 §6.3. */
const COMMON: readonly TagName[] = ['p', 'sp', 'adkim', 'aspf', 'fo', 'rua', 'ruf'];

/**
 * The tags each mode knows; any other tag is unknown and MUST be ignored (RFC 9989 §4.7,
 * RFC 7489 §6.3). RFC 9989 added `np` (from RFC 9091), `psd` and `t` (Appendix C.5.1) and removed
 * `pct`, `rf` and `ri` (Appendix C.5.2); RFC 7489 has none of the first three.
 */
export const TAGS_BY_MODE: Record<DmarcMode, readonly TagName[]> = {
  rfc9989: [...COMMON, 'np', 'psd', 't'],
  rfc7489: [...COMMON, 'pct', 'rf', 'ri'],
};

const POLICIES: readonly DmarcPolicy[] = ['none', 'quarantine', 'reject'];
const UINT32_MAX = 0xffffffff;
// RFC 5321 §4.1.2 Keyword (Ldh-str): letters, digits and inner hyphens.
const KEYWORD = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

function ok<T>(value: T, warnings: string[] = []): TagParse<T> {
  return { ok: true, value, warnings };
}

function bad<T>(reason: string): TagParse<T> {
  return { ok: false, reason };
}

// Literal strings in ABNF are case-insensitive (RFC 5234 §2.3), and RFC 9989 §4.8 quotes the
// keyword values ("none", "r", "y"...) that way; only the version value is case-sensitive (%s).
function keyword<T extends string>(allowed: readonly T[]) {
  return (value: string): TagParse<T> => {
    const lower = value.toLowerCase() as T;
    return allowed.includes(lower) ? ok(lower) : bad(`expected ${allowed.join(', ')}`);
  };
}

function uriList(mode: DmarcMode) {
  return (value: string): TagParse<ReportUri[]> => {
    const { uris, rejected } = parseUriList(value, { mode });
    const warnings = rejected.map((p: DmarcProblem) => `${withoutPrefix(p.message)} (ignored)`);
    // RFC 9989 §4.10.1 asks whether a list holds "at least one syntactically valid reporting URI".
    return uris.length > 0 ? ok(uris, warnings) : bad(`no valid URI: ${rejected.map((p) => withoutPrefix(p.message)).join('; ')}`);
  };
}

function withoutPrefix(message: string): string {
  return message.replace(/^dmarc: /, '');
}

/**
 * RFC 9989 §4.8 `dmarc-fo`: colon-separated `0`, `1`, `d`, `s`; each at most once, `0` and `1`
 * mutually exclusive. RFC 7489 §6.4 allowed any sequence of the four.
 */
function failureOptions(mode: DmarcMode) {
  return (value: string): TagParse<FailureOption[]> => {
    const items = value.split(':').map((item) => item.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase());
    if (!items.every((item): item is FailureOption => ['0', '1', 'd', 's'].includes(item))) {
      return bad('expected a colon-separated list of 0, 1, d, s');
    }
    if (mode === 'rfc9989' && (new Set(items).size !== items.length || (items.includes('0') && items.includes('1')))) {
      return bad('each option at most once, and not both 0 and 1 (RFC 9989 §4.7)');
    }
    return ok(items);
  };
}

function percent(value: string): TagParse<number> {
  // RFC 7489 §6.3: an integer between 0 and 100 inclusive (1*3DIGIT in §6.4).
  if (!/^[0-9]{1,3}$/.test(value) || Number(value) > 100) return bad('expected an integer from 0 to 100');
  return ok(Number(value));
}

function interval(value: string): TagParse<number> {
  // RFC 7489 §6.3: a 32-bit unsigned integer number of seconds.
  if (!/^[0-9]+$/.test(value) || Number(value) > UINT32_MAX) return bad('expected a 32-bit unsigned integer');
  return ok(Number(value));
}

function reportFormats(value: string): TagParse<string[]> {
  const items = value.split(':').map((item) => item.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase());
  if (!items.every((item) => KEYWORD.test(item))) return bad('expected colon-separated keywords');
  // RFC 7489 §6.3: only registered formats (afrf); receivers SHOULD ignore others.
  const unknown = items.filter((item) => item !== 'afrf');
  return ok(items, unknown.length > 0 ? [`rf: unregistered report format ${unknown.join(', ')} (RFC 7489 §6.3: ignored)`] : []);
}

type TagParsers = { [K in TagName]: (value: string) => TagParse<TagValues[K]> };

/** The value check of every tag for a mode (RFC 9989 §4.8 Table 2; RFC 7489 §6.4). */
export function tagParsers(mode: DmarcMode): TagParsers {
  return {
    p: keyword(POLICIES),
    sp: keyword(POLICIES),
    np: keyword(POLICIES),
    adkim: keyword(['r', 's'] as const),
    aspf: keyword(['r', 's'] as const),
    psd: keyword(['y', 'n', 'u'] as const),
    t: keyword(['y', 'n'] as const),
    fo: failureOptions(mode),
    rua: uriList(mode),
    ruf: uriList(mode),
    pct: percent,
    rf: reportFormats,
    ri: interval,
  };
}
