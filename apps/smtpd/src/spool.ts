import { randomUUID } from 'node:crypto';
import { read } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { youngGarbage } from './young-garbage.js';

const READ_CHUNK = 64 * 1024;

/**
 * A spooled message as another thread of this process can read it: the part held in memory in
 * one buffer that owns its whole ArrayBuffer (so it can be transferred, not copied), and the rest
 * by the spool file's descriptor, which every thread of the process shares.
 */
export interface SpooledMessage {
  head: Buffer;
  file?: { fd: number; length: number };
}

export interface SpoolOptions {
  /** Bytes kept in memory; everything after them goes to a temporary file. */
  memoryLimit: number;
  /** Directory of the temporary file. */
  directory: string;
}

/**
 * Holds one message between the end of DATA and the downstream server's answer, so that the
 * filter can decide before relaying (RFC 5321 §6.1: the message is ours once we say 250, so we
 * say it only after the downstream did).
 *
 * The first `memoryLimit` bytes stay in memory (the header section is read from there); the rest
 * goes to a temporary file, unlinked as soon as it is created so that a crash leaves nothing
 * behind. A 50 MB message therefore costs `memoryLimit` of heap, not 50 MB.
 */
export class Spool {
  readonly #options: SpoolOptions;
  readonly #memory: Buffer[] = [];
  #memoryBytes = 0;
  #file: FileHandle | undefined;
  #fileBytes = 0;
  #disposed = false;

  constructor(options: SpoolOptions) {
    this.#options = options;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.#memoryBytes + this.#fileBytes;
  }

  /** Bytes held in memory (never more than `memoryLimit`). */
  get memoryBytes(): number {
    return this.#memoryBytes;
  }

  get onDisk(): boolean {
    return this.#file !== undefined;
  }

  /** Appends a chunk; resolves once it is stored (callers await it for backpressure). */
  async write(chunk: Buffer): Promise<void> {
    if (this.#disposed) throw new Error('smtpd: write to a disposed spool');
    const room = Math.max(0, this.#options.memoryLimit - this.#memoryBytes);
    // Copied: the caller may reuse its buffer, and a small slice must not pin a large one.
    if (this.#file === undefined && chunk.length <= room) {
      this.#memory.push(Buffer.from(chunk));
      this.#memoryBytes += chunk.length;
      return;
    }
    if (room > 0 && this.#file === undefined) {
      this.#memory.push(Buffer.from(chunk.subarray(0, room)));
      this.#memoryBytes += room;
      chunk = chunk.subarray(room);
    }
    const file = this.#file ?? (await this.#openFile());
    let written = 0;
    while (written < chunk.length) {
      const { bytesWritten } = await file.write(chunk, written, chunk.length - written, this.#fileBytes + written);
      written += bytesWritten;
    }
    this.#fileBytes += chunk.length;
    youngGarbage.streamed(chunk.length);
  }

  /** The first `length` bytes (fewer when the message is shorter). */
  async readPrefix(length: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let total = 0;
    for await (const chunk of this.stream(0)) {
      const wanted = Math.min(chunk.length, length - total);
      parts.push(chunk.subarray(0, wanted));
      total += wanted;
      if (total >= length) break;
    }
    return Buffer.concat(parts, total);
  }

  /**
   * The message for another thread to read while this one leaves it alone (until the spool is
   * disposed): the in-memory part copied once into a transferable buffer, the file by descriptor.
   */
  handOff(): SpooledMessage {
    const head = Buffer.allocUnsafeSlow(this.#memoryBytes);
    let at = 0;
    for (const chunk of this.#memory) at += chunk.copy(head, at);
    return this.#file === undefined ? { head } : { head, file: { fd: this.#file.fd, length: this.#fileBytes } };
  }

  /** The stored bytes from `offset` on, in chunks. */
  async *stream(offset = 0): AsyncGenerator<Buffer> {
    let position = 0;
    for (const chunk of this.#memory) {
      const end = position + chunk.length;
      if (end > offset) yield chunk.subarray(Math.max(0, offset - position));
      position = end;
    }
    if (this.#file === undefined) return;
    yield* fileChunks(this.#file.fd, Math.max(0, offset - this.#memoryBytes), this.#fileBytes);
  }

  /** Releases the memory and closes the file. Safe to call more than once. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#memory.length = 0;
    const file = this.#file;
    this.#file = undefined;
    await file?.close();
  }

  async #openFile(): Promise<FileHandle> {
    const name = path.join(this.#options.directory, `authgate-smtpd-${randomUUID()}.eml`);
    // 'wx+': a fresh file we can read back; 0600: message content is private.
    const file = await open(name, 'wx+', 0o600);
    await unlink(name);
    this.#file = file;
    return file;
  }
}

const readAt = promisify(read);

/**
 * The bytes of a spool file from `from` to `length`, in chunks, read by descriptor: by the spool
 * itself and by a verification thread handed the message (`handOff`).
 */
export async function* fileChunks(fd: number, from: number, length: number): AsyncGenerator<Buffer> {
  for (let at = from; at < length; ) {
    const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, length - at));
    const { bytesRead } = await readAt(fd, buffer, 0, buffer.length, at);
    if (bytesRead === 0) throw new Error('smtpd: spool file shorter than written');
    at += bytesRead;
    youngGarbage.streamed(bytesRead);
    yield buffer.subarray(0, bytesRead);
  }
}
