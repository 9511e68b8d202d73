import type { HeaderField } from '@authgate/message';
import { writeField } from './canonicalize-header.js';
import type { Canonicalization } from './signature.js';

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const COLON = 0x3a;
const CR = 0x0d;
const LF = 0x0a;

/** The fields of a message by lower-case name, in message order, built once per message. */
export class HeaderIndex {
  readonly #byName = new Map<string, HeaderField[]>();

  constructor(fields: readonly HeaderField[]) {
    for (const field of fields) {
      const list = this.#byName.get(field.key);
      if (list === undefined) this.#byName.set(field.key, [field]);
      else list.push(field);
    }
  }

  /**
   * The fields an h= list signs (RFC 6376 §5.4.2): each name takes the last instance not taken yet,
   * from the bottom of the header up; a name with no instance left contributes nothing, which is
   * how over-signing forbids adding one (§5.4). The signature being verified is never one of them
   * (§3.5 h=: it MUST NOT be included).
   */
  select(names: readonly string[], exclude?: HeaderField): HeaderField[] {
    const taken = new Map<string, number>();
    const selected: HeaderField[] = [];
    for (const name of names) {
      const key = name.toLowerCase();
      const instances = this.#byName.get(key);
      if (instances === undefined) continue;
      let used = taken.get(key) ?? 0;
      let index = instances.length - 1 - used;
      if (index >= 0 && instances[index] === exclude) {
        used++;
        index--;
      }
      if (index < 0) continue;
      selected.push(instances[index]!);
      taken.set(key, used + 1);
    }
    return selected;
  }

  count(key: string): number {
    return this.#byName.get(key)?.length ?? 0;
  }
}

/**
 * The input of the header hash (RFC 6376 §3.7 step 2): the selected fields canonicalized, each
 * ending in CRLF, then the DKIM-Signature field itself, its b= value emptied, canonicalized, without
 * its final CRLF.
 */
export function headerHashInput(fields: readonly HeaderField[], signatureField: Buffer, canonicalization: Canonicalization): Buffer {
  const signature = withoutSignatureValue(signatureField);
  let size = signature.length + 2;
  for (const field of fields) size += field.raw.length + 2;
  const out = Buffer.allocUnsafe(size);
  let written = 0;
  for (const field of fields) written = writeField(field.raw, canonicalization, out, written, true);
  written = writeField(signature, canonicalization, out, written, false);
  return out.subarray(0, written);
}

/**
 * The DKIM-Signature field with the value of its b= tag deleted, "including all surrounding
 * whitespace" (RFC 6376 §3.7), and without its final CRLF. Works on the octets as received, so
 * that "simple" canonicalization sees exactly what the signer hashed; the tag name and its `=` stay.
 */
export function withoutSignatureValue(raw: Buffer): Buffer {
  const end = raw.length >= 2 && raw[raw.length - 2] === CR && raw[raw.length - 1] === LF ? raw.length - 2 : raw.length;
  const colon = raw.indexOf(COLON);
  for (let start = colon + 1; start <= end; ) {
    let stop = raw.indexOf(SEMICOLON, start);
    if (stop === -1 || stop > end) stop = end;
    let i = start;
    while (i < stop && isFws(raw[i]!)) i++;
    const nameStart = i;
    while (i < stop && raw[i] !== EQUALS && !isFws(raw[i]!)) i++;
    const isB = i - nameStart === 1 && raw[nameStart] === 0x62;
    while (i < stop && isFws(raw[i]!)) i++;
    if (isB && raw[i] === EQUALS) return Buffer.concat([raw.subarray(0, i + 1), raw.subarray(stop, end)]);
    start = stop + 1;
  }
  return raw.subarray(0, end);
}

function isFws(octet: number): boolean {
  return octet === 0x20 || octet === 0x09 || octet === CR || octet === LF;
}
