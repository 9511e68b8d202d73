import { verifySpf, type SpfVerification } from 'authgate';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { Decision } from '../policy.js';
import { problem } from '../errors.js';
import { replies, SmtpReplyError, type Reply } from '../reply.js';
import type { ClientIdentity } from '../relay/client-identity.js';
import { confirmClientName, type ClientName } from '../relay/confirm-name.js';
import { ClientBinding, envelopeAddress, type Outcome, type RelayTransaction } from '../relay/relay.js';
import { receiveMessage } from './data.js';
import { actionOf, baseRecord, clientSummary, hostnameOf, replyText, spfSummary, type TransactionRecord } from './record.js';
import { noteRefused, type Runtime, type SessionState, type Transaction } from './runtime.js';
import type { LimitRefusal } from './smtp-server.js';

type Callback = (error?: Error | null) => void;

/**
 * The smtp-server callbacks of the filter: admission at connect, SPF and the downstream MAIL at
 * MAIL FROM, the relay check and the downstream RCPT at RCPT TO, the whole message at DATA.
 * Every reply the filter makes itself comes from `replies`; every downstream reply is passed on.
 */
export class SessionHandlers {
  readonly #runtime: Runtime;
  readonly #sessions = new Map<string, SessionState>();

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  get openSessions(): number {
    return this.#sessions.size;
  }

  onConnect(session: SMTPServerSession, callback: Callback): void {
    const { limits, metrics, logger } = this.#runtime;
    const limit = this.#runtime.settings().config.limits.maxConnectionsPerIp;
    if (!limits.admit(session.id, session.remoteAddress, limit)) {
      const reply = replies.tooManyConnectionsFromIp(session.remoteAddress);
      metrics.connectionsTotal.inc({ outcome: 'refused_per_ip' });
      logger.warn(
        { event: 'connection-refused', session: session.id, ip: session.remoteAddress, port: session.remotePort, reason: 'max-connections-per-ip', limit, reply: replyText(reply) },
        'too many connections from one address',
      );
      callback(new SmtpReplyError(reply));
      return;
    }
    this.#sessions.set(session.id, { binding: new ClientBinding(), transactions: 0 });
    metrics.connectionsTotal.inc({ outcome: 'accepted' });
    metrics.connections.inc();
    logger.debug({ event: 'connect', session: session.id, client: clientSummary(session) }, 'client connected');
    callback();
  }

  /** The refusals smtp-server makes before any callback of ours: logged and counted like our own. */
  onLimit(refusal: LimitRefusal): void {
    const { metrics, logger } = this.#runtime;
    if (refusal.kind === 'max-connections') {
      metrics.connectionsTotal.inc({ outcome: 'refused_limit' });
      logger.warn(
        { event: 'connection-refused', session: refusal.id, ip: refusal.remoteAddress, port: refusal.remotePort, reason: 'max-connections', limit: refusal.limit, reply: replyText(refusal.reply) },
        'too many connections',
      );
      return;
    }
    metrics.recipients.inc({ outcome: 'too_many' });
    // The refusal goes into the transaction's own log line, with the other refused recipients.
    const transaction = this.#sessions.get(refusal.session.id)?.transaction;
    if (transaction !== undefined) noteRefused(transaction, refusal.address, refusal.reply);
  }

  onClose(session: SMTPServerSession): void {
    const state = this.#sessions.get(session.id);
    this.#runtime.limits.release(session.id, session.remoteAddress);
    if (state === undefined) return;
    this.#sessions.delete(session.id);
    this.#runtime.metrics.connections.dec();
    if (state.transaction !== undefined) this.#abandon(session, state.transaction, 'client closed the connection');
    state.binding.close();
  }

  onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, callback: Callback): void {
    this.#mailFrom(address, session).then((reply) => callback(reply === undefined ? null : new SmtpReplyError(reply)), (error) => this.#internal(error, session, callback));
  }

  onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: Callback): void {
    this.#rcptTo(address, session).then((reply) => callback(reply === undefined ? null : new SmtpReplyError(reply)), (error) => this.#internal(error, session, callback));
  }

  onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void): void {
    const state = this.#sessions.get(session.id);
    const transaction = state?.transaction;
    if (state === undefined || transaction === undefined) {
      stream.resume();
      callback(new SmtpReplyError(replies.localError()));
      return;
    }
    state.transaction = undefined;
    receiveMessage(this.#runtime, stream, session, transaction).then(
      // The enhanced code goes with the text, so the client gets the reply that is logged (FilterConnection.send).
      (reply) => callback(reply.code < 400 ? null : new SmtpReplyError(reply), reply.code < 400 ? `${reply.enhanced} ${reply.text}` : undefined),
      (error) => {
        // A bug, not a verdict: the client gets 451 and retries; counted with the other failures.
        this.#runtime.metrics.messageWithoutVerdicts(transaction.spf.result, 'failed');
        this.#internal(error, session, callback);
      },
    );
  }

  async #mailFrom(address: SMTPServerAddress, session: SMTPServerSession): Promise<Reply | undefined> {
    const state = this.#state(session);
    const { config, policy } = this.#runtime.settings();
    if (state.transaction !== undefined) this.#abandon(session, state.transaction, 'new MAIL FROM (RSET)');
    state.transaction = undefined;
    // RFC 3207 §4: a server may refuse transactions until the client has said STARTTLS.
    if (config.tls.starttls === 'required' && !session.secure) return replies.tlsRequired();
    const started = this.#runtime.now();
    const from = envelopeAddress(address.address, false);
    // This MAIL command's own parameters: smtp-server keeps those of a refused MAIL in the envelope.
    const args: Record<string, unknown> = address.args === false ? {} : address.args;
    const smtpUtf8 = args['SMTPUTF8'] === true;
    const clientName = this.#clientName(session, state);
    // XCLIENT/XFORWARD send the name with MAIL, so it is waited for here; our Received field waits at DATA.
    const client = clientIdentity(session, this.#runtime.relay.config.xclient || this.#runtime.relay.config.xforward ? await clientName : undefined);
    const mailParameters = { eightBitMime: String(args['BODY'] ?? '').toUpperCase() === '8BITMIME', smtpUtf8, ...sizeOf(address) };
    const begun = this.#runtime.relay.begin(client, state.binding, address.address, mailParameters);
    const spf = await this.#checkSpf(session, from);
    const spfMs = this.#runtime.now() - started;
    const decision = policy.atMailFrom(spf, session.remoteAddress);
    this.#runtime.metrics.mailFrom.inc({ spf: spf.result, action: decision.action });
    const relay = await begun;
    const id = `${session.id}.${++state.transactions}`;
    const refusal = { id, client: clientSummary(session), from, to: [], refused: [], spf: spfSummary(spf), timings: { spfMs } };
    // The client may have gone while SPF and the downstream were asked: end what was opened.
    if (this.#sessions.get(session.id) !== state) {
      if (relay.ok) await relay.value.abort();
      this.#log({ ...refusal, action: 'abandoned', rule: 'client left during MAIL FROM', reply: '' });
      return replies.localError();
    }
    if (decision.action === 'reject' || decision.action === 'defer') {
      if (relay.ok) void relay.value.abort();
      this.#log({ ...refusal, action: actionOf(decision), rule: decision.rule, reply: replyText(decision.reply) });
      return decision.reply;
    }
    if (!relay.ok) {
      const downstream = replyText(relay.reply);
      const cause = relay.error === undefined ? problem('downstream-refused', downstream) : problem(relay.error.code, relay.error.message);
      const action = relay.reply.code >= 500 ? 'rejected' : 'deferred';
      this.#log({ ...refusal, action, rule: 'downstream-mail-from', ...(relay.error === undefined && { downstream }), reply: downstream, problem: cause });
      return relay.reply;
    }
    state.transaction = newTransaction(id, started, from, smtpUtf8, spf, decision, relay.value, { spfMs, mailMs: this.#runtime.now() - started }, clientName);
    return undefined;
  }

  async #rcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<Reply | undefined> {
    const transaction = this.#state(session).transaction;
    const { config } = this.#runtime.settings();
    const metrics = this.#runtime.metrics;
    if (transaction === undefined) return replies.localError();
    // RFC 5321 §3.3/§7.1: accept only our own domains, never relay for others.
    if (!isOurRecipient(address.address, config.domains)) {
      metrics.recipients.inc({ outcome: 'relay_denied' });
      const reply = replies.relayDenied(address.address);
      noteRefused(transaction, address.address, reply);
      return reply;
    }
    const outcome: Outcome<Reply> = await transaction.relay.rcpt(address.address, transaction.smtpUtf8);
    const reply = outcome.ok ? outcome.value : outcome.reply;
    const accepted = outcome.ok && reply.code < 300;
    metrics.recipients.inc({ outcome: accepted ? 'accepted' : outcome.ok ? 'downstream_refused' : 'downstream_error' });
    if (accepted) {
      transaction.recipients.push(address.address);
      return undefined;
    }
    noteRefused(transaction, address.address, reply);
    return reply;
  }

  async #checkSpf(session: SMTPServerSession, mailFrom: string): Promise<SpfVerification> {
    const { config } = this.#runtime.settings();
    return verifySpf({
      ip: session.remoteAddress,
      mailFrom,
      helo: session.hostNameAppearsAs || '',
      resolver: this.#runtime.resolver,
      receiver: config.authservId,
      now: this.#runtime.now,
      limits: { deadlineMs: config.auth.spfDeadline },
    });
  }

  /**
   * The forward-confirmed client name, asked once per session when something shows it: our
   * Received field (RFC 5321 §4.4: the TCP-info names the verified host, else the address
   * literal alone) or the downstream's XCLIENT/XFORWARD `NAME` (Postfix takes it as verified).
   */
  #clientName(session: SMTPServerSession, state: SessionState): Promise<ClientName> | undefined {
    const relay = this.#runtime.relay.config;
    if (!relay.xclient && !relay.xforward && !this.#runtime.settings().config.stamp.received) return undefined;
    return (state.clientName ??= confirmClientName(this.#runtime.resolver, session.remoteAddress, hostnameOf(session)));
  }

  #state(session: SMTPServerSession): SessionState {
    let state = this.#sessions.get(session.id);
    if (state === undefined) {
      state = { binding: new ClientBinding(), transactions: 0 };
      this.#sessions.set(session.id, state);
    }
    return state;
  }

  #abandon(session: SMTPServerSession, transaction: Transaction, why: string): void {
    void transaction.relay.abort();
    this.#log({ ...baseRecord(session, transaction), action: 'abandoned', rule: why, reply: '' });
  }

  #log(record: TransactionRecord): void {
    const level = record.action === 'failed' ? 'error' : 'info';
    this.#runtime.logger[level]({ event: 'transaction', ...record }, `${record.action} ${record.id}`);
  }

  #internal(error: unknown, session: SMTPServerSession, callback: Callback): void {
    this.#runtime.logger.error({ event: 'internal-error', session: session.id, err: error }, 'unexpected error; answered 451');
    callback(new SmtpReplyError(replies.localError()));
  }
}

function newTransaction(
  id: string, startedAt: number, from: string, smtpUtf8: boolean, spf: SpfVerification, mailDecision: Decision,
  relay: RelayTransaction, timings: Transaction['timings'], clientName: Promise<ClientName> | undefined,
): Transaction {
  return { id, startedAt, from, smtpUtf8, spf, mailDecision, relay, recipients: [], refused: [], refusedUnlisted: 0, timings, ...(clientName !== undefined && { clientName }) };
}

/** The client as the downstream is told it: `name` is what `confirmClientName` found. */
export function clientIdentity(session: SMTPServerSession, name: ClientName | undefined): ClientIdentity {
  return {
    ip: session.remoteAddress,
    port: session.remotePort,
    helo: session.hostNameAppearsAs || '',
    ...(name?.confirmed !== undefined && { hostname: name.confirmed }),
    ...(name?.reverse !== undefined && { reverseName: name.reverse }),
    ...(name?.tempFail === true && { nameTempFail: true }),
    proto: session.openingCommand === 'EHLO' ? 'ESMTP' : 'SMTP',
  };
}

function sizeOf(address: SMTPServerAddress): { size?: number } {
  const size = address.args === false ? undefined : address.args['SIZE'];
  return typeof size === 'string' && /^\d+$/.test(size) ? { size: Number(size) } : {};
}

/**
 * RFC 5321 §4.1.1.3: `postmaster` without a domain is always accepted (and relayed as is).
 * Otherwise the domain must be ours, and the local part must not route the mail on: RFC 5321
 * §3.6.1 and Appendix C retire source routes (`@a,@b:user@ours`), and the `%` hack
 * (`user%elsewhere@ours`) and bang paths (`elsewhere!user@ours`) are routing that a downstream
 * may still honour (Postfix `allow_percent_hack`, `swap_bangpath`) for mail from the filter's
 * trusted address. Accepting them would make the pair an open relay (RFC 5321 §7.1), so they are
 * refused here, whatever the downstream would do with them.
 */
export function isOurRecipient(address: string, domains: readonly string[]): boolean {
  if (address.toLowerCase() === 'postmaster') return true;
  const at = address.lastIndexOf('@');
  if (at === -1) return false;
  if (/[%!@]/.test(address.slice(0, at))) return false;
  const ascii = envelopeAddress(address, false);
  const domain = ascii.slice(ascii.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
  return domains.includes(domain);
}
