import type net from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import { replies, type Reply } from '../reply.js';

/** Sessions smtp-server ended for idling (421), so that the transaction log says what the client got. */
const timedOutSessions = new WeakSet<object>();

export function timedOut(session: object): boolean {
  return timedOutSessions.has(session);
}

/** Bytes of replies that may wait in the corked socket (`FilterConnection.#hold`). */
const HELD_REPLY_BYTES = 4096;

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})$/;
const ENHANCED_PREFIX = /^([245]\.\d{1,3}\.\d{1,3}) ([^]*)$/;

/**
 * A refusal that smtp-server makes on its own, before any callback of the filter runs: reported
 * so that it is logged and counted like the refusals the filter makes itself.
 */
export type LimitRefusal =
  | { kind: 'max-connections'; id: string; remoteAddress: string; remotePort: number; limit: number; reply: Reply }
  | { kind: 'max-recipients'; session: SMTPServerSession; address: string; limit: number; reply: Reply };

export interface FilterServerOptions extends SMTPServerOptions {
  /** Idle time allowed while DATA streams in, in ms (the command timeout is `socketTimeout`). */
  dataTimeout: number;
  /** Called for each connection refused at `maxClients` and each RCPT refused past `maxRecipients`. */
  onLimit?: (refusal: LimitRefusal) => void;
}

/**
 * smtp-server with four changes the filter needs, made in a subclass of its connection:
 * - replies carry the enhanced status code we choose (RFC 3463, RFC 7372) instead of one guessed
 *   from the basic code (smtp-server maps every 550 to 5.1.1 "bad mailbox");
 * - DATA has its own inactivity timeout;
 * - draining: once `drain()` is called, sessions end at the first moment no transaction is open,
 *   while transactions in flight finish (SIGTERM);
 * - the refusals smtp-server makes by itself (`maxClients`, `maxRecipients`) get the filter's
 *   replies and are reported through `onLimit`, so that every refusal is logged and counted.
 *
 * Connections enter through `accept()` (the listeners and the PROXY reader are ours).
 */
export class FilterSmtpServer extends SMTPServer {
  draining = false;
  #dataTimeout: number;
  readonly #onLimit: (refusal: LimitRefusal) => void;

  constructor(options: FilterServerOptions) {
    super(options);
    this.#dataTimeout = options.dataTimeout;
    this.#onLimit = options.onLimit ?? (() => undefined);
  }

  reportLimit(refusal: LimitRefusal): void {
    this.#onLimit(refusal);
  }

  get dataTimeout(): number {
    return this.#dataTimeout;
  }

  /** Applies reloadable limits to new commands of every session. */
  setTimeouts(commandTimeout: number, dataTimeout: number): void {
    this.options.socketTimeout = commandTimeout;
    this.#dataTimeout = dataTimeout;
  }

  /** Starts an SMTP session on an accepted socket; `options` carries the PROXY client address. */
  accept(socket: net.Socket, options: SMTPConnectionOptions = {}): void {
    this.connect(socket, options);
  }

  override connect(socket: net.Socket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new FilterConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (error: Error) => this.emit('error', error));
    connection.on('connect', (info) => this.emit('connect', info));
    connection.init();
  }

  /** Stops new transactions; ends every session that has none open now. */
  drain(): void {
    this.draining = true;
    for (const connection of this.connections) {
      if (connection instanceof FilterConnection) connection.endIfIdle();
    }
  }
}

export class FilterConnection extends SMTPConnection {
  #inTimeout = false;
  /** Replies are waiting in the corked socket (`#hold`). */
  #holding = false;
  #releaseScheduled = false;
  /** The RCPT command being handled, so that a refusal past `maxRecipients` can name its address. */
  #rcptCommand: Buffer | undefined;

  get #filter(): FilterSmtpServer {
    return this._server as FilterSmtpServer;
  }

  /**
   * A message of the form `5.7.1 text` (an `Error` of ours, or the text of our DATA reply) gives
   * its enhanced code to the reply, in place of the one smtp-server would pick for its context.
   */
  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    if (code === 250 || code === 354) this.#hold();
    else this.#release();
    if (context === 'TOO_MANY_RECIPIENTS' && this.#rcptCommand !== undefined) return this.#refuseRecipient(this.#rcptCommand);
    if (this.#inTimeout && code === 421) {
      // RFC 5321 §4.5.3.2: the client idled past the timeout; the session ends with this reply.
      timedOutSessions.add(this.session);
      const reply = replies.idleTimeout();
      return super.send(reply.code, reply.text, reply.enhanced);
    }
    if ((context === undefined || context === 'DATA_OK') && typeof data === 'string') {
      const match = ENHANCED_PREFIX.exec(data);
      if (match !== null && match[1]![0] === String(code)[0]) return super.send(code, match[2], match[1]);
    }
    super.send(code, data, context);
  }

  /**
   * Replies wait, corked, while the client's next pipelined command is being handled, and leave
   * together once no command is (RFC 2920: replies to pipelined commands may go in groups): a
   * pipelining client's MAIL, RCPT and DATA are answered in one write instead of three, and each
   * write is a system call that also wakes the client. A client that waits for each reply gets it
   * at the end of the turn. Only 250 and 354 wait: any other reply sends what waits and then goes
   * at once (a 220 to STARTTLS must be on the wire before the handshake takes the socket over).
   */
  #hold(): void {
    const socket = this._socket;
    if (socket === undefined || socket.destroyed) return;
    // Bounded far below the socket's high-water mark, so that waiting replies never make
    // smtp-server wait for a drain (which a corked socket would never give) before the next command.
    if (this.#holding && socket.writableLength >= HELD_REPLY_BYTES) this.#release();
    if (this.#holding) return;
    this.#holding = true;
    socket.cork();
    this.#releaseSoon();
  }

  /** At the end of this turn, sends what waits unless a command is still being handled (its end checks again). */
  #releaseSoon(): void {
    if (!this.#holding || this.#releaseScheduled) return;
    this.#releaseScheduled = true;
    process.nextTick(() => {
      this.#releaseScheduled = false;
      if (!this._handlerPending) this.#release();
    });
  }

  #release(): void {
    if (!this.#holding) return;
    this.#holding = false;
    this._socket.uncork();
  }

  /**
   * smtp-server's own `init`, but over `maxClients` the filter's reply, reported. smtp-server's
   * `421 <name> Too many connected clients` carries no enhanced code and is not logged.
   */
  override init(): void {
    this._setListeners(() => {
      const limit = Number(this._server.options.maxClients) || 0;
      if (limit > 0 && this._server.connections.size > limit) return this.#refuseOverLimit(limit);
      // As smtp-server does: a short pause before the greeting catches clients that talk too soon.
      setTimeout(() => this.connectionReady(), 100).unref();
    });
  }

  #refuseOverLimit(limit: number): void {
    const reply = replies.tooManyConnections();
    this.#filter.reportLimit({ kind: 'max-connections', id: this.id, remoteAddress: this.remoteAddress, remotePort: this.remotePort, limit, reply });
    // No EHLO yet, so no enhanced-code context: the code goes in the text, as for the per-address limit. 421 closes.
    super.send(reply.code, `${reply.enhanced} ${reply.text}`, false);
  }

  override handler_RCPT(command: Buffer, callback: () => void): void {
    // smtp-server checks maxRecipients synchronously, before the filter's onRcptTo would run.
    this.#rcptCommand = command;
    try {
      super.handler_RCPT(command, callback);
    } finally {
      this.#rcptCommand = undefined;
    }
  }

  /** RFC 5321 §4.5.3.1.10: 452 for recipients past the limit; reported so that it is counted and logged. */
  #refuseRecipient(command: Buffer): void {
    const parsed = this._parseAddressCommand('rcpt to', command);
    const reply = replies.tooManyRecipients();
    const limit = Number(this._server.options.maxRecipients) || 0;
    this.#filter.reportLimit({ kind: 'max-recipients', session: this.session, address: parsed === false ? '' : parsed.address, limit, reply });
    super.send(reply.code, reply.text, reply.enhanced);
  }

  override _onTimeout(): void {
    this.#inTimeout = true;
    try {
      super._onTimeout();
    } finally {
      this.#inTimeout = false;
    }
  }

  override _getEnhancedStatusCode(code: number, context?: string | false): string {
    if (typeof context === 'string' && ENHANCED.test(context) && this._useEnhancedStatusCodes() && (code < 300 || code >= 400)) {
      return context;
    }
    return super._getEnhancedStatusCode(code, context);
  }

  override handler_DATA(command: Buffer, callback: () => void): void {
    super.handler_DATA(command, callback);
    // The DATA inactivity timeout: only the duration changes, the listener stays smtp-server's.
    if (this._parser !== false && this._parser._dataMode) this._socket.setTimeout(this.#filter.dataTimeout);
  }

  override _armTimeout(socket: net.Socket = this._socket): void {
    const inData = this._parser !== false && this._parser._dataMode;
    socket.setTimeout(inData ? this.#filter.dataTimeout : (this._server.options.socketTimeout ?? 300_000), () => this._onTimeout());
  }

  /** Runs after every transaction (and on RSET/EHLO): back to the command timeout; end it if draining. */
  override _resetSession(): void {
    super._resetSession();
    if (this._socket !== undefined && !this._socket.destroyed) this._socket.setTimeout(this._server.options.socketTimeout ?? 300_000);
    if (this.#filter.draining) setImmediate(() => this.endIfIdle());
  }

  override _onCommand(command: Buffer, callback?: () => void): void {
    const verb = command.toString('latin1').trim().split(/\s+/, 1)[0]!.toUpperCase();
    if (this.#filter.draining && !this.#inTransaction() && verb !== 'QUIT') {
      const reply = replies.shuttingDown();
      this.send(reply.code, reply.text, reply.enhanced);
      return;
    }
    super._onCommand(command, () => {
      // The command is done: what its reply (and earlier ones) waits for may be over.
      this.#releaseSoon();
      return callback?.();
    });
  }

  /** Ends the session with 421 (RFC 5321 §3.8) unless a transaction is open. */
  endIfIdle(): void {
    if (this._closing || this._closed || this.#inTransaction() || !this._ready) return;
    const reply = replies.shuttingDown();
    this.send(reply.code, reply.text, reply.enhanced);
  }

  #inTransaction(): boolean {
    const envelope = this.session.envelope as { mailFrom?: unknown } | undefined;
    return Boolean(envelope?.mailFrom) || Boolean(this._dataStream) || this._handlerPending;
  }
}
