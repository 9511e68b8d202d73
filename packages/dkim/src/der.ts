/** One DER element (ITU-T X.690 §8.1): its tag and where its contents lie. */
export interface Element {
  tag: number;
  /** Offset of the first content octet. */
  start: number;
  /** Offset just past the last content octet. */
  end: number;
}

/**
 * Reads the element at `offset`, which must end by `limit`. Definite lengths only, as DER requires
 * (X.690 §10.1); `undefined` for anything malformed or truncated, never a throw.
 */
export function readElement(der: Uint8Array, offset: number, limit: number): Element | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    // A key record holds at most a few kilobytes: three length octets are plenty.
    if (octets === 0 || octets > 3 || start + octets > limit) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[start++]!;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end };
}
