import v8 from 'node:v8';
import vm from 'node:vm';

/** Message bytes streamed through the spool file between two young-generation collections. */
export const STREAM_BUDGET_BYTES = 4 * 1024 * 1024;

export type Collect = () => void;

/**
 * Keeps the dead Buffers of a large message from piling up.
 *
 * V8 frees a dead Buffer's memory only when a collection finds it, and it starts a
 * young-generation collection for Buffer memory alone only once twice its default semi-space
 * (32 MiB on 64-bit) of young ArrayBuffer memory has piled up. Small messages never get there:
 * their JavaScript objects fill the young generation first. A large message does: socket reads,
 * smtp-server's data chunks and spool reads allocate 64 KiB Buffers while almost no JavaScript
 * objects are made, so relaying 50 MB held 25 to 30 MB of dead Buffers at its peaks (the bare
 * relay of `pnpm bench:smtp` too). Counting the bytes that go through the spool file and asking
 * for a young-generation collection (a scavenge, about a millisecond) every
 * `STREAM_BUDGET_BYTES` bounds that to a few budgets, whatever the message size.
 *
 * The collection is V8's `gc({ type: 'minor' })`: `globalThis.gc` when Node runs with
 * `--expose-gc`, otherwise the same function from a new context after enabling the flag at run
 * time (the flag only adds that function). Where neither works, nothing is collected early.
 */
export class YoungGarbage {
  #streamed = 0;
  #collect: Collect | null | undefined;

  /** `collect` replaces V8's collection (tests); by default it is found at the first use. */
  constructor(collect?: Collect) {
    this.#collect = collect;
  }

  /** Counts `bytes` that went through the spool file; collects when the budget is spent. */
  streamed(bytes: number): void {
    this.#streamed += bytes;
    if (this.#streamed < STREAM_BUDGET_BYTES) return;
    this.#streamed = 0;
    this.#collect ??= minorCollector();
    this.#collect?.();
  }
}

/** One per process: the young generation is the process's. */
export const youngGarbage = new YoungGarbage();

/** V8's young-generation collection, or null when this runtime does not give it. */
export function minorCollector(): Collect | null {
  try {
    const exposed = (globalThis as { gc?: unknown }).gc;
    if (typeof exposed !== 'function') v8.setFlagsFromString('--expose-gc');
    const gc: unknown = typeof exposed === 'function' ? exposed : vm.runInNewContext('gc');
    return typeof gc === 'function' ? () => gc({ type: 'minor' }) : null;
  } catch {
    return null;
  }
}
