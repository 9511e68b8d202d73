const CR = 0x0d;
const LF = 0x0a;

/**
 * Turns bare LF line ends into CRLF across a stream of chunks, so that messages stored with Unix
 * line ends canonicalize as they did on the wire (RFC 5322 §2.1: lines end in CRLF).
 * A CR that ends one chunk is remembered so that a CRLF split between chunks is kept as one.
 */
export class CrlfNormalizer {
  #lastWasCr = false;

  push(chunk: Uint8Array): Buffer {
    const input = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let bareLf = 0;
    let previousCr = this.#lastWasCr;
    for (let i = input.indexOf(LF); i !== -1; i = input.indexOf(LF, i + 1)) {
      const before = i === 0 ? previousCr : input[i - 1] === CR;
      if (!before) bareLf++;
    }
    previousCr = this.#lastWasCr;
    if (input.length > 0) this.#lastWasCr = input[input.length - 1] === CR;
    if (bareLf === 0) return input;

    const output = Buffer.allocUnsafe(input.length + bareLf);
    let written = 0;
    let start = 0;
    for (let i = input.indexOf(LF); i !== -1; i = input.indexOf(LF, i + 1)) {
      const before = i === 0 ? previousCr : input[i - 1] === CR;
      if (before) continue;
      written += input.copy(output, written, start, i);
      output[written++] = CR;
      start = i;
    }
    written += input.copy(output, written, start);
    return output;
  }
}

/** The whole-buffer form of `CrlfNormalizer`. */
export function toCrlf(input: Uint8Array): Buffer {
  return new CrlfNormalizer().push(input);
}
