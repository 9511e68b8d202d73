import type { Socket } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { RelayConfig } from '../config/schema.js';
import { parseReply, type Reply } from '../reply.js';
import { DotStuffer } from './dot-stuff.js';

/** Why the downstream conversation ended without a reply. */
export type RelayErrorCode = 'downstream-unavailable' | 'downstream-timeout' | 'downstream-lost' | 'downstream-protocol';

export class RelayError extends Error {
  override readonly name = 'RelayError';
  readonly code: RelayErrorCode;

  constructor(code: RelayErrorCode, message: string, options?: { cause?: unknown }) {
    super(`smtpd: ${message}`, options);
    this.code = code;
  }
}

/**
 * nodemailer's SMTPConnection sets up the session (connect, greeting, EHLO, STARTTLS, its
 * timeouts and reply parsing) but only sends whole messages through `send()`. The filter needs the
 * transaction step by step, to pass each RCPT reply back to its client. These are the two members
 * nodemailer's own commands (and its public `customAuth.sendCommand`) are built on: a queue of
 * reply handlers and the command writer. They are used here and nowhere else.
 */
interface CommandChannel {
  _responseActions: Array<(reply: string) => void>;
  _sendCommand(line: string): void;
}

interface Pending {
  reject: (error: RelayError) => void;
}

export type DownstreamOptions = Pick<
  RelayConfig,
  'host' | 'port' | 'tls' | 'verifyCertificate' | 'heloName' | 'connectTimeout' | 'commandTimeout' | 'dataTimeout'
>;

/**
 * One SMTP session with the downstream server. Commands resolve to the server's reply whatever
 * its code; they reject with a `RelayError` only when no reply can come (connection lost, timed
 * out), after which the session is closed and unusable.
 */
export class DownstreamConnection {
  readonly #connection: SMTPConnection;
  readonly #channel: CommandChannel;
  readonly #options: DownstreamOptions;
  readonly #pending = new Set<Pending>();
  #extensions = new Map<string, string>();
  #closed = false;
  #lostReason: RelayError | undefined;
  /** Transactions started on this session. */
  transactions = 0;

  private constructor(connection: SMTPConnection, options: DownstreamOptions) {
    this.#connection = connection;
    this.#channel = connection as unknown as CommandChannel;
    this.#options = options;
    connection.on('error', (error: Error & { code?: string }) => {
      this.#lose(new RelayError(error.code === 'ETIMEDOUT' ? 'downstream-timeout' : 'downstream-lost', error.message, { cause: error }));
    });
    connection.on('end', () => this.#lose(new RelayError('downstream-lost', 'downstream connection closed')));
  }

  /** Connects, says EHLO and upgrades with STARTTLS as configured. */
  static open(options: DownstreamOptions): Promise<DownstreamConnection> {
    const connection = new SMTPConnection({
      host: options.host,
      port: options.port,
      name: options.heloName,
      secure: false,
      ignoreTLS: options.tls === 'off',
      requireTLS: options.tls === 'required',
      // RFC 7435: opportunistic security; a failed STARTTLS is no reason to stop delivering.
      opportunisticTLS: options.tls === 'opportunistic',
      tls: { rejectUnauthorized: options.verifyCertificate, ...(options.verifyCertificate ? {} : { checkServerIdentity: () => undefined }) },
      connectionTimeout: options.connectTimeout,
      greetingTimeout: options.connectTimeout,
      socketTimeout: Math.max(options.commandTimeout, options.dataTimeout) + 1_000,
      logger: false,
    });
    const downstream = new DownstreamConnection(connection, options);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error & { code?: string }) => {
        if (settled) return;
        settled = true;
        connection.close();
        const timedOut = error.code === 'ETIMEDOUT';
        reject(new RelayError(timedOut ? 'downstream-timeout' : 'downstream-unavailable', error.message, { cause: error }));
      };
      // A refused or timed-out connection is reported as 'error', not to the connect callback.
      connection.once('error', fail);
      connection.once('end', () => fail(new Error('downstream closed the connection during setup')));
      connection.connect((error) => {
        if (error !== undefined && error !== null) return fail(error);
        if (settled) return;
        settled = true;
        downstream.#readExtensions(connection.lastServerResponse || '');
        resolve(downstream);
      });
    });
  }

  /** EHLO keywords (upper case) and their parameters, e.g. `SIZE` → `10240000`. */
  get extensions(): ReadonlyMap<string, string> {
    return this.#extensions;
  }

  get secure(): boolean {
    return this.#connection.secure;
  }

  get usable(): boolean {
    return !this.#closed && !this.#connection.destroyed;
  }

  /** Sends one command line and resolves to the reply. */
  async command(line: string, timeoutMs = this.#options.commandTimeout): Promise<Reply> {
    const exchange = this.#expectReply(line);
    exchange.arm(timeoutMs);
    return parseReply(await exchange.reply);
  }

  /**
   * Sends several command lines in one write (RFC 2920 §3.1: only to a server that offers
   * PIPELINING) and resolves each to its reply, in order.
   */
  pipeline(lines: readonly string[], timeoutMs = this.#options.commandTimeout): Array<Promise<Reply>> {
    const socket = this.#connection._socket;
    const corked = socket !== false && socket !== null && !socket.destroyed;
    if (corked) socket.cork();
    try {
      return lines.map((line) => {
        const exchange = this.#expectReply(line);
        exchange.arm(timeoutMs);
        return exchange.reply.then(parseReply);
      });
    } finally {
      if (corked) socket.uncork();
    }
  }

  /**
   * Says EHLO again and reads the new keywords. After XCLIENT, which restarts the session, the
   * name is the client's own (Postfix XCLIENT_README: the EHLO that follows names the client).
   */
  async ehlo(name = this.#options.heloName): Promise<Reply> {
    const exchange = this.#expectReply(`EHLO ${name}`);
    exchange.arm(this.#options.commandTimeout);
    const raw = await exchange.reply;
    const reply = parseReply(raw);
    if (reply.code === 250) this.#readExtensions(raw);
    return reply;
  }

  /**
   * DATA: sends the command; on 354 streams `message` (dot-stuffed, CRLF line ends, RFC 5321
   * §4.5.2) and resolves to the reply to the final dot. Any other reply to DATA is returned as is.
   * The final reply is awaited for `dataTimeout` from the moment the last byte is sent; while
   * bytes flow, the socket's inactivity timeout applies.
   */
  async data(message: AsyncIterable<Buffer>): Promise<Reply> {
    const go = await this.command('DATA');
    if (go.code !== 354) return go;
    const socket = this.#connection._socket;
    if (socket === false || socket === null) throw this.#lost();
    // Queued before the first byte: a server may answer (and refuse) before the dot.
    const final = this.#expectReply(undefined);
    try {
      await writeData(socket, message);
    } catch (error) {
      this.#lose(new RelayError('downstream-lost', `message stream failed: ${(error as Error).message}`, { cause: error }));
    }
    final.arm(this.#options.dataTimeout);
    return parseReply(await final.reply);
  }

  /** RSET (RFC 5321 §4.1.1.5): true when the session is clean for the next transaction. */
  async reset(): Promise<boolean> {
    try {
      const reply = await this.command('RSET');
      return reply.code === 250;
    } catch {
      return false;
    }
  }

  /** QUIT politely, without waiting. */
  quit(): void {
    if (!this.usable) return;
    this.#closed = true;
    this.#connection.quit();
    this.#rejectAll(new RelayError('downstream-lost', 'downstream session closed'));
  }

  close(): void {
    this.#closed = true;
    this.#connection.close();
    this.#rejectAll(new RelayError('downstream-lost', 'downstream session closed'));
  }

  /**
   * Queues a handler for the next reply (after sending `line`, when given). `arm` starts the
   * timeout; a timeout loses the session, since a late reply would be taken for the next one.
   */
  #expectReply(line: string | undefined): { reply: Promise<string>; arm: (timeoutMs: number) => void } {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const arm = (timeoutMs: number) => {
      if (settled) return;
      timer = setTimeout(() => this.#lose(new RelayError('downstream-timeout', `no reply within ${timeoutMs} ms`)), timeoutMs);
    };
    if (!this.usable) return { reply: Promise.reject(this.#lost()), arm: () => undefined };
    const reply = new Promise<string>((resolve, reject) => {
      const pending: Pending = {
        reject: (error) => {
          settled = true;
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#pending.add(pending);
      this.#channel._responseActions.push((raw) => {
        settled = true;
        clearTimeout(timer);
        this.#pending.delete(pending);
        resolve(raw);
      });
      if (line !== undefined) this.#channel._sendCommand(line);
    });
    return { reply, arm };
  }

  #readExtensions(ehlo: string): void {
    const extensions = new Map<string, string>();
    for (const line of ehlo.split(/\r?\n/).slice(1)) {
      const match = /^(?:\d{3}[ -])?([A-Za-z0-9][A-Za-z0-9-]*)(?:[ =](.*))?$/.exec(line.trim());
      if (match !== null) extensions.set(match[1]!.toUpperCase(), (match[2] ?? '').trim());
    }
    this.#extensions = extensions;
  }

  #lost(): RelayError {
    return this.#lostReason ?? new RelayError('downstream-lost', 'downstream session is closed');
  }

  #lose(reason: RelayError): void {
    this.#lostReason ??= reason;
    if (!this.#closed) {
      this.#closed = true;
      this.#connection.close();
    }
    this.#rejectAll(this.#lostReason);
  }

  #rejectAll(reason: RelayError): void {
    for (const pending of this.#pending) pending.reject(reason);
    this.#pending.clear();
  }
}

/**
 * Writes the data of one message, dot-stuffed, in as few system calls as backpressure allows: the
 * socket stays corked while chunks come, so that a message held in memory leaves in one `writev`
 * with our fields and the final dot, and is uncorked to drain whenever its buffer is full.
 */
async function writeData(socket: Socket, message: AsyncIterable<Buffer>): Promise<void> {
  const stuffer = new DotStuffer();
  socket.cork();
  try {
    for await (const chunk of message) {
      let room = true;
      for (const piece of stuffer.push(chunk)) room = socket.write(piece);
      if (!room) {
        socket.uncork();
        await drained(socket);
        socket.cork();
      }
    }
    socket.write(stuffer.end());
  } finally {
    socket.uncork();
  }
}

function drained(socket: Socket): Promise<void> {
  if (socket.destroyed) return Promise.reject(new Error('connection closed'));
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('connection closed'));
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}
