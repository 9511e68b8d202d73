import { problem, type MessageProblem } from './errors.js';
import { parseHeader, type HeaderField } from './header.js';

const LF = 0x0a;
const CR = 0x0d;

/** Where the header section ends and the body begins. */
interface Boundary {
  /** Length of the header section, its last line ending included. */
  headerEnd: number;
  /** Offset of the first body byte, after the empty line. */
  bodyStart: number;
}

export interface ParsedMessage {
  header: HeaderField[];
  /** The body bytes exactly as given (line ends not normalized). */
  body: Buffer;
  /** Offset of the body in the input; equal to the input length when there is no body. */
  bodyOffset: number;
}

export type MessageResult = { ok: true; message: ParsedMessage } | { ok: false; problem: MessageProblem };

/**
 * Splits a whole message into header fields and body. A message without the empty line is all
 * header and has an empty body (RFC 5322 §3.5: the body is optional).
 */
export function parseMessage(input: Uint8Array): MessageResult {
  const bytes = asBuffer(input);
  if (bytes.length === 0) return { ok: false, problem: problem('empty', 'no bytes') };
  const boundary = findBoundary(bytes, 0, true) ?? { headerEnd: bytes.length, bodyStart: bytes.length };
  const header = parseHeader(bytes.subarray(0, boundary.headerEnd));
  if (!header.ok) return header;
  return {
    ok: true,
    message: { header: header.fields, body: bytes.subarray(boundary.bodyStart), bodyOffset: boundary.bodyStart },
  };
}

export interface ReadOptions {
  /**
   * Give up with `header-too-large` when the header section (the fields, without the empty line
   * after them) is longer than this many bytes. Default 4 MiB. The decision does not depend on
   * how the stream is chunked.
   */
  maxHeaderBytes?: number;
}

export type StreamResult =
  | { ok: true; header: HeaderField[]; body: AsyncIterable<Buffer> }
  | { ok: false; problem: MessageProblem };

const DEFAULT_MAX_HEADER_BYTES = 4 * 1024 * 1024;

/**
 * Reads a message from a stream of chunks (a `Readable`, or any async iterable): resolves once the
 * header section is complete, with the rest of the stream as `body`, so that a large body is
 * processed as it arrives and never held whole. `body` must be consumed (or the source ended) by
 * the caller. When the header is refused, the source is closed (`return()` on its iterator). An
 * error thrown by the source is not a message problem and rejects the promise (or the body).
 */
export async function readMessage(source: AsyncIterable<Uint8Array>, options: ReadOptions = {}): Promise<StreamResult> {
  const maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const iterator = source[Symbol.asyncIterator]();
  const buffered = new GrowingBuffer();
  let boundary: Boundary | undefined;
  let ended = false;
  while (boundary === undefined) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      boundary = findBoundary(buffered.bytes, 0, true) ?? { headerEnd: buffered.length, bodyStart: buffered.length };
      break;
    }
    const scanFrom = Math.max(0, buffered.length - 2);
    buffered.append(next.value);
    boundary = findBoundary(buffered.bytes, scanFrom, false);
    // Without a boundary the header section ends at length - 1 at the earliest (a pending "\n\r"
    // may still become "\n\r\n"), so past that the limit is surely exceeded.
    if (boundary === undefined && buffered.length - 1 > maxHeaderBytes) break;
  }
  if (buffered.length === 0) return { ok: false, problem: problem('empty', 'no bytes') };
  if (boundary === undefined || boundary.headerEnd > maxHeaderBytes) {
    if (!ended) await iterator.return?.();
    return { ok: false, problem: problem('header-too-large', `header section over ${maxHeaderBytes} bytes`) };
  }
  const header = parseHeader(buffered.bytes.subarray(0, boundary.headerEnd));
  if (!header.ok) {
    if (!ended) await iterator.return?.();
    return header;
  }
  const rest = buffered.bytes.subarray(boundary.bodyStart);
  return { ok: true, header: header.fields, body: bodyOf(rest, ended ? undefined : iterator) };
}

async function* bodyOf(first: Buffer, iterator: AsyncIterator<Uint8Array> | undefined): AsyncGenerator<Buffer> {
  if (first.length > 0) yield first;
  if (iterator === undefined) return;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    yield asBuffer(next.value);
  }
}

/**
 * The header bytes seen so far, in one buffer that doubles when full, so that a header arriving
 * in many small chunks costs linear, not quadratic, copying.
 */
class GrowingBuffer {
  #store = Buffer.alloc(0);
  length = 0;

  get bytes(): Buffer {
    return this.#store.subarray(0, this.length);
  }

  append(chunk: Uint8Array): void {
    if (typeof chunk === 'string') throw new TypeError('message: readMessage needs chunks of bytes, not strings');
    const needed = this.length + chunk.byteLength;
    if (needed > this.#store.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#store.length * 2, 4096));
      this.#store.copy(grown, 0, 0, this.length);
      this.#store = grown;
    }
    this.#store.set(chunk, this.length);
    this.length = needed;
  }
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Finds the empty line that ends the header section, scanning from `from`. With `final` false, an
 * LF at the very end of the data is undecided (the next chunk may hold the empty line).
 */
function findBoundary(bytes: Buffer, from: number, final: boolean): Boundary | undefined {
  if (from === 0) {
    if (bytes[0] === LF) return { headerEnd: 0, bodyStart: 1 };
    if (bytes[0] === CR && bytes[1] === LF) return { headerEnd: 0, bodyStart: 2 };
  }
  for (let lf = bytes.indexOf(LF, from); lf !== -1; lf = bytes.indexOf(LF, lf + 1)) {
    const next = bytes[lf + 1];
    if (next === LF) return { headerEnd: lf + 1, bodyStart: lf + 2 };
    if (next === CR && bytes[lf + 2] === LF) return { headerEnd: lf + 1, bodyStart: lf + 3 };
    if (next === CR && lf + 2 >= bytes.length && !final) return undefined;
  }
  return undefined;
}
