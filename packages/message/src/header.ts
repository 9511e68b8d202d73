import { isAscii, isUtf8 } from 'node:buffer';
import { toCrlf } from './crlf.js';
import { problem, type MessageProblem } from './errors.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

/** One header field, as received and as meant. */
export interface HeaderField {
  /** The field name as written (case kept). */
  name: string;
  /** The field name in lower case, for lookups (field names are case-insensitive, RFC 5322 §1.2.2). */
  key: string;
  /**
   * The exact bytes of the field (name, colon, value and folding) with every line ending as CRLF,
   * the last one included. DKIM hashes these.
   */
  raw: Buffer;
  /**
   * The value after the colon, unfolded (RFC 5322 §2.2.3) and stripped of leading and trailing
   * white space (SP and HTAB only). Decoded as UTF-8 (RFC 6532 §3.2) when it is valid UTF-8,
   * otherwise as Latin-1, so that every octet of a legacy 8-bit header stays visible and distinct
   * instead of collapsing into U+FFFD.
   */
  value: string;
}

export type HeaderResult =
  | { ok: true; fields: HeaderField[] }
  | { ok: false; problem: MessageProblem };

/**
 * Splits a header section (the bytes before the empty line) into fields. Line ends may be CRLF
 * or bare LF. White space between a field name and its colon is accepted (RFC 5322 §4.5,
 * obsolete syntax); a line that is neither a field nor a continuation is `malformed-field`.
 */
export function parseHeader(block: Uint8Array): HeaderResult {
  const bytes = Buffer.isBuffer(block) ? block : Buffer.from(block.buffer, block.byteOffset, block.byteLength);
  if (bytes.indexOf(0) !== -1) return { ok: false, problem: problem('nul-byte', 'NUL octet in the header section') };

  // A header section in US-ASCII (nearly all of them) is decoded once, and each field's name and
  // value cut from that text, rather than each field decoded from its own bytes: the same
  // characters (ASCII decodes alike as UTF-8 and Latin-1), with a fraction of the Buffer calls.
  const text = isAscii(bytes) ? bytes.toString('latin1') : undefined;
  const fields: HeaderField[] = [];
  let fieldStart = -1;
  let lineNumber = 0;
  for (let lineStart = 0; lineStart < bytes.length; ) {
    lineNumber++;
    const lf = bytes.indexOf(LF, lineStart);
    const lineEnd = lf === -1 ? bytes.length : lf + 1;
    const first = bytes[lineStart];
    if (first === SP || first === HTAB) {
      if (fieldStart === -1) {
        return { ok: false, problem: problem('malformed-field', `line ${lineNumber} continues no field`) };
      }
    } else {
      if (fieldStart !== -1) fields.push(makeField(bytes, fieldStart, lineStart, text));
      if (!isFieldStart(bytes, lineStart, lineEnd)) {
        return { ok: false, problem: problem('malformed-field', `line ${lineNumber} is not "name: value"`) };
      }
      fieldStart = lineStart;
    }
    lineStart = lineEnd;
  }
  if (fieldStart !== -1) fields.push(makeField(bytes, fieldStart, bytes.length, text));
  return { ok: true, fields };
}

/** The fields named `key` (lower case), in message order. */
export function fieldsNamed(fields: readonly HeaderField[], key: string): HeaderField[] {
  return fields.filter((field) => field.key === key);
}

function isFieldStart(bytes: Buffer, start: number, end: number): boolean {
  const colon = bytes.indexOf(COLON, start);
  if (colon === -1 || colon >= end) return false;
  let nameEnd = colon;
  while (nameEnd > start && (bytes[nameEnd - 1] === SP || bytes[nameEnd - 1] === HTAB)) nameEnd--;
  if (nameEnd === start) return false;
  // RFC 5322 §3.6.8: ftext is printable US-ASCII except the colon.
  for (let i = start; i < nameEnd; i++) {
    const octet = bytes[i]!;
    if (octet < 33 || octet > 126) return false;
  }
  return true;
}

/**
 * One field from `bytes[start, end)`; `text` is the whole header section decoded, when it is
 * US-ASCII. The value unfolds alike from the bytes as given or with their line ends made CRLF:
 * inside a field every line end but the last is a fold, and unfolding drops `\n` and `\r\n` alike.
 */
function makeField(bytes: Buffer, start: number, end: number, text: string | undefined): HeaderField {
  const source = bytes.subarray(start, end);
  const colon = source.indexOf(COLON);
  const raw = withCrlfEnd(toCrlf(source));
  if (text !== undefined) {
    const name = text.slice(start, start + colon).trimEnd();
    return { name, key: name.toLowerCase(), raw, value: unfold(text.slice(start + colon + 1, end)) };
  }
  const name = source.toString('latin1', 0, colon).trimEnd();
  const valueBytes = raw.subarray(colon + 1);
  const value = unfold(valueBytes.toString(isUtf8(valueBytes) ? 'utf8' : 'latin1'));
  return { name, key: name.toLowerCase(), raw, value };
}

function withCrlfEnd(raw: Buffer): Buffer {
  const n = raw.length;
  if (n >= 2 && raw[n - 2] === CR && raw[n - 1] === LF) return raw;
  return Buffer.concat([raw, Buffer.from('\r\n')]);
}

/**
 * RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by white space. The final line
 * end goes too, and the white space (SP, HTAB) around the value: only WSP, since a no-break space
 * or other Unicode space at either end is content.
 */
export function unfold(text: string): string {
  let end = text.length;
  if (text.charCodeAt(end - 1) === LF) end -= text.charCodeAt(end - 2) === CR ? 2 : 1;
  // Most fields are one line: with no line end before the last, there is nothing to unfold,
  // and every field of every message passes here.
  const lf = text.indexOf('\n');
  if (lf === -1 || lf >= end) return trimWsp(text, end);
  let unfolded = '';
  let start = 0;
  for (let at = lf; at !== -1 && at < end; at = text.indexOf('\n', at + 1)) {
    if (!isWspCode(text.charCodeAt(at + 1))) continue;
    // A fold: the line end goes (its CR too), the white space after it stays.
    unfolded += text.slice(start, at > start && text.charCodeAt(at - 1) === CR ? at - 1 : at);
    start = at + 1;
  }
  unfolded += text.slice(start, end);
  return trimWsp(unfolded, unfolded.length);
}

// A loop rather than /[ \t]+$/, which backtracks quadratically over a long run of inner spaces.
function trimWsp(text: string, length: number): string {
  let start = 0;
  let end = length;
  while (start < end && isWspCode(text.charCodeAt(start))) start++;
  while (end > start && isWspCode(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function isWspCode(code: number): boolean {
  return code === SP || code === HTAB;
}
