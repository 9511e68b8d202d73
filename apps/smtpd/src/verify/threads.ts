import { Worker } from 'node:worker_threads';
import type { DnsObservation } from '../dns-observer.js';
import type { SpooledMessage } from '../spool.js';
import type { Report } from './report.js';
import type { ThreadMessage, ThreadOptions, ThreadSetup, VerifyRequest, VerifyResponse } from './protocol.js';

/**
 * The thread's script, as built JavaScript: the same relative path from `src/verify/` (tests run
 * the sources) and from `dist/verify/`, since a worker cannot load TypeScript.
 */
const THREAD_ENTRY = new URL('../../dist/verify/thread-entry.js', import.meta.url);

interface Slot {
  worker: Worker | undefined;
  /** Settles when the thread has built its resolver, or fails if it ends before. */
  ready: Promise<void>;
  /** Requests sent and not answered, by id: each settles with the report or, if the thread dies, an error. */
  pending: Map<number, (report: Report) => void>;
}

export interface ThreadsOptions {
  count: number;
  setup: ThreadSetup;
  /** Each DNS question a thread asked, for the metrics. */
  onDns: (observation: DnsObservation) => void;
  /** A thread ended while running (it is started again when the next message comes). */
  onLost: (error: Error, failedMessages: number) => void;
  /** The thread's script; tests give one that misbehaves. */
  entry?: URL;
}

/**
 * Verification threads: each message goes whole to the thread with the fewest messages in hand,
 * and its report comes back. A thread that dies fails the messages it held (their clients get a
 * temporary error and send again, nothing is lost) and is started afresh for the next message.
 */
export class VerificationThreads {
  readonly #slots: Slot[];
  readonly #options: ThreadsOptions;
  #nextId = 0;
  #closed = false;

  constructor(options: ThreadsOptions) {
    this.#options = options;
    this.#slots = Array.from({ length: options.count }, () => ({ worker: undefined, ready: Promise.resolve(), pending: new Map() }));
    for (const slot of this.#slots) this.#start(slot);
  }

  /** Resolves once every thread is up; rejects with the first that could not start (a resolver it cannot build). */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.ready));
  }

  /** Verifies `message` (`Spool.handOff()`); its in-memory part is transferred to the thread. */
  verify(message: SpooledMessage, options: ThreadOptions): Promise<Report> {
    if (this.#closed) return Promise.resolve({ ok: false, error: new Error('smtpd: verification threads are closed') });
    const slot = this.#slots.reduce((least, candidate) => (candidate.pending.size < least.pending.size ? candidate : least));
    const worker = slot.worker ?? this.#start(slot);
    const id = this.#nextId++;
    return new Promise<Report>((resolve) => {
      slot.pending.set(id, resolve);
      const request: VerifyRequest = { id, message, options };
      try {
        worker.postMessage(request, [message.head.buffer as ArrayBuffer]);
      } catch (error) {
        // Something in the request that cannot be cloned: this message fails, the thread is fine.
        slot.pending.delete(id);
        resolve({ ok: false, error });
      }
    });
  }

  /** Stops every thread; messages still in hand fail. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((slot) => slot.worker?.terminate()));
  }

  #start(slot: Slot): Worker {
    // No Node flags from the process: the thread runs built JavaScript, and a `--conditions` that
    // points the workspace packages at their TypeScript sources (the test runner's) would break it.
    const worker = new Worker(this.#options.entry ?? THREAD_ENTRY, { workerData: this.#options.setup, execArgv: [] });
    // Idle threads do not keep the process alive; a message in hand has its client's socket for that.
    worker.unref();
    let started!: () => void;
    let failed!: (error: Error) => void;
    slot.ready = new Promise<void>((resolve, reject) => ((started = resolve), (failed = reject)));
    // Awaited only by `ready()`; a thread that fails later is reported through `onLost`.
    slot.ready.catch(() => undefined);
    worker.on('message', (message: ThreadMessage) => (message.type === 'ready' ? started() : this.#answer(slot, message)));
    // An uncaught error ends the thread: 'exit' follows and fails what it held.
    let failure: Error | undefined;
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => failed(this.#lost(slot, worker, code, failure)));
    slot.worker = worker;
    return worker;
  }

  #answer(slot: Slot, response: VerifyResponse): void {
    for (const observation of response.dns) this.#options.onDns(observation);
    const settle = slot.pending.get(response.id);
    slot.pending.delete(response.id);
    settle?.(response.ok ? { ok: true, report: response.report } : { ok: false, error: new Error(response.error) });
  }

  /** Fails what the thread held and says why it ended. */
  #lost(slot: Slot, worker: Worker, code: number, failure: Error | undefined): Error {
    const reason = failure === undefined ? `exited with code ${code}` : `failed: ${failure.message}`;
    const error = new Error(`smtpd: verification thread ${reason}`, { cause: failure });
    if (slot.worker !== worker) return error;
    // Started again on the next message, not here: a thread that cannot start must not spin.
    slot.worker = undefined;
    for (const settle of slot.pending.values()) settle({ ok: false, error });
    if (!this.#closed) this.#options.onLost(error, slot.pending.size);
    slot.pending.clear();
    return error;
  }
}
