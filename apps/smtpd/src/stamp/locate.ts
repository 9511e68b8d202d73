import type { HeaderField } from 'authgate';

const CR = 0x0d;
const LF = 0x0a;

/** Where one header field's bytes are in the message as received. */
export interface Span {
  start: number;
  end: number;
}

export interface HeaderLayout {
  /** One span per field, in order; together they cover the header section. */
  spans: Span[];
  /** Offset of the empty line that ends the header section (or of the end of the message). */
  headerEnd: number;
}

/**
 * Finds the received bytes of each parsed field. The message parser gives each field's bytes with
 * line ends made CRLF (`HeaderField.raw`); walking those against the original bytes gives back
 * the original extent, bare LFs included, so that everything we do not remove is relayed
 * byte for byte (RFC 5321 §2.3.10: a relay does not alter the content).
 *
 * Returns undefined when the fields do not match `bytes` (they were parsed from other bytes).
 */
export function locateFields(bytes: Buffer, fields: readonly HeaderField[]): HeaderLayout | undefined {
  const spans: Span[] = [];
  let at = 0;
  for (const field of fields) {
    const end = matchRaw(bytes, at, field.raw);
    if (end === undefined) return undefined;
    spans.push({ start: at, end });
    at = end;
  }
  return { spans, headerEnd: at };
}

/** The end offset of `raw` matched against `bytes` from `start`, allowing the parser's CRLF repairs. */
function matchRaw(bytes: Buffer, start: number, raw: Buffer): number | undefined {
  let i = start;
  for (let j = 0; j < raw.length; j++) {
    if (i < bytes.length && bytes[i] === raw[j]) {
      i++;
      continue;
    }
    // A bare LF in the message is CRLF in raw: skip the CR raw added.
    if (raw[j] === CR && raw[j + 1] === LF && bytes[i] === LF) continue;
    // The last field of a message that ends without a line end gets one in raw.
    if (i === bytes.length && raw[j] === CR && raw[j + 1] === LF && j + 2 === raw.length) return i;
    return undefined;
  }
  return i;
}

/** True when an empty line (CRLF or bare LF) starts at `offset`: the header section really ended there. */
export function emptyLineAt(bytes: Buffer, offset: number): boolean {
  return bytes[offset] === LF || (bytes[offset] === CR && bytes[offset + 1] === LF);
}
