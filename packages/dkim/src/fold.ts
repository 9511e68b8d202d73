/** RFC 5322 §2.1.1: lines SHOULD be no more than 78 characters, excluding the CRLF. */
const MAX_LINE = 78;
/** Below this much room, a breakable value starts on a new line rather than with a stub. */
const MIN_PIECE = 8;

/**
 * Folds a header field as it is written: words go on the current line while they fit, otherwise on
 * a new line starting with one SP (FWS = CRLF WSP, RFC 5322 §3.2.2). Breakable values (base64, a
 * colon list) may fold anywhere, which DKIM allows for b=, bh= and h= (RFC 6376 §2.10, §3.5).
 */
export class Folder {
  readonly #lines: string[];

  constructor(start: string) {
    this.#lines = [start];
  }

  /** Appends `text` after `glue`, or on a new line when it would not fit. */
  word(text: string, glue = ' '): void {
    const line = this.#last();
    if (line.length + glue.length + text.length > MAX_LINE && line.trim() !== '') this.#lines.push(` ${text}`);
    else this.#setLast(line + glue + text);
  }

  /**
   * Appends `text`, which may be broken anywhere: whole on this line or the next when it fits
   * there, otherwise filling each line and folding wherever the line is full.
   */
  breakable(text: string, glue = ''): void {
    let rest = text;
    let room = MAX_LINE - this.#last().length - glue.length;
    if (rest.length > room && rest.length < MAX_LINE) {
      this.word(text, glue);
      return;
    }
    if (room < Math.min(MIN_PIECE, rest.length)) {
      this.#lines.push(' ');
      glue = '';
      room = MAX_LINE - 1;
    }
    this.#setLast(this.#last() + glue + rest.slice(0, room));
    rest = rest.slice(room);
    while (rest.length > 0) {
      this.#lines.push(` ${rest.slice(0, MAX_LINE - 1)}`);
      rest = rest.slice(MAX_LINE - 1);
    }
  }

  toString(): string {
    return this.#lines.join('\r\n');
  }

  #last(): string {
    return this.#lines[this.#lines.length - 1]!;
  }

  #setLast(line: string): void {
    this.#lines[this.#lines.length - 1] = line;
  }
}
