import { ProblemFinder } from './relaxed-scan.js';
import type { Canonicalization } from './signature.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
/** CRLFs to emit held-back line ends from, without allocating per line. */
const CRLF_BLOCK = Buffer.from('\r\n'.repeat(2048));
const CR_ONLY = Buffer.from('\r');
/**
 * One output buffer shared by every relaxed canonicalizer: `push` and `end` run synchronously and
 * what they emit is only valid during the emit call, so no two uses can overlap, and no message
 * pays for allocating its own. It grows to the largest chunk seen (BodyHasher slices input).
 */
let shared = Buffer.allocUnsafe(64 * 1024);

function scratch(size: number): Buffer {
  if (shared.length < size) shared = Buffer.allocUnsafe(size);
  return shared;
}

/** Held line ends beyond this are emitted from CRLF_BLOCK rather than copied into a chunk's output. */
const MAX_INLINE_CRLF = 1024;

/** Receives canonicalized body octets; the buffer is only valid during the call. */
export type Emit = (canonical: Buffer) => void;

/**
 * A body canonicalization (RFC 6376 §3.4.3, §3.4.4) applied to a stream of chunks whose line ends
 * are already CRLF. Only a few counters cross chunk boundaries, never body bytes: trailing empty
 * lines are held as a count, so memory does not grow with the body however it ends.
 */
export interface BodyCanonicalizer {
  push(chunk: Buffer, emit: Emit): void;
  end(emit: Emit): void;
}

export function createBodyCanonicalizer(canonicalization: Canonicalization): BodyCanonicalizer {
  return canonicalization === 'relaxed' ? new RelaxedBody() : new SimpleBody();
}

function emitCrlfs(count: number, emit: Emit): void {
  for (let left = count; left > 0; left -= CRLF_BLOCK.length / 2) {
    emit(left * 2 >= CRLF_BLOCK.length ? CRLF_BLOCK : CRLF_BLOCK.subarray(0, left * 2));
  }
}

/**
 * RFC 6376 §3.4.3 "simple": the body unchanged, except that "*CRLF" at its end becomes one CRLF
 * (and an empty body, or one without a final CRLF, gets one).
 */
class SimpleBody implements BodyCanonicalizer {
  /** CRLFs seen after the last content octet: trailing empty lines until content follows. */
  #heldCrlf = 0;
  /** The chunk ended with CR: the start of a CRLF, or a bare CR (content). */
  #heldCr = false;

  push(chunk: Buffer, emit: Emit): void {
    if (chunk.length === 0) return;
    let start = 0;
    if (this.#heldCr) {
      this.#heldCr = false;
      if (chunk[0] === LF) {
        this.#heldCrlf++;
        start = 1;
      } else {
        this.#flush(emit);
        emit(CR_ONLY);
      }
    }
    let end = chunk.length;
    const trailingCr = end > start && chunk[end - 1] === CR;
    if (trailingCr) end--;
    let contentEnd = end;
    while (contentEnd - 2 >= start && chunk[contentEnd - 2] === CR && chunk[contentEnd - 1] === LF) contentEnd -= 2;
    const pairs = (end - contentEnd) / 2;
    if (contentEnd > start) {
      this.#flush(emit);
      emit(chunk.subarray(start, contentEnd));
      this.#heldCrlf = pairs;
    } else {
      this.#heldCrlf += pairs;
    }
    this.#heldCr = trailingCr;
  }

  end(emit: Emit): void {
    if (this.#heldCr) {
      // A bare CR at the very end is content.
      this.#flush(emit);
      emit(CR_ONLY);
    }
    // The held CRLFs collapse into this one; with none, it is the CRLF a body must end with.
    emitCrlfs(1, emit);
    this.#heldCrlf = 0;
    this.#heldCr = false;
  }

  #flush(emit: Emit): void {
    emitCrlfs(this.#heldCrlf, emit);
    this.#heldCrlf = 0;
  }
}

/**
 * RFC 6376 §3.4.4 "relaxed": WSP at the end of each line is dropped, every other WSP run becomes
 * one SP, empty lines at the end are dropped, and a non-empty body gets a final CRLF.
 *
 * Runs of text that need no change (no HTAB, no two WSP in a row, no WSP before CR) are found
 * with `indexOf`, which is native, and copied as they are; only the few octets around white space
 * and line ends go through the octet-by-octet state machine.
 */
class RelaxedBody implements BodyCanonicalizer {
  #heldCrlf = 0;
  #heldCr = false;
  /** WSP seen and not yet written: it becomes one SP if content follows on the same line. */
  #pendingWsp = false;
  /** Whether any octet has been written: an all-blank body canonicalizes to nothing. */
  #emittedAny = false;

  /** Where this chunk's output goes: the shared scratch buffer, or what is left of it after a spill. */
  #out: Buffer = Buffer.alloc(0);
  #written = 0;
  /** Line ends held from earlier chunks are too many to copy into this chunk's output: emit them apart. */
  #spill = false;

  push(chunk: Buffer, emit: Emit): void {
    const n = chunk.length;
    if (n === 0) return;
    // Every octet written is one read from this chunk, except what earlier chunks left owed: one SP,
    // one CR and the held line ends. Room is made for those, or (when many) they are emitted apart.
    this.#spill = this.#heldCrlf > MAX_INLINE_CRLF;
    this.#out = scratch(n + 8 + (this.#spill ? 0 : this.#heldCrlf * 2));
    this.#written = 0;
    const tail = contentEnd(chunk);
    const finder = new ProblemFinder(chunk);
    let i = 0;
    while (i < n) {
      if (i < tail && this.#isClean()) {
        const next = finder.next(i, tail);
        if (next > i) {
          this.#written += chunk.copy(this.#out, this.#written, i, next);
          this.#emittedAny = true;
          i = next;
          continue;
        }
      }
      this.#step(chunk[i]!, emit);
      i++;
    }
    emit(this.#out.subarray(0, this.#written));
  }

  end(emit: Emit): void {
    this.#spill = true;
    this.#out = scratch(8);
    this.#written = 0;
    if (this.#heldCr) {
      this.#heldCr = false;
      this.#flushBefore(emit);
      this.#put(CR);
      this.#emittedAny = true;
    }
    // One CRLF ends the last line whether or not it had one; trailing empty lines are dropped.
    if (this.#emittedAny) {
      this.#put(CR);
      this.#put(LF);
    }
    emit(this.#out.subarray(0, this.#written));
    this.#heldCrlf = 0;
    this.#pendingWsp = false;
  }

  #isClean(): boolean {
    return !this.#heldCr && !this.#pendingWsp && this.#heldCrlf === 0;
  }

  #step(octet: number, emit: Emit): void {
    if (this.#heldCr) {
      this.#heldCr = false;
      if (octet === LF) {
        // A line end: the WSP before it is trailing white space.
        this.#pendingWsp = false;
        this.#heldCrlf++;
        return;
      }
      // A bare CR is content.
      this.#flushBefore(emit);
      this.#put(CR);
      this.#emittedAny = true;
    }
    if (octet === SP || octet === HTAB) {
      this.#pendingWsp = true;
    } else if (octet === CR) {
      this.#heldCr = true;
    } else {
      this.#flushBefore(emit);
      this.#put(octet);
      this.#emittedAny = true;
    }
  }

  /** Writes what is owed before a content octet: the held line ends, then one SP for a WSP run. */
  #flushBefore(emit: Emit): void {
    if (this.#heldCrlf > 0) {
      if (this.#spill) {
        this.#spill = false;
        emit(this.#out.subarray(0, this.#written));
        this.#out = this.#out.subarray(this.#written);
        this.#written = 0;
        emitCrlfs(this.#heldCrlf, emit);
      } else {
        for (let k = 0; k < this.#heldCrlf; k++) {
          this.#out[this.#written++] = CR;
          this.#out[this.#written++] = LF;
        }
      }
      this.#heldCrlf = 0;
    }
    if (this.#pendingWsp) {
      this.#pendingWsp = false;
      this.#put(SP);
    }
  }

  #put(octet: number): void {
    if (this.#written >= this.#out.length) throw new Error('dkim: relaxed canonicalizer overran its buffer');
    this.#out[this.#written++] = octet;
  }
}

/** The index after the last octet that is not WSP, CR or LF: what follows may be trailing. */
function contentEnd(chunk: Buffer): number {
  let end = chunk.length;
  while (end > 0) {
    const octet = chunk[end - 1];
    if (octet !== SP && octet !== HTAB && octet !== CR && octet !== LF) break;
    end--;
  }
  return end;
}
