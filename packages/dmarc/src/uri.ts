import { normalizeDomain } from './domain.js';
import { problem, type DmarcProblem } from './errors.js';
import type { DmarcMode } from './tags.js';

/** The RFC 7489 §6.2 size units: powers of two (a kilobyte is 2^10 bytes). */
export type SizeUnit = 'k' | 'm' | 'g' | 't';

/**
 * One reporting URI of a `rua` or `ruf` tag (RFC 9989 §4.6), e.g. `mailto:dmarc@example.com!10m`.
 */
export interface ReportUri {
  /** The URI as published, without the size suffix; percent-encoding kept. */
  uri: string;
  /** The scheme in lower case (`mailto`, `https`...). Receivers ignore schemes they do not support. */
  scheme: string;
  /**
   * For `mailto:` URIs, the recipients (RFC 6068 §2 `to`, comma-separated once percent-decoded:
   * DMARC requires that comma to be written %2C), each domain a lower-case A-label.
   */
  addresses?: string[];
  /**
   * The RFC 7489 §6.2 maximum report size (`!50m`). RFC 9989 §4.8 keeps it only as obsolete syntax
   * that reporters should ignore; it is parsed so records round-trip and legacy reporters can use it.
   * A count beyond 2^53 - 1 (several petabytes: no limit in practice) is accepted and not kept.
   */
  maxSize?: { count: number; unit?: SizeUnit; bytes: number };
}

export type ReportUriResult = { ok: true; uri: ReportUri } | { ok: false; problem: DmarcProblem };

export interface ParseReportUriOptions {
  /** RFC 7489 bounds the size count to an unsigned 64-bit integer; RFC 9989 (default) does not. */
  mode?: DmarcMode;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
// RFC 3986 §2: unreserved, sub-delims, gen-delims and '%'. The comma and the exclamation point are
// missing on purpose: RFC 9989 §4.8 requires them to be percent-encoded inside a DMARC URI.
const URI_CHARS = /^[A-Za-z0-9\-._~%$&'()*+;=:@/?#[\]]*$/;
const PCT = /%(?![0-9A-Fa-f]{2})/;
const SIZE = /^([0-9]+)([kmgtKMGT])?$/;
const UNIT_POWER: Record<SizeUnit, number> = { k: 10, m: 20, g: 30, t: 40 };
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Parses one DMARC reporting URI: an RFC 3986 URI (generic syntax) optionally followed by the
 * obsolete `!size` suffix (RFC 9989 §4.8 `obs-dmarc-uri`; RFC 7489 §6.2). A `mailto:` URI must name
 * at least one recipient, and every recipient needs a domain (RFC 6068 §2), since a report has to
 * be deliverable.
 */
export function parseReportUri(text: string, options: ParseReportUriOptions = {}): ReportUriResult {
  const bang = text.indexOf('!');
  const uriText = bang === -1 ? text : text.slice(0, bang);
  const syntax = checkUri(uriText);
  if (syntax !== undefined) return { ok: false, problem: problem('invalid-uri', `${quote(text)}: ${syntax}`) };
  const scheme = uriText.slice(0, uriText.indexOf(':')).toLowerCase();
  const uri: ReportUri = { uri: uriText, scheme };
  if (scheme === 'mailto') {
    const addresses = mailtoAddresses(uriText);
    if (addresses === undefined) {
      return { ok: false, problem: problem('invalid-uri', `${quote(text)}: a mailto: URI needs addresses local@domain`) };
    }
    uri.addresses = addresses;
  }
  if (bang !== -1) {
    const size = parseSize(text.slice(bang + 1), options.mode ?? 'rfc9989');
    if (!size.ok) return { ok: false, problem: problem('invalid-size', `${quote(text)}: ${size.reason}`) };
    if (size.maxSize !== undefined) uri.maxSize = size.maxSize;
  }
  return { ok: true, uri };
}

/** Writes a URI back as it is published (with its size suffix), so that parse(format(u)) equals u. */
export function formatReportUri(uri: ReportUri): string {
  if (uri.maxSize === undefined) return uri.uri;
  return `${uri.uri}!${uri.maxSize.count}${uri.maxSize.unit ?? ''}`;
}

/**
 * Splits a `dmarc-urilist` (RFC 9989 §4.8: URIs separated by commas with optional white space) and
 * keeps the URIs that parse; the others are returned as problems so the caller can warn about them.
 */
export function parseUriList(value: string, options: ParseReportUriOptions = {}): { uris: ReportUri[]; rejected: DmarcProblem[] } {
  const uris: ReportUri[] = [];
  const rejected: DmarcProblem[] = [];
  for (const item of value.split(',')) {
    const result = parseReportUri(item.replace(/^[ \t]+|[ \t]+$/g, ''), options);
    if (result.ok) uris.push(result.uri);
    else rejected.push(result.problem);
  }
  return { uris, rejected };
}

function checkUri(text: string): string | undefined {
  if (!SCHEME.test(text)) return 'no scheme (RFC 3986 §3.1)';
  if (!URI_CHARS.test(text)) return 'a character that must be percent-encoded (RFC 3986 §2; "," and "!" by RFC 9989 §4.8)';
  if (PCT.test(text)) return 'a "%" not followed by two hex digits (RFC 3986 §2.1)';
  const hash = text.indexOf('#');
  if (hash !== -1 && text.indexOf('#', hash + 1) !== -1) return 'two "#" (RFC 3986 §3.5)';
  if (/[[\]]/.test(withoutIpLiteral(text))) return '"[" or "]" outside an IP literal host (RFC 3986 §3.2.2)';
  return undefined;
}

/** Removes the one place brackets are allowed: the IP-literal host right after "//". */
function withoutIpLiteral(text: string): string {
  return text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?)\[[^\]/?#]*\]/, '$1');
}

function mailtoAddresses(uri: string): string[] | undefined {
  const to = uri.slice('mailto:'.length).split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(to);
  } catch {
    return undefined;
  }
  const addresses = decoded.split(',').map(mailbox);
  return addresses.every((address) => address !== undefined) ? addresses : undefined;
}

function mailbox(text: string): string | undefined {
  const at = text.lastIndexOf('@');
  if (at <= 0 || /\s/.test(text)) return undefined;
  const domain = normalizeDomain(text.slice(at + 1));
  return domain === undefined ? undefined : `${text.slice(0, at)}@${domain}`;
}

type SizeParse = { ok: true; maxSize?: NonNullable<ReportUri['maxSize']> } | { ok: false; reason: string };

/**
 * `"!" 1*DIGIT [ "k" / "m" / "g" / "t" ]` (RFC 9989 §4.8 obs-dmarc-report-size, RFC 7489 §6.4).
 * RFC 9989 puts no bound on the digits, so any count is valid there; RFC 7489 requires the count
 * to "fit within an unsigned 64-bit integer". A count past 2^53 - 1 cannot be held exactly: the URI
 * stays valid and the size is dropped, as a limit of petabytes is no limit.
 */
function parseSize(text: string, mode: DmarcMode): SizeParse {
  const match = SIZE.exec(text);
  if (match === null) return { ok: false, reason: 'the size after "!" is not digits and an optional k, m, g or t' };
  const digits = BigInt(match[1]!);
  if (mode === 'rfc7489' && digits > UINT64_MAX) return { ok: false, reason: 'the size does not fit an unsigned 64-bit integer (RFC 7489 §6.4)' };
  if (digits > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: true };
  const count = Number(digits);
  const unit = match[2]?.toLowerCase() as SizeUnit | undefined;
  const bytes = count * 2 ** (unit === undefined ? 0 : UNIT_POWER[unit]);
  return { ok: true, maxSize: unit === undefined ? { count, bytes } : { count, unit, bytes } };
}

function quote(text: string): string {
  return JSON.stringify(text);
}
