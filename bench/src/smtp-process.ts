import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { UsageReport, Request, Role, StartRequest } from './smtp-child.js';

type Pending = { resolve: (value: any) => void; reject: (error: Error) => void };
type Distributive<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Nothing in the benchmark waits longer than this for a server process to answer. */
const ANSWER_TIMEOUT_MS = 60_000;

/** A server of the benchmark in its own process (see `smtp-child.ts`), driven over IPC. */
export class ServerProcess {
  readonly role: Role;
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #next = 1;

  private constructor(role: Role, child: ChildProcess, port: number) {
    this.role = role;
    this.#child = child;
    this.port = port;
    child.on('message', (message: { id?: number }) => {
      const pending = message.id === undefined ? undefined : this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id!);
      pending.resolve(message);
    });
    child.on('exit', (code) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`bench: ${role} process exited (${code})`));
      this.#pending.clear();
    });
  }

  /** Starts the process; `execArgv` adds Node options (`--cpu-prof`). Its stdout (the filter's log) is discarded. */
  static async start(role: Role, start: Omit<StartRequest, 'type'> = {}, execArgv: string[] = []): Promise<ServerProcess> {
    const script = fileURLToPath(new URL('./smtp-child.js', import.meta.url));
    const child = fork(script, [role], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv });
    const ready = within(new Promise<{ port: number }>((resolve, reject) => {
      child.once('message', (message: { type: string; port: number }) => resolve(message));
      child.once('exit', (code) => reject(new Error(`bench: ${role} process exited (${code}) before it was ready`)));
    }), `${role} start`);
    child.send({ type: 'start', ...start } satisfies StartRequest);
    return new ServerProcess(role, child, (await ready).port);
  }

  usage(): Promise<UsageReport> {
    return this.#request({ type: 'usage' });
  }

  startSampling(): Promise<void> {
    return this.#request({ type: 'sample-start' });
  }

  stopSampling(): Promise<{ baselineRssBytes: number; peakRssBytes: number }> {
    return this.#request({ type: 'sample-stop' });
  }

  /** Closes the server and waits for the process to exit (which writes a `--cpu-prof` profile). */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    await this.#request({ type: 'stop' }).catch(() => undefined);
    await within(exited, `${this.role} exit`).catch(() => this.#child.kill('SIGKILL'));
  }

  #request<T>(request: Distributive<Request>): Promise<T> {
    const id = this.#next++;
    const answer = new Promise<T>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#child.send({ ...request, id });
    return within(answer, `${this.role} ${request.type}`);
  }
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: ${what} took over ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
