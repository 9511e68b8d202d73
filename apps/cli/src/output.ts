import { colourWanted, painter, type Painter } from './colour.js';
import { errorLine } from './errors.js';
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
 * In `json` mode a single check prints one object and a batch prints one array, streamed.
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

  /** Bytes exactly as given (a signed message). */
  raw(bytes: Uint8Array | string): void {
    this.#io.stdout.write(bytes);
  }

  /** Erases the progress bar before an internal error is reported. */
  abort(): void {
    this.#progress?.done();
  }

  /** The end of a batch: the summary (stdout in text mode, stderr otherwise) and the closing `]`. */
  finish(summary?: Summary): void {
    this.#progress?.done();
    if (this.format === 'json' && this.#batch) this.#io.stdout.write(this.#printed === 0 ? '[]\n' : '\n]\n');
    if (summary === undefined) return;
    if (this.format === 'text') this.#io.stdout.write(`\n${summary.lines(this.paint).join('\n')}\n`);
    else this.#io.stderr.write(`${summary.lines(this.#errPaint).join('\n')}\n`);
  }

  #render(item: Printable): string {
    if (this.format === 'jsonl') return `${JSON.stringify(item.json)}\n`;
    if (this.format === 'json') {
      const text = JSON.stringify(item.json, null, 2);
      if (!this.#batch) return `${text}\n`;
      return `${this.#printed === 0 ? '[\n' : ',\n'}${indent(text)}`;
    }
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

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
