import type { AuthenticationReport } from 'authgate';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { problem } from '../errors.js';
import { replies, type Reply } from '../reply.js';
import { Spool } from '../spool.js';
import { composeMessage } from '../stamp/compose.js';
import { forgedFields } from '../stamp/forged.js';
import { inspectHeader, locatedHeader } from '../stamp/inspect.js';
import { verifyMessage } from '../verify/verify-message.js';
import { receive, type Received } from './intake.js';
import { actionOf, baseRecord, dkimLabel, dkimSummary, dmarcSummary, replyText, type TransactionRecord } from './record.js';
import { rewriteFor } from './rewrite.js';
import { timedOut } from './smtp-server.js';
import type { Runtime, Settings, Transaction } from './runtime.js';

type Ending = Partial<TransactionRecord> & Pick<TransactionRecord, 'action'>;

/**
 * DATA, end to end: the message streams into the spool; once it is all there it is authenticated
 * (on a verification thread, see `verifyMessage`), the policy decides, and an accepted message
 * goes downstream with our fields prepended. Resolves to the client's reply, which is 250 only
 * once the downstream said 250 (RFC 5321 §6.1: once we accept, the message is ours; we accept
 * only what was handed on).
 */
export async function receiveMessage(runtime: Runtime, stream: SMTPServerDataStream, session: SMTPServerSession, transaction: Transaction): Promise<Reply> {
  const message = new MessageHandling(runtime, session, transaction);
  try {
    return await message.run(stream);
  } finally {
    await message.spool.dispose();
  }
}

class MessageHandling {
  readonly settings: Settings;
  readonly spool: Spool;
  readonly #runtime: Runtime;
  readonly #session: SMTPServerSession;
  readonly #transaction: Transaction;
  readonly #started: number;
  readonly #timings: Record<string, number> = {};
  #record: Partial<TransactionRecord> = {};

  constructor(runtime: Runtime, session: SMTPServerSession, transaction: Transaction) {
    this.#runtime = runtime;
    this.#session = session;
    this.#transaction = transaction;
    this.settings = runtime.settings();
    this.spool = new Spool(this.settings.config.spool);
    this.#started = runtime.now();
  }

  async run(stream: SMTPServerDataStream): Promise<Reply> {
    const { config } = this.settings;
    const received = await receive(stream, this.spool, config.limits.maxMessageSize);
    this.#timings['dataMs'] = this.#runtime.now() - this.#started;
    this.#record.size = received.size;
    if (received.status !== 'received') return this.#refuseAborted(received);
    this.#runtime.metrics.messageBytes.observe(received.size);
    if (received.oversized || stream.sizeExceeded) {
      // DKIM and DMARC saw only the first part of the message: not evaluated, so not counted as any result.
      this.#runtime.metrics.messageWithoutVerdicts(this.#transaction.spf.result, 'reject');
      return this.#refuse(replies.tooLarge(config.limits.maxMessageSize), { action: 'rejected', rule: 'message-too-large', problem: problem('message-too-large', `${received.size} bytes`) });
    }
    const authenticated = await verifyMessage(this.#runtime, config, this.#session, this.#transaction, this.spool);
    this.#timings['authMs'] = this.#runtime.now() - this.#started - this.#timings['dataMs'];
    if (!authenticated.ok) {
      const detail = authenticated.error instanceof Error ? authenticated.error.message : String(authenticated.error);
      this.#runtime.metrics.messageWithoutVerdicts(this.#transaction.spf.result, 'failed');
      return this.#refuse(replies.localError(), { action: 'failed', problem: problem('internal', `authenticate: ${detail}`) });
    }
    return this.#decide(authenticated.report);
  }

  async #decide(report: AuthenticationReport): Promise<Reply> {
    const { config, policy } = this.settings;
    this.#record = { ...this.#record, dkim: dkimSummary(report), dmarc: dmarcSummary(report) };
    const inspection = await inspectHeader(this.spool, config.limits.maxHeaderSize);
    if (inspection.status === 'too-large') {
      this.#runtime.metrics.messages.inc({ spf: report.spf.result, dkim: dkimLabel(report), dmarc: report.dmarc.result, action: 'reject' });
      return this.#refuse(replies.headerTooLarge(config.limits.maxHeaderSize), { action: 'rejected', rule: 'header-too-large', problem: problem('header-too-large', 'header section too large') });
    }
    const facts = inspection.status === 'ok' ? { fromCount: inspection.fromCount } : { fromCount: 0, problem: inspection.problem };
    const decision = policy.atEndOfData(report, facts, this.#session.remoteAddress);
    this.#runtime.metrics.messages.inc({ spf: report.spf.result, dkim: dkimLabel(report), dmarc: report.dmarc.result, action: decision.action });
    this.#record.rule = decision.rule;
    if ('waived' in decision && decision.waived !== undefined) this.#record.waived = decision.waived.by;
    if (decision.action === 'reject' || decision.action === 'defer') return this.#refuse(decision.reply, { action: actionOf(decision) });
    const trusted = this.settings.trustedRelays.has(this.#session.remoteAddress);
    // RFC 8601 §5: forged fields go whether the header section parsed or not (then located line by line).
    const located = locatedHeader(inspection);
    const removals = trusted || located === undefined ? [] : forgedFields(located.fields, this.settings.identity);
    if (removals.length > 0) this.#record.removed = removals;
    const clientName = await this.#transaction.clientName;
    const rewrite = rewriteFor(config, this.#session, this.#transaction, report, decision, located, removals, this.#runtime.now(), clientName?.confirmed);
    return this.#relay(composeMessage(this.spool, rewrite), actionOf(decision));
  }

  async #relay(message: AsyncIterable<Buffer>, action: TransactionRecord['action']): Promise<Reply> {
    const started = this.#runtime.now();
    const outcome = await this.#transaction.relay.data(message);
    const relayMs = this.#runtime.now() - started;
    this.#timings['relayMs'] = relayMs;
    const reply = outcome.ok ? outcome.value : undefined;
    this.#runtime.metrics.relaySeconds.observe({ outcome: reply === undefined ? 'error' : `${Math.floor(reply.code / 100)}xx` }, relayMs / 1000);
    if (!outcome.ok) return this.#end(outcome.reply, { action: 'deferred', problem: problem(outcome.error?.code ?? 'downstream-lost', outcome.error?.message ?? 'downstream failed') });
    const downstream = replyText(outcome.value);
    if (outcome.value.code >= 400) {
      return this.#end(outcome.value, { action: outcome.value.code >= 500 ? 'rejected' : 'deferred', downstream, problem: problem('downstream-refused', downstream) });
    }
    return this.#end({ code: 250, enhanced: '2.0.0', text: `Ok: relayed, downstream said: ${outcome.value.enhanced} ${outcome.value.text}` }, { action, downstream });
  }

  async #refuseAborted(received: Received & { status: 'client-aborted' | 'spool-failed' }): Promise<Reply> {
    const aborted = received.status === 'client-aborted';
    // A client that idled past the DATA timeout got smtp-server's 421: log that, not a reply never sent.
    const reply = aborted && timedOut(this.#session) ? replies.idleTimeout() : replies.localError();
    this.#runtime.metrics.messageWithoutVerdicts(this.#transaction.spf.result, aborted ? 'abandoned' : 'failed');
    return this.#refuse(reply, { action: aborted ? 'abandoned' : 'failed', problem: problem(received.status, received.error.message) });
  }

  /** Ends the downstream transaction without a message (RSET) and answers `reply`. */
  async #refuse(reply: Reply, ending: Ending): Promise<Reply> {
    await this.#transaction.relay.abort();
    return this.#end(reply, ending);
  }

  /** Writes the one log line of the transaction and returns the client's reply. */
  #end(reply: Reply, ending: Ending): Reply {
    const timings = { ...this.#transaction.timings, ...this.#timings, totalMs: this.#runtime.now() - this.#transaction.startedAt };
    const record = {
      event: 'transaction', ...baseRecord(this.#session, this.#transaction), spool: this.spool.onDisk ? 'file' : 'memory',
      ...this.#record, ...ending, reply: replyText(reply), timings,
    };
    this.#runtime.logger[ending.action === 'failed' ? 'error' : 'info'](record, `${ending.action} ${this.#transaction.id}`);
    return reply;
  }
}
