const CR = 0x0d;
const LF = 0x0a;

/**
 * Makes every line end of DATA a CRLF as it arrives, before anything reads the message.
 *
 * RFC 5321 §2.3.8 and RFC 5322 §2.2: lines end in CRLF; a bare CR or a bare LF is not a line end
 * SMTP knows. Receivers disagree about them: the message parser reads `Subject: x<CR>From: y` as
 * one field, a downstream (and the relay's own dot-stuffing, which must make them CRLF to close
 * SMTP smuggling) as two. So the filter settles the question once, on receipt: the bytes it
 * verifies (DKIM hashes them), inspects (From, forged Authentication-Results) and relays are the
 * same bytes, and no field can be hidden from it and shown to the downstream.
 *
 * A CR followed by LF stays; a bare CR gets an LF after it; a bare LF gets a CR before it. This is
 * the rule the relay's `DotStuffer` applies, so after it the relay changes no line end.
 */
export class LineEndNormalizer {
  /** The previous chunk's last byte: a CR there decides about this chunk's first byte. */
  #last: number | undefined;

  /** `chunk` itself when its line ends are all CRLF (the common case), else a repaired copy. */
  push(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const inserts: Array<{ at: number; byte: number }> = [];
    if (this.#last === CR && chunk[0] !== LF) inserts.push({ at: 0, byte: LF });
    let cr = chunk.indexOf(CR);
    let lf = chunk.indexOf(LF);
    while (cr !== -1 || lf !== -1) {
      if (lf === -1 || (cr !== -1 && cr < lf)) {
        const next = cr + 1;
        if (next < chunk.length && chunk[next] !== LF) inserts.push({ at: next, byte: LF });
        cr = chunk.indexOf(CR, next);
      } else {
        if ((lf === 0 ? this.#last : chunk[lf - 1]) !== CR) inserts.push({ at: lf, byte: CR });
        lf = chunk.indexOf(LF, lf + 1);
      }
    }
    this.#last = chunk[chunk.length - 1];
    return inserts.length === 0 ? chunk : withInserted(chunk, inserts);
  }

  /** What the data still needs at its end: the LF of a final bare CR. */
  end(): Buffer {
    return this.#last === CR ? Buffer.from([LF]) : Buffer.alloc(0);
  }
}

function withInserted(chunk: Buffer, inserts: ReadonlyArray<{ at: number; byte: number }>): Buffer {
  const output = Buffer.allocUnsafe(chunk.length + inserts.length);
  let written = 0;
  let from = 0;
  for (const { at, byte } of inserts) {
    written += chunk.copy(output, written, from, at);
    output[written++] = byte;
    from = at;
  }
  chunk.copy(output, written, from);
  return output;
}
