import net from 'node:net';
import type { Submission } from './smtp-workload.js';

export interface Reply {
  code: number;
  /** The last line, without its code. */
  text: string;
}

/** No reply for this long means the server under test is stuck: the run fails rather than hangs. */
const REPLY_TIMEOUT_MS = 120_000;

/**
 * The sending side of the benchmark: a raw SMTP client that costs as little as possible, so the
 * figures are the server's. It pipelines MAIL, RCPT and DATA (RFC 2920) as Postfix does, and
 * writes each message as prepared bytes.
 */
export class BenchClient {
  readonly #socket: net.Socket;
  #buffer = '';
  readonly #replies: Reply[] = [];
  readonly #waiters: Array<{ resolve: (reply: Reply) => void; reject: (error: Error) => void }> = [];
  #closed: Error | undefined;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(REPLY_TIMEOUT_MS, () => socket.destroy(new Error('bench: no reply from the server in time')));
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#close(error));
    socket.on('close', () => this.#close(new Error('bench: connection closed')));
  }

  /** Connects from `localAddress` and reads the greeting. */
  static async connect(port: number, localAddress = '127.0.0.1'): Promise<{ client: BenchClient; greeting: Reply }> {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new BenchClient(socket);
    return { client, greeting: await client.reply() };
  }

  async command(line: string): Promise<Reply> {
    this.#socket.write(`${line}\r\n`);
    return this.reply();
  }

  /**
   * One transaction, envelope pipelined; resolves to the reply to the final dot, or to the first
   * refusal (after which the transaction is reset).
   */
  async transaction(submission: Submission): Promise<Reply> {
    this.#socket.write(`MAIL FROM:<${submission.from}>\r\nRCPT TO:<${submission.to}>\r\nDATA\r\n`);
    const envelope = [await this.reply(), await this.reply(), await this.reply()];
    if (envelope[2]!.code !== 354) {
      await this.command('RSET');
      return envelope.find((reply) => reply.code >= 400) ?? envelope[2]!;
    }
    this.#socket.write(submission.data);
    return this.reply();
  }

  reply(): Promise<Reply> {
    const next = this.#replies.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  async quit(): Promise<void> {
    if (this.#closed !== undefined) return;
    const closed = new Promise((resolve) => this.#socket.once('close', resolve));
    this.#socket.end('QUIT\r\n');
    await closed;
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buffer += chunk.toString('latin1');
    for (let end = this.#buffer.indexOf('\r\n'); end !== -1; end = this.#buffer.indexOf('\r\n')) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      // RFC 5321 §4.2.1: `NNN-` continues a reply, `NNN ` (or a bare `NNN`) ends it.
      if (line[3] !== '-') this.#deliver({ code: Number(line.slice(0, 3)), text: line.slice(4) });
    }
  }

  #deliver(reply: Reply): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve(reply);
    else this.#replies.push(reply);
  }

  #close(error: Error): void {
    this.#closed ??= error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#closed);
  }
}
