import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { looksLikeMbox, splitMbox, type MboxFormat } from './mbox.js';
import { maildirFiles } from './maildir.js';

/** One message to check: a name for the output, and its bytes on demand. */
export interface MessageSource {
  /** The path, `-` for standard input, `path#3` for the third message of an mbox. */
  name: string;
  /** Rejects with a `CliError` when the bytes cannot be had. */
  read(): Promise<Buffer>;
}

export interface InputOptions {
  /** Treat every file (and standard input) as an mbox, even one that does not look like it. */
  mbox: boolean;
  mboxFormat: MboxFormat;
  stdin: AsyncIterable<Uint8Array>;
}

export interface InputPlan {
  /** More than one message may follow: print per-message headings, a summary, a progress bar. */
  batch: boolean;
  /** How many messages there are, when known before reading (no mbox involved). */
  total: number | undefined;
  sources(): AsyncGenerator<MessageSource>;
}

type Entry =
  /** Standard input, or a pipe (`<(command)`): read once, up front, since it cannot be read twice. */
  | { kind: 'stream'; name: string; bytes: Buffer; mbox: boolean }
  | { kind: 'file'; path: string; mbox: boolean }
  | { kind: 'directory'; path: string; files: string[] };

/**
 * Checks every argument before anything is verified, so that a typo in a path fails at once
 * (exit 2) rather than after a long batch; then streams the messages in argument order.
 */
export async function planInputs(args: readonly string[], options: InputOptions): Promise<InputPlan> {
  if (args.length === 0) {
    throw new CliError('no-input', 'no input: give message files, a directory, an mbox, or - to read standard input');
  }
  if (args.filter((arg) => arg === '-').length > 1) throw new CliError('usage', 'standard input (-) can be read only once');
  const entries: Entry[] = [];
  for (const arg of args) entries.push(await entryOf(arg, options));
  const hasMbox = entries.some((entry) => entry.kind !== 'directory' && entry.mbox);
  const plan: InputPlan = {
    batch: entries.length > 1 || hasMbox || entries.some((entry) => entry.kind === 'directory'),
    total: hasMbox ? undefined : entries.reduce((sum, entry) => sum + (entry.kind === 'directory' ? entry.files.length : 1), 0),
    sources: () => sourcesOf(entries, options, () => { plan.total = undefined; }),
  };
  return plan;
}

async function entryOf(arg: string, options: InputOptions): Promise<Entry> {
  if (arg === '-') return streamEntry('-', 'standard input', await readAll(options.stdin), options);
  const info = await stat(arg).catch((error: unknown) => { throw fileError(arg, error); });
  if (info.isFIFO()) return streamEntry(arg, arg, await readPath(arg), options);
  if (info.isDirectory()) {
    const files = await directoryFiles(arg);
    if (files.length === 0) throw new CliError('no-messages', `${arg}: no messages in this directory`);
    return { kind: 'directory', path: arg, files };
  }
  // A device (/dev/zero, a terminal) could stream forever: refused rather than read.
  if (!info.isFile()) throw new CliError('unreadable', `${arg}: not a regular file, a directory or a pipe`);
  const mbox = looksLikeMbox(await head(arg));
  if (options.mbox && !mbox) throw notMbox(arg);
  return { kind: 'file', path: arg, mbox };
}

function streamEntry(name: string, label: string, bytes: Buffer, options: InputOptions): Entry {
  if (options.mbox && !looksLikeMbox(bytes)) throw notMbox(label);
  return { kind: 'stream', name, bytes, mbox: options.mbox || looksLikeMbox(bytes) };
}

async function* sourcesOf(entries: Entry[], options: InputOptions, sawMbox: () => void): AsyncGenerator<MessageSource> {
  for (const entry of entries) {
    if (entry.kind === 'stream') {
      if (entry.mbox) yield* mboxSources(entry.name, once(entry.bytes), options.mboxFormat);
      else yield { name: entry.name, read: async () => entry.bytes };
    } else if (entry.kind === 'file') {
      yield* fileSources(entry.path, entry.mbox, options);
    } else {
      for (const file of entry.files) {
        const detected = await head(file).then(looksLikeMbox, () => false);
        if (detected) sawMbox();
        yield* fileSources(file, detected, options);
      }
    }
  }
}

async function* fileSources(path: string, mbox: boolean, options: InputOptions): AsyncGenerator<MessageSource> {
  if (!mbox) {
    yield { name: path, read: () => readFile(path).catch((error: unknown) => { throw fileError(path, error); }) };
    return;
  }
  const stream = createReadStream(path);
  let failure: CliError | undefined;
  // A read error mid-file ends this mbox with an error entry; the batch goes on with the next input.
  const guarded = (async function* () {
    try {
      yield* stream;
    } catch (error) {
      failure = fileError(path, error);
    }
  })() as AsyncIterable<Uint8Array>;
  yield* mboxSources(path, guarded, options.mboxFormat);
  if (failure !== undefined) {
    const error = failure;
    yield { name: path, read: () => Promise.reject(error) };
  }
}

async function* mboxSources(name: string, chunks: AsyncIterable<Uint8Array>, format: MboxFormat): AsyncGenerator<MessageSource> {
  for await (const message of splitMbox(chunks, format)) {
    yield { name: `${name}#${message.index}`, read: async () => message.bytes };
  }
}

/** Maildir (cur/ and new/), or else the regular files directly inside, by name. */
async function directoryFiles(path: string): Promise<string[]> {
  const maildir = await maildirFiles(path).catch((error: unknown) => { throw fileError(path, error); });
  if (maildir !== undefined) return maildir;
  const names = await readdir(path, { withFileTypes: true }).catch((error: unknown) => { throw fileError(path, error); });
  return names
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(path, entry.name))
    .sort();
}

async function head(path: string): Promise<Buffer> {
  const handle = await open(path, 'r').catch((error: unknown) => { throw fileError(path, error); });
  try {
    const buffer = Buffer.alloc(5);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw fileError(path, error);
  } finally {
    await handle.close();
  }
}

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function notMbox(name: string): CliError {
  return new CliError('not-an-mbox', `${name}: not an mbox (it does not start with a "From " line)`);
}

/**
 * The bytes of one message file: a regular file or a pipe. A device (/dev/zero, a terminal)
 * could stream forever, so it is refused rather than read.
 */
export async function readMessageFile(path: string): Promise<Buffer> {
  const info = await stat(path).catch((error: unknown) => { throw fileError(path, error); });
  if (info.isDirectory()) throw new CliError('unreadable', `${path}: is a directory`);
  if (!info.isFile() && !info.isFIFO()) throw new CliError('unreadable', `${path}: not a regular file or a pipe`);
  return readPath(path);
}

function readPath(path: string): Promise<Buffer> {
  return readFile(path).catch((error: unknown) => { throw fileError(path, error); });
}

/** Turns a file system error into one readable line. */
export function fileError(path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new CliError('not-found', `${path}: no such file or directory`);
  if (code === 'EACCES' || code === 'EPERM') return new CliError('unreadable', `${path}: permission denied`);
  if (code === 'EISDIR') return new CliError('unreadable', `${path}: is a directory`);
  const reason = error instanceof Error ? error.message : String(error);
  return new CliError('unreadable', `${path}: cannot be read (${reason})`, { cause: error });
}
