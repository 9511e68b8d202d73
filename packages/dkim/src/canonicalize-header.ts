import type { Canonicalization } from './signature.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;
const CRLF = Buffer.from('\r\n');

/**
 * One header field as the header hash sees it (RFC 6376 §3.4.1, §3.4.2). `raw` is the field's exact
 * bytes with its final CRLF (`HeaderField.raw`); the result ends with CRLF when `withCrlf`.
 */
export function canonicalizeField(raw: Buffer, canonicalization: Canonicalization, withCrlf = true): Buffer {
  if (canonicalization === 'relaxed') return relaxedField(raw, withCrlf);
  // RFC 6376 §3.4.1: "simple" presents the field exactly as it is.
  if (withCrlf) return endsWithCrlf(raw) ? raw : Buffer.concat([raw, CRLF]);
  return endsWithCrlf(raw) ? raw.subarray(0, raw.length - 2) : raw;
}

/**
 * RFC 6376 §3.4.2, in its order: lower-case the name; unfold (drop every CRLF inside the field: in
 * a field each one is followed by WSP); turn each WSP run into one SP; drop WSP at the end of the
 * value and around the colon. Works on octets, so 8-bit values pass through untouched.
 */
function relaxedField(raw: Buffer, withCrlf: boolean): Buffer {
  const colon = raw.indexOf(COLON);
  if (colon === -1) return canonicalizeField(raw, 'simple', withCrlf);
  const end = endsWithCrlf(raw) ? raw.length - 2 : raw.length;
  const out = Buffer.allocUnsafe(end + 3);
  let written = 0;
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
  if (withCrlf) {
    out[written++] = CR;
    out[written++] = LF;
  }
  return out.subarray(0, written);
}

function isWsp(octet: number): boolean {
  return octet === SP || octet === HTAB;
}

function endsWithCrlf(raw: Buffer): boolean {
  return raw.length >= 2 && raw[raw.length - 2] === CR && raw[raw.length - 1] === LF;
}
