/**
 * Splits an mbox (RFC 4155, application/mbox) into messages as the file streams in, so that a
 * mailbox of any size is read once and never held whole.
 *
 * A message starts at a `From ` separator line at the start of the file or after an empty line
 * (RFC 4155: the separator is the only line that may start with `From `; requiring the empty
 * line before it also keeps unescaped `From ` lines of sloppy mboxo writers inside their
 * message). Bodies were escaped on writing, and are unescaped here:
 * - `mboxrd`: every `>From `, `>>From `... lost one `>` (writers quote all such lines, so the
 *   transformation is reversible);
 * - `mboxo`: only `>From ` becomes `From ` (writers quoted only `From ` lines).
 */

export type MboxFormat = 'mboxrd' | 'mboxo';

export interface MboxMessage {
  /** 1-based position in the mailbox. */
  index: number;
  /** The separator line without `From ` and its line end, e.g. `alice@example.com Thu Jan  1 00:00:00 2026`. */
  envelope: string;
  /** The message bytes, unescaped, without the separator line and its trailing empty line. */
  bytes: Buffer;
}

const LF = 0x0a;
const FROM_ = Buffer.from('From ');

/** True when the data starts with an mbox separator line. */
export function looksLikeMbox(head: Uint8Array): boolean {
  return Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, FROM_.length)).equals(FROM_);
}

/** Yields each message of an mbox; the input must start with a `From ` line (see `looksLikeMbox`). */
export async function* splitMbox(chunks: AsyncIterable<Uint8Array>, format: MboxFormat = 'mboxrd'): AsyncGenerator<MboxMessage> {
  const splitter = new MboxSplitter(format);
  for await (const line of lines(chunks)) {
    const done = splitter.push(line);
    if (done !== undefined) yield done;
  }
  const last = splitter.end();
  if (last !== undefined) yield last;
}

/** Line-at-a-time state machine behind `splitMbox`. */
class MboxSplitter {
  readonly #format: MboxFormat;
  #current: { envelope: string; lines: Buffer[] } | undefined;
  #previousBlank = true;
  #index = 0;

  constructor(format: MboxFormat) {
    this.#format = format;
  }

  push(line: Buffer): MboxMessage | undefined {
    const separator = this.#previousBlank && startsWith(line, FROM_);
    this.#previousBlank = isBlank(line);
    if (separator) {
      const finished = this.end();
      this.#current = { envelope: envelopeOf(line), lines: [] };
      return finished;
    }
    // Bytes before the first separator belong to no message; looksLikeMbox keeps them away.
    this.#current?.lines.push(unescapeFrom(line, this.#format));
    return undefined;
  }

  end(): MboxMessage | undefined {
    const current = this.#current;
    if (current === undefined) return undefined;
    this.#current = undefined;
    // The empty line a writer adds after each message is mbox framing, not message content.
    const last = current.lines.at(-1);
    if (last !== undefined && isBlank(last)) current.lines.pop();
    this.#index += 1;
    return { index: this.#index, envelope: current.envelope, bytes: Buffer.concat(current.lines) };
  }
}

/** Splits a byte stream into lines, each keeping its LF (the last one may lack it). */
export async function* lines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const data = carry.length === 0 ? asBuffer(chunk) : Buffer.concat([carry, chunk]);
    let start = 0;
    for (let lf = data.indexOf(LF); lf !== -1; lf = data.indexOf(LF, start)) {
      yield data.subarray(start, lf + 1);
      start = lf + 1;
    }
    carry = data.subarray(start);
  }
  if (carry.length > 0) yield carry;
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function unescapeFrom(line: Buffer, format: MboxFormat): Buffer {
  if (line[0] !== 0x3e /* > */) return line;
  let quotes = 0;
  while (line[quotes] === 0x3e) quotes++;
  if (!startsWith(line.subarray(quotes), FROM_)) return line;
  if (format === 'mboxo' && quotes !== 1) return line;
  return line.subarray(1);
}

function startsWith(line: Buffer, prefix: Buffer): boolean {
  return line.length >= prefix.length && line.subarray(0, prefix.length).equals(prefix);
}

function isBlank(line: Buffer): boolean {
  return line.length === 0 || (line.length === 1 && line[0] === LF) || (line.length === 2 && line[0] === 0x0d && line[1] === LF);
}

function envelopeOf(line: Buffer): string {
  return line.toString('latin1', FROM_.length).replace(/\r?\n$/, '');
}
