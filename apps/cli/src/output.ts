import { colourWanted, painter, type Painter } from './colour.js';
import { CliError, errorLine } from './errors.js';
import { createProgress, type Progress } from './progress.js';
import type { Summary } from './summary.js';

/** `text` for people, `json` for one document, `jsonl` for one line per result. */
export type Format = 'text' | 'json' | 'jsonl';

export interface OutStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string | Uint8Array): unknown;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
}

/** One result, in both shapes; the output module picks the one the user asked for. */
export interface Printable {
  /** The input it is about, printed as a heading in a batch. */
  name?: string;
  json: unknown;
  /** Lines for people; may use `output.paint`. */
  text: string;
}

/**
 * The only place that writes to stdout and stderr. Results go to stdout in the chosen format;
 * errors, notes, the progress bar (and, in JSON modes, the summary) go to stderr, so that
 * stdout stays parseable.
 *
 * Both JSON modes print exactly one object per message, whatever the number of inputs, so that
 * a script reads one message and a mailbox the same way: `json` pretty-printed, one object after
 * another (a stream `jq` reads as it comes; a single message is one JSON document), `jsonl`
 * compact, one object per line. A message that could not be checked is an object too, with an
 * `error` member (see `failure`).
 */
export class Output {
  readonly format: Format;
  /** Colours for stdout (only on a TTY, never with NO_COLOR). */
  readonly paint: Painter;
  readonly #io: Io;
  readonly #batch: boolean;
  readonly #errPaint: Painter;
  #progress: Progress | undefined;
  #printed = 0;

  constructor(io: Io, format: Format, options: { batch?: boolean } = {}) {
    this.#io = io;
    this.format = format;
    this.#batch = options.batch ?? false;
    this.paint = painter(colourWanted(io.stdout, io.env));
    this.#errPaint = painter(colourWanted(io.stderr, io.env));
  }

  /** Shows a progress bar on stderr for a batch, when stderr is a terminal. */
  startProgress(total: () => number | undefined): void {
    if (this.#batch) this.#progress = createProgress(this.#io.stderr, total);
  }

  tick(): void {
    this.#progress?.tick();
  }

  result(item: Printable): void {
    this.#around(() => this.#io.stdout.write(this.#render(item)));
    this.#printed += 1;
  }

  /** Information for people that is not a result (e.g. where the envelope came from). */
  note(text: string): void {
    this.#around(() => this.#io.stderr.write(`${this.#errPaint.dim(`authgate: ${text}`)}\n`));
  }

  /** One line per error, never a stack trace. */
  error(error: unknown): void {
    this.#around(() => this.#io.stderr.write(`${errorLine(error)}\n`));
  }

  /**
   * An input that could not be checked: its line on stderr, as `source: message`, and in the
   * JSON modes also `{ "source", "error": { "code", "message" } }` in its place on stdout, so
   * that a script sees every input.
   */
  failure(source: string, error: CliError): void {
    this.error(error.message.startsWith(`${source}: `) ? error : new CliError(error.code, `${source}: ${error.message}`, { cause: error }));
    if (this.format === 'text') return;
    const message = error.message.startsWith(`${source}: `) ? error.message.slice(source.length + 2) : error.message;
    this.#around(() => this.#io.stdout.write(this.#render({ json: { source, error: { code: error.code, message } }, text: '' })));
  }

  /** Bytes exactly as given (a signed message). */
  raw(bytes: Uint8Array | string): void {
    this.#io.stdout.write(bytes);
  }

  /** Erases the progress bar before an internal error is reported. */
  abort(): void {
    this.#progress?.done();
  }

  /** The end of a batch: the summary (stdout in text mode, stderr in the JSON modes). */
  finish(summary?: Summary): void {
    this.#progress?.done();
    if (summary === undefined) return;
    if (this.format === 'text') this.#io.stdout.write(`\n${summary.lines(this.paint).join('\n')}\n`);
    else this.#io.stderr.write(`${summary.lines(this.#errPaint).join('\n')}\n`);
  }

  #render(item: Printable): string {
    if (this.format === 'jsonl') return `${JSON.stringify(item.json)}\n`;
    if (this.format === 'json') return `${JSON.stringify(item.json, null, 2)}\n`;
    const body = item.text.endsWith('\n') ? item.text : `${item.text}\n`;
    if (!this.#batch || item.name === undefined) return body;
    return `${this.#printed === 0 ? '' : '\n'}${this.paint.bold(`# ${item.name}`)}\n${body}`;
  }

  #around(write: () => void): void {
    this.#progress?.clear();
    write();
    this.#progress?.redraw();
  }
}
