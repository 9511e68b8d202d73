import { domainToASCII } from 'node:url';
import type { RelayConfig } from '../config/schema.js';
import { replies, type Reply } from '../reply.js';
import type { ClientIdentity } from './client-identity.js';
import { sendAttributes } from './attributes.js';
import { DownstreamConnection, RelayError } from './downstream.js';
import { DownstreamPool } from './pool.js';

/** What the client asked for in its MAIL command that the downstream must hear too. */
export interface MailParameters {
  /** RFC 6152: BODY=8BITMIME. */
  eightBitMime: boolean;
  /** RFC 6531 §3.4: SMTPUTF8. */
  smtpUtf8: boolean;
  /** RFC 1870: the declared SIZE. */
  size?: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; reply: Reply; error?: RelayError };

/**
 * Opens downstream transactions for the filter's clients. With XCLIENT the downstream session is
 * bound to the client session (`ClientBinding`), since XCLIENT makes it that client's for good;
 * otherwise sessions come from a shared pool.
 */
export class Relay {
  readonly pool: DownstreamPool;

  constructor(config: RelayConfig) {
    this.pool = new DownstreamPool(config);
  }

  get config(): RelayConfig {
    return this.pool.config;
  }

  /**
   * Starts a transaction: a session (reused when possible), XFORWARD when configured, then MAIL,
   * whose reply the first RCPT reads (so that it costs the client no round trip): a refusal of MAIL
   * by the downstream is the reply to every RCPT. Refusals before MAIL (no session, XFORWARD,
   * SMTPUTF8/8BITMIME) come back as `{ ok: false, reply }`. A pooled session that turns out to be
   * dead (the downstream closed it while idle) is replaced once, here or at the first RCPT.
   */
  async begin(client: ClientIdentity, binding: ClientBinding, from: string, parameters: MailParameters): Promise<Outcome<RelayTransaction>> {
    const first = await this.#attempt(client, binding, from, parameters, false);
    if (first.ok || first.error === undefined || !first.reused || first.error.code !== 'downstream-lost') return first;
    return this.#attempt(client, binding, from, parameters, true);
  }

  async #attempt(
    client: ClientIdentity, binding: ClientBinding, from: string, parameters: MailParameters, fresh: boolean,
  ): Promise<Outcome<RelayTransaction> & { reused?: boolean }> {
    let lease: { connection: DownstreamConnection; reused: boolean };
    try {
      lease = this.config.xclient ? await binding.lease(this, client) : fresh ? { connection: await this.pool.open(), reused: false } : await this.pool.acquire();
    } catch (error) {
      return failure(error);
    }
    const { connection, reused } = lease;
    const transaction = new RelayTransaction(this, connection, binding);
    const unsupported = unsupportedBy(connection, parameters);
    if (unsupported !== undefined) {
      // Nothing was sent for this transaction: the session stays clean for the next one.
      transaction.settle();
      return { ok: false, reply: unsupported };
    }
    try {
      if (this.config.xforward) await sendAttributes(connection, 'XFORWARD', client);
    } catch (error) {
      transaction.abandon();
      return { ...failure<RelayTransaction>(error), reused };
    }
    // The reply to MAIL is read at the first RCPT (RelayTransaction.rcpt): the client hears 250
    // once our own checks pass, and a session found dead there is replaced once, as here.
    const replace = reused ? () => this.#attempt(client, binding, from, parameters, true) : undefined;
    transaction.sendMail(mailCommand(connection, from, parameters), replace);
    return { ok: true, value: transaction };
  }

  close(): void {
    this.pool.close();
  }
}

/**
 * The downstream session an XCLIENT-configured filter keeps for one client session: opened at the
 * first transaction, told who the client is, reused by its later transactions, closed with it.
 */
export class ClientBinding {
  #connection: DownstreamConnection | undefined;
  #helo: string | undefined;

  /** The session bound to this client (reused: opened for an earlier transaction), or a new one told who the client is. */
  async lease(relay: Relay, client: ClientIdentity): Promise<{ connection: DownstreamConnection; reused: boolean }> {
    if (this.#connection?.usable === true && this.#helo === client.helo) return { connection: this.#connection, reused: true };
    this.#connection?.quit();
    const connection = await relay.pool.open();
    this.#connection = connection;
    this.#helo = client.helo;
    try {
      await sendAttributes(connection, 'XCLIENT', client);
    } catch (error) {
      this.forget(connection);
      throw error;
    }
    return { connection, reused: false };
  }

  /** Called when a bound session can no longer be trusted to be clean. */
  forget(connection: DownstreamConnection): void {
    if (this.#connection === connection) this.#connection = undefined;
    connection.close();
  }

  close(): void {
    this.#connection?.quit();
    this.#connection = undefined;
  }

  owns(connection: DownstreamConnection): boolean {
    return this.#connection === connection;
  }
}

type Replace = () => Promise<Outcome<RelayTransaction>>;

/**
 * One downstream transaction, driven by the client's: MAIL is sent at the client's MAIL and its
 * reply read at the first RCPT, each RCPT is the downstream's answer to the same recipient, and
 * the message goes on only after the client's DATA.
 */
export class RelayTransaction {
  readonly #relay: Relay;
  #connection: DownstreamConnection;
  readonly #binding: ClientBinding;
  #settled = false;
  /** MAIL, held to go out with the first RCPT in one write (downstream with PIPELINING). */
  #mailLine: string | undefined;
  /** The reply to MAIL, sent and not read yet. */
  #mail: Promise<Reply> | undefined;
  /** Opens the transaction again on a fresh session, when MAIL went out on a pooled one. */
  #replace: Replace | undefined;
  /** Why the downstream has no transaction: every RCPT (and DATA) hears this. */
  #refusal: Outcome<Reply> | undefined;
  /** Recipients the downstream accepted. */
  readonly accepted: string[] = [];

  constructor(relay: Relay, connection: DownstreamConnection, binding: ClientBinding) {
    this.#relay = relay;
    this.#connection = connection;
    this.#binding = binding;
  }

  get settled(): boolean {
    return this.#settled;
  }

  /**
   * MAIL, whose reply the first RCPT reads. To a downstream with PIPELINING it goes out with that
   * RCPT, in one write (RFC 2920 §3.1); to one without, now, so that its reply is on its way.
   */
  sendMail(line: string, replace: Replace | undefined): void {
    this.#replace = replace;
    this.#connection.transactions++;
    if (this.#connection.extensions.has('PIPELINING')) {
      this.#mailLine = line;
      return;
    }
    this.#mail = this.#connection.command(line);
    // Read at the first RCPT, or never when the client leaves first; not unhandled meanwhile.
    this.#mail.catch(() => undefined);
  }

  /**
   * RCPT TO; the reply (2xx, 4xx or 5xx) is the downstream's. The first one also reads the reply
   * to MAIL: when the downstream refused MAIL, that refusal is every recipient's reply (a 4xx/5xx
   * per recipient is how RFC 5321 §3.3 lets a server refuse the transaction), and no DATA follows.
   */
  async rcpt(address: string, smtpUtf8: boolean): Promise<Outcome<Reply>> {
    if (this.#refusal !== undefined) return this.#refusal;
    const line = `RCPT TO:<${envelopeAddress(address, smtpUtf8)}>`;
    if (this.#mailLine !== undefined) {
      const [mail, pipelined] = this.#connection.pipeline([this.#mailLine, line]) as [Promise<Reply>, Promise<Reply>];
      this.#mailLine = undefined;
      pipelined.catch(() => undefined);
      const opened = await this.#readMail(mail, pipelined);
      if (opened === 'replaced') return this.rcpt(address, smtpUtf8);
      return opened === 'open' ? this.#recipient(address, pipelined) : opened;
    }
    const mail = this.#mail;
    this.#mail = undefined;
    if (mail !== undefined) {
      const opened = await this.#readMail(mail, undefined);
      if (opened === 'replaced') return this.rcpt(address, smtpUtf8);
      if (opened !== 'open') return opened;
    }
    return this.#recipient(address, this.#connection.command(line));
  }

  /**
   * The reply to MAIL: 'open' when the downstream took it, 'replaced' when a pooled session was
   * found dead and another took its place, or else the reply every recipient gets.
   */
  async #readMail(mail: Promise<Reply>, pipelined: Promise<Reply> | undefined): Promise<'open' | 'replaced' | Outcome<Reply>> {
    let reply: Reply;
    try {
      reply = await mail;
    } catch (error) {
      const replace = this.#replace;
      this.#replace = undefined;
      if (replace !== undefined && error instanceof RelayError && error.code === 'downstream-lost') return this.#replaceWith(replace);
      this.abandon();
      return (this.#refusal = failure(error));
    }
    this.#replace = undefined;
    if (reply.code === 250) return 'open';
    if (reply.code === 421) {
      this.abandon();
      return (this.#refusal = { ok: true, value: notClosing(reply) });
    }
    // RFC 5321 §4.3.2: MAIL is answered 250, 4yz or 5yz; anything else leaves the session unknown.
    if (reply.code < 400 || reply.code >= 600) {
      this.abandon();
      const error = new RelayError('downstream-protocol', `unexpected reply to MAIL: ${reply.code} ${reply.text}`);
      return (this.#refusal = { ok: false, reply: replies.downstreamProtocolError(), error });
    }
    this.#refusal = { ok: true, value: reply };
    // The pipelined RCPT had no transaction to join (RFC 2920 §3.1: the server refuses it, 503);
    // any other answer leaves the session in a state we do not know.
    const after = pipelined === undefined ? { code: 503 } : await pipelined.catch(() => undefined);
    if (after === undefined || after.code < 300) this.abandon();
    else this.settle();
    return this.#refusal;
  }

  async #replaceWith(replace: Replace): Promise<'replaced' | Outcome<Reply>> {
    this.#drop();
    const next = await replace();
    if (!next.ok) {
      this.#settled = true;
      return (this.#refusal = next);
    }
    this.#connection = next.value.#connection;
    this.#mailLine = next.value.#mailLine;
    this.#mail = next.value.#mail;
    return 'replaced';
  }

  async #recipient(address: string, command: Promise<Reply>): Promise<Outcome<Reply>> {
    try {
      const reply = await command;
      if (reply.code === 421) {
        this.abandon();
        return { ok: true, value: notClosing(reply) };
      }
      if (reply.code === 250 || reply.code === 251) this.accepted.push(address);
      return { ok: true, value: reply };
    } catch (error) {
      this.abandon();
      return failure(error);
    }
  }

  /**
   * DATA and the message; resolves to the downstream's final reply. Once this returns a reply the
   * transaction is over, whatever the reply (RFC 5321 §4.1.1.4).
   */
  async data(message: AsyncIterable<Buffer>): Promise<Outcome<Reply>> {
    // Never DATA downstream without a transaction there (smtp-server already asks for an accepted RCPT).
    if (this.#settled || this.#mailLine !== undefined || this.#mail !== undefined) return this.#refusal ?? { ok: false, reply: replies.localError() };
    try {
      const reply = await this.#connection.data(message);
      if (reply.code === 421) {
        this.abandon();
        return { ok: true, value: notClosing(reply) };
      }
      // RFC 5321 §4.1.1.4/§4.2.1: the final dot gets 2yz, 4yz or 5yz; anything else is no
      // acceptance, and the session is in a state we do not know.
      if (reply.code < 200 || (reply.code >= 300 && reply.code < 400) || reply.code >= 600) {
        this.abandon();
        return { ok: false, reply: replies.downstreamProtocolError(), error: new RelayError('downstream-protocol', `unexpected reply to the final dot: ${reply.code} ${reply.text}`) };
      }
      this.settle();
      return { ok: true, value: reply };
    } catch (error) {
      this.abandon();
      return failure(error);
    }
  }

  /** Ends the transaction without a message (our policy refused it, or the client left): RSET. */
  async abort(): Promise<void> {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#mailLine !== undefined) {
      // MAIL never went out: the downstream has no transaction to reset.
      this.#mailLine = undefined;
      this.#return();
      return;
    }
    const mail = this.#mail;
    this.#mail = undefined;
    // Without PIPELINING, RSET waits for the reply to MAIL (RFC 2920 §3.1).
    if (mail !== undefined && (await mail.then(() => false, () => true))) {
      this.#drop();
      return;
    }
    if (await this.#connection.reset()) this.#return();
    else this.#drop();
  }

  /** The transaction ended with a final reply: the session is clean. */
  settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#return();
  }

  /** The session is in an unknown state: never reuse it. */
  abandon(): void {
    this.#settled = true;
    this.#drop();
  }

  #return(): void {
    if (!this.#binding.owns(this.#connection)) this.#relay.pool.release(this.#connection);
  }

  #drop(): void {
    if (this.#binding.owns(this.#connection)) this.#binding.forget(this.#connection);
    else this.#connection.close();
  }
}

/**
 * What the client's MAIL asked for that the downstream cannot carry: SMTPUTF8 (RFC 6531 §3.5: an
 * internationalized message MUST NOT go to a server without it) or BODY=8BITMIME (RFC 6152 §3:
 * convert or refuse; the filter does not convert). Checked before MAIL, so the client hears it at
 * MAIL FROM rather than after sending the whole message.
 */
function unsupportedBy(connection: DownstreamConnection, parameters: MailParameters): Reply | undefined {
  if (parameters.smtpUtf8 && !connection.extensions.has('SMTPUTF8')) return replies.smtpUtf8Unsupported();
  if (parameters.eightBitMime && !connection.extensions.has('8BITMIME')) return replies.eightBitMimeUnsupported();
  return undefined;
}

function mailCommand(connection: DownstreamConnection, from: string, parameters: MailParameters): string {
  const extensions = connection.extensions;
  const args: string[] = [];
  if (parameters.eightBitMime && extensions.has('8BITMIME')) args.push('BODY=8BITMIME');
  if (parameters.smtpUtf8 && extensions.has('SMTPUTF8')) args.push('SMTPUTF8');
  if (parameters.size !== undefined && extensions.has('SIZE')) args.push(`SIZE=${parameters.size}`);
  const address = envelopeAddress(from, parameters.smtpUtf8 && extensions.has('SMTPUTF8'));
  return `MAIL FROM:<${address}>${args.map((arg) => ` ${arg}`).join('')}`;
}

/**
 * smtp-server hands addresses over with their domain in U-labels. Without SMTPUTF8 the downstream
 * must get A-labels (RFC 5321 §2.3.5 with RFC 5890), which is also what the client sent.
 */
export function envelopeAddress(address: string, smtpUtf8: boolean): string {
  const at = address.lastIndexOf('@');
  if (smtpUtf8 || at === -1 || address.startsWith('[', at + 1)) return address;
  const ascii = domainToASCII(address.slice(at + 1));
  return ascii === '' ? address : `${address.slice(0, at)}@${ascii}`;
}

/**
 * RFC 5321 §3.8: 421 closes the session it is sent on. The downstream's session is not the
 * client's, so the client hears the same refusal as a plain 451 and keeps its connection.
 */
function notClosing(reply: Reply): Reply {
  return { ...reply, code: 451 };
}

function failure<T>(error: unknown): Outcome<T> {
  if (!(error instanceof RelayError)) throw error;
  const reply = error.code === 'downstream-timeout' ? replies.downstreamTimeout() : error.code === 'downstream-lost' ? replies.downstreamLost() : replies.downstreamUnavailable();
  return { ok: false, reply, error };
}
