import type { RelayConfig } from '../config/schema.js';
import { DownstreamConnection } from './downstream.js';

interface Idle {
  connection: DownstreamConnection;
  timer: NodeJS.Timeout;
}

/**
 * How long a session released beyond `maxIdle` stays for the next transaction: Postfix's own
 * connection cache keeps an unused session for `smtp_connection_cache_time_limit`, 2 s by default.
 */
export const LINGER_MS = 2_000;

/**
 * Reuses downstream sessions between transactions (RFC 5321 §4.1.4: a session may carry any
 * number of transactions), saving the connect, EHLO and STARTTLS round trips of each message.
 * Only sessions that ended their last transaction cleanly come back; each is used for at most
 * `maxMessagesPerConnection` transactions and idles at most `idleTimeout`.
 *
 * `maxIdle` sessions wait up to `idleTimeout`; a session released while that many already wait
 * lingers `LINGER_MS` instead of closing at once. Under load the next transaction comes within
 * milliseconds: closing it made 4 transactions in 10 open a new session at 50 concurrent clients,
 * each paying connect, greeting and EHLO again (100 ms against a server that pauses before its
 * greeting, as smtp-server and Postfix's postscreen do). A lingering session was in use a moment
 * before, so the pool never holds more sessions than were busy at once in the last `LINGER_MS`.
 *
 * Sessions that carry XCLIENT are never pooled: XCLIENT binds a session to one client
 * (see `Relay`).
 */
export class DownstreamPool {
  readonly #idle: Idle[] = [];
  #config: RelayConfig;
  #closed = false;
  /** Sessions opened in total, for tests and metrics. */
  opened = 0;

  constructor(config: RelayConfig) {
    this.#config = config;
  }

  /** Applies a reloaded configuration: idle sessions made with the old one are closed. */
  reconfigure(config: RelayConfig): void {
    this.#config = config;
    this.drainIdle();
  }

  get idleCount(): number {
    return this.#idle.length;
  }

  get config(): RelayConfig {
    return this.#config;
  }

  /** An idle session that is still up (`reused`), or a new one. Rejects with `RelayError` when none can be had. */
  async acquire(): Promise<{ connection: DownstreamConnection; reused: boolean }> {
    for (let idle = this.#idle.pop(); idle !== undefined; idle = this.#idle.pop()) {
      clearTimeout(idle.timer);
      if (idle.connection.usable) return { connection: idle.connection, reused: true };
    }
    return { connection: await this.open(), reused: false };
  }

  async open(): Promise<DownstreamConnection> {
    this.opened++;
    return DownstreamConnection.open(this.#config);
  }

  /** Takes a session back after a transaction that ended cleanly (a final reply, or a successful RSET). */
  release(connection: DownstreamConnection): void {
    const { idleTimeout, maxIdle, maxMessagesPerConnection } = this.#config;
    // maxIdle 0 turns reuse off: no session waits, not even briefly.
    const reusable = !this.#closed && connection.usable && connection.transactions < maxMessagesPerConnection && maxIdle > 0;
    if (!reusable) {
      connection.quit();
      return;
    }
    const wait = this.#idle.length < maxIdle ? idleTimeout : Math.min(LINGER_MS, idleTimeout);
    const idle: Idle = {
      connection,
      timer: setTimeout(() => this.#expire(idle), wait),
    };
    idle.timer.unref();
    this.#idle.push(idle);
  }

  /** Closes the idle sessions (sessions in use are closed by their transactions). */
  drainIdle(): void {
    for (const idle of this.#idle.splice(0)) {
      clearTimeout(idle.timer);
      idle.connection.quit();
    }
  }

  close(): void {
    this.#closed = true;
    this.drainIdle();
  }

  #expire(idle: Idle): void {
    const index = this.#idle.indexOf(idle);
    if (index !== -1) this.#idle.splice(index, 1);
    idle.connection.quit();
  }
}
