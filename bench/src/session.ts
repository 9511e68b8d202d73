import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildMessage } from './child.js';
import type { WorkloadName } from './workloads.js';

type Of<T extends ChildMessage['type']> = Extract<ChildMessage, { type: T }>;

/** The parent's end of one workload's child process (see child.ts for the protocol). */
export class ChildSession {
  readonly name: WorkloadName;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  #stderr = '';

  private constructor(name: WorkloadName, child: ChildProcessWithoutNullStreams) {
    this.name = name;
    this.#child = child;
    this.#lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
  }

  /** Starts the child and waits until it has loaded and warmed up. */
  static async start(name: WorkloadName, argv: { seed: number; count: number; warmupMs: number }): Promise<{ session: ChildSession; ready: Of<'ready'> }> {
    const script = fileURLToPath(new URL('./child.js', import.meta.url));
    const child = spawn(process.execPath, [script, name, String(argv.seed), String(argv.count), String(argv.warmupMs)], { stdio: 'pipe' });
    const session = new ChildSession(name, child);
    return { session, ready: await session.#read('ready') };
  }

  /** One timed pass over the corpus. */
  async pass(): Promise<Of<'pass'>> {
    this.#child.stdin.write('run\n');
    return this.#read('pass');
  }

  /** Ends the child; its peak RSS. */
  async end(): Promise<Of<'end'>> {
    this.#child.stdin.end('end\n');
    return this.#read('end');
  }

  /** Stops the child at once (after a failure elsewhere). */
  kill(): void {
    this.#child.kill();
  }

  async #read<T extends ChildMessage['type']>(type: T): Promise<Of<T>> {
    const next = await this.#lines.next();
    if (next.done === true) throw new Error(`bench: the ${this.name} child ended early:\n${this.#stderr}`);
    const message = JSON.parse(next.value) as ChildMessage;
    if (message.type !== type) throw new Error(`bench: the ${this.name} child said ${message.type}, expected ${type}`);
    return message as Of<T>;
  }
}
