const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;

/**
 * Finds the next place where relaxed canonicalization changes the text: an HTAB, two spaces, or a
 * space before CR. HTAB and CR are found with single-octet searches (memchr). Two spaces are the
 * costly one: Buffer#indexOf with a two-octet needle stops at every space, so the chunk is instead
 * read as 16-bit units, once from an even and once from an odd offset, and searched for 0x2020
 * (the same either byte order), which V8 does several times faster. Each pattern's next position is
 * remembered, so the chunk is searched once per pattern, not once per call.
 */
export class ProblemFinder {
  readonly #chunk: Buffer;
  #tab = -1;
  #spaceCr = -1;
  #evenUnits: Uint16Array | undefined;
  #oddUnits: Uint16Array | undefined;
  #evenDouble = -1;
  #oddDouble = -1;

  constructor(chunk: Buffer) {
    this.#chunk = chunk;
  }

  /** The first octet at or after `from` (and before `limit`) that the state machine must see. */
  next(from: number, limit: number): number {
    const chunk = this.#chunk;
    if (this.#tab !== Infinity && this.#tab < from) this.#tab = found(chunk.indexOf(HTAB, from));
    if (this.#spaceCr !== Infinity && this.#spaceCr < from) this.#spaceCr = this.#nextSpaceCr(from);
    let at = Math.min(this.#tab, this.#spaceCr, this.#nextDoubleSpace(from), limit);
    // A run that starts with one SP before an HTAB belongs to the state machine as a whole.
    if (at > from && at < limit && chunk[at - 1] === SP) at--;
    return at;
  }

  /** The SP of the next "SP CR" at or after `from`: one memchr per line end. */
  #nextSpaceCr(from: number): number {
    const chunk = this.#chunk;
    for (let cr = chunk.indexOf(CR, from + 1); cr !== -1; cr = chunk.indexOf(CR, cr + 1)) {
      if (chunk[cr - 1] === SP) return cr - 1;
    }
    return Infinity;
  }

  /** The first SP of the next "SP SP" at or after `from`. */
  #nextDoubleSpace(from: number): number {
    if (this.#evenUnits === undefined) {
      // Unit k of `even` is octets (2k, 2k+1); unit k of `odd` is octets (2k-1, 2k).
      this.#evenUnits = unitsOf(this.#chunk, 0, evenScratch);
      this.#oddUnits = unitsOf(this.#chunk, 1, oddScratch);
    }
    if (this.#evenDouble !== Infinity && this.#evenDouble < from) {
      this.#evenDouble = found(this.#evenUnits.indexOf(DOUBLE_SPACE, (from + 1) >> 1)) * 2;
    }
    if (this.#oddDouble !== Infinity && this.#oddDouble < from) {
      this.#oddDouble = found(this.#oddUnits!.indexOf(DOUBLE_SPACE, (from + 2) >> 1)) * 2 - 1;
    }
    return Math.min(this.#evenDouble, this.#oddDouble);
  }
}

const DOUBLE_SPACE = 0x2020;
/** Aligned copies of the chunk being searched, shared like the output buffer (searches are synchronous). */
const evenScratch = { buffer: Buffer.allocUnsafeSlow(64 * 1024) };
const oddScratch = { buffer: Buffer.allocUnsafeSlow(64 * 1024) };

/** The chunk copied `shift` octets into an aligned scratch buffer, seen as 16-bit units. */
function unitsOf(chunk: Buffer, shift: number, scratchBuffer: { buffer: Buffer }): Uint16Array {
  const size = chunk.length + shift + 1;
  if (scratchBuffer.buffer.length < size) scratchBuffer.buffer = Buffer.allocUnsafeSlow(size);
  const target = scratchBuffer.buffer;
  if (shift === 1) target[0] = 0;
  chunk.copy(target, shift);
  target[chunk.length + shift] = 0;
  // allocUnsafeSlow buffers own their memory from offset 0: the copy starts at an even address.
  return new Uint16Array(target.buffer, target.byteOffset, size >> 1);
}

function found(index: number): number {
  return index === -1 ? Infinity : index;
}
