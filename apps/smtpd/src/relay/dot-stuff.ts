const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

const CR_ONLY = Buffer.from('\r');
const LF_ONLY = Buffer.from('\n');
const LF_DOT = Buffer.from('\n.');
const DOT_ONLY = Buffer.from('.');
const END_AFTER_LF = Buffer.from('.\r\n');
const END_AFTER_CR = Buffer.from('\n.\r\n');
const END_OTHERWISE = Buffer.from('\r\n.\r\n');

/**
 * The message as it goes after DATA (RFC 5321 §4.5.2): a dot that starts a line is doubled, and
 * the data ends with `CRLF . CRLF`. Lines end in CRLF only (RFC 5321 §2.3.8): a bare CR or a bare
 * LF becomes CRLF, so that no receiver can read `<CR>.<CR>` or `<LF>.<LF>` as the end of the data
 * (SMTP smuggling), and a dot after a bare CR is stuffed like any other at the start of a line.
 * Byte for byte this is what nodemailer's `DataStream` writes; unlike it, the scan jumps from
 * line end to line end with `indexOf` instead of visiting each byte in JavaScript, and returns
 * slices of the input rather than copies.
 */
export class DotStuffer {
  /** The previous chunk's last byte; undefined before the first: the data starts at a line start. */
  #last: number | undefined;

  /** The bytes to send for `chunk`: slices of it, with the inserted bytes between them. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    const pieces: Buffer[] = [];
    let from = 0;
    const insert = (at: number, bytes: Buffer) => {
      if (at > from) pieces.push(chunk.subarray(from, at));
      pieces.push(bytes);
      from = at;
    };
    // A CR or LF at the very end of the previous chunk decides about this one's first byte.
    if (this.#last === CR && chunk[0] !== LF) insert(0, chunk[0] === DOT ? LF_DOT : LF_ONLY);
    else if (chunk[0] === DOT && (this.#last === LF || this.#last === undefined)) insert(0, DOT_ONLY);
    let cr = chunk.indexOf(CR);
    let lf = chunk.indexOf(LF);
    while (cr !== -1 || lf !== -1) {
      if (lf === -1 || (cr !== -1 && cr < lf)) {
        // A CR: unless LF follows, it is a bare CR and gets one; what follows it starts a line.
        const next = cr + 1;
        if (next < chunk.length && chunk[next] !== LF) insert(next, chunk[next] === DOT ? LF_DOT : LF_ONLY);
        cr = chunk.indexOf(CR, next);
      } else {
        // An LF: a CR before it unless there is one already; a dot after it is doubled.
        if ((lf === 0 ? this.#last : chunk[lf - 1]) !== CR) insert(lf, CR_ONLY);
        const next = lf + 1;
        if (next < chunk.length && chunk[next] === DOT) insert(next, DOT_ONLY);
        lf = chunk.indexOf(LF, next);
      }
    }
    this.#last = chunk[chunk.length - 1];
    if (from < chunk.length) pieces.push(from === 0 ? chunk : chunk.subarray(from));
    return pieces;
  }

  /** The end of the data: the last line's CRLF (completed or added) and the `.` line. */
  end(): Buffer {
    return this.#last === LF ? END_AFTER_LF : this.#last === CR ? END_AFTER_CR : END_OTHERWISE;
  }
}
