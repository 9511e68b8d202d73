import type { Canonicalization } from './signature.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

/**
 * One header field as the header hash sees it (RFC 6376 §3.4.1, §3.4.2). `raw` is the field's exact
 * bytes with its final CRLF (`HeaderField.raw`); the result ends with CRLF when `withCrlf`.
 */
export function canonicalizeField(raw: Buffer, canonicalization: Canonicalization, withCrlf = true): Buffer {
  const out = Buffer.allocUnsafe(raw.length + 2);
  return out.subarray(0, writeField(raw, canonicalization, out, 0, withCrlf));
}

/**
 * Writes `raw` canonicalized into `out` at `offset` and returns the offset after it; `out` needs
 * room for `raw.length + 2` octets. Lets the header hash input be built in one buffer.
 */
export function writeField(raw: Buffer, canonicalization: Canonicalization, out: Buffer, offset: number, withCrlf: boolean): number {
  const end = endsWithCrlf(raw) ? raw.length - 2 : raw.length;
  const colon = raw.indexOf(COLON);
  // RFC 6376 §3.4.1: "simple" presents the field exactly as it is.
  let written = canonicalization === 'relaxed' && colon !== -1 && colon < end ? writeRelaxed(raw, colon, end, out, offset) : offset + raw.copy(out, offset, 0, end);
  if (withCrlf) {
    out[written++] = CR;
    out[written++] = LF;
  }
  return written;
}

/**
 * RFC 6376 §3.4.2, in its order: lower-case the name; unfold (drop every CRLF inside the field: in
 * a field each one is followed by WSP); turn each WSP run into one SP; drop WSP at the end of the
 * value and around the colon. Works on octets, so 8-bit values pass through untouched.
 */
function writeRelaxed(raw: Buffer, colon: number, end: number, out: Buffer, offset: number): number {
  let written = offset;
  let nameEnd = colon;
  while (nameEnd > 0 && isWsp(raw[nameEnd - 1]!)) nameEnd--;
  for (let i = 0; i < nameEnd; i++) {
    const octet = raw[i]!;
    out[written++] = octet >= 0x41 && octet <= 0x5a ? octet + 0x20 : octet;
  }
  out[written++] = COLON;
  let pendingWsp = false;
  let started = false;
  for (let i = colon + 1; i < end; i++) {
    const octet = raw[i]!;
    if (octet === CR && raw[i + 1] === LF) {
      i++;
      continue;
    }
    if (octet === SP || octet === HTAB) {
      pendingWsp = true;
      continue;
    }
    if (pendingWsp && started) out[written++] = SP;
    pendingWsp = false;
    started = true;
    out[written++] = octet;
  }
  return written;
}

function isWsp(octet: number): boolean {
  return octet === SP || octet === HTAB;
}

function endsWithCrlf(raw: Buffer): boolean {
  return raw.length >= 2 && raw[raw.length - 2] === CR && raw[raw.length - 1] === LF;
}
