import { PassThrough } from 'node:stream';
import { authenticate, type AuthenticationReport } from 'authgate';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { problem, type SmtpdProblem } from '../errors.js';
import type { Decision } from '../policy.js';
import { replies, type Reply } from '../reply.js';
import { Spool } from '../spool.js';
import { composeMessage, type Rewrite } from '../stamp/compose.js';
import { forgedFields, type Removal } from '../stamp/forged.js';
import { inspectHeader, type HeaderInspection } from '../stamp/inspect.js';
import { receivedField } from '../stamp/received.js';
import { actionOf, baseRecord, dkimLabel, dkimSummary, dmarcSummary, hostnameOf, replyText, type TransactionRecord } from './record.js';
import type { Runtime, Settings, Transaction } from './runtime.js';

type Received =
  | { status: 'received'; size: number; oversized: boolean }
  | { status: 'client-aborted' | 'spool-failed'; size: number; error: Error };

type Report = { ok: true; report: AuthenticationReport } | { ok: false; error: unknown };

/**
 * DATA, end to end: the message streams into the spool and, at the same time, into
 * `authenticate()` (DKIM hashes the body as it arrives); then the policy decides, and an accepted
 * message goes downstream with our fields prepended. Resolves to the client's reply, which is 250
 * only once the downstream said 250 (RFC 5321 §6.1: no message is lost).
 */
export async function receiveMessage(runtime: Runtime, stream: SMTPServerDataStream, session: SMTPServerSession, transaction: Transaction): Promise<Reply> {
  const settings = runtime.settings();
  const { config } = settings;
  const spool = new Spool(config.spool);
  const started = runtime.now();
  const authInput = new PassThrough();
  authInput.on('error', () => undefined);
  const report: Promise<Report> = authenticate(authInput, {
    ip: session.remoteAddress,
    helo: session.hostNameAppearsAs || '',
    mailFrom: transaction.from,
    authservId: config.authservId,
    resolver: runtime.resolver,
    now: runtime.now,
    dmarcMode: config.auth.dmarcMode,
    minRsaBits: config.auth.minRsaBits,
    clockSkewSeconds: config.auth.clockSkewSeconds,
    spf: transaction.spf,
  }).then((value) => ({ ok: true as const, report: value }), (error: unknown) => ({ ok: false as const, error }));
  const end = (reply: Reply, record: Partial<TransactionRecord> & Pick<TransactionRecord, 'action'>) => {
    runtime.logger[record.action === 'failed' ? 'error' : 'info'](
      { event: 'transaction', ...baseRecord(session, transaction), spool: spool.onDisk ? 'file' : 'memory', ...record, reply: replyText(reply), timings: { ...transaction.timings, ...record.timings, totalMs: runtime.now() - transaction.startedAt } },
      `${record.action} ${transaction.id}`,
    );
    return reply;
  };
  try {
    const received = await receive(stream, spool, authInput, config.limits.maxMessageSize, report);
    const timings = { dataMs: runtime.now() - started };
    if (received.status !== 'received') {
      authInput.destroy();
      await transaction.relay.abort();
      const code = received.status === 'client-aborted' ? 'client-aborted' : 'spool-failed';
      return end(replies.localError(), { action: received.status === 'client-aborted' ? 'abandoned' : 'failed', size: received.size, timings, problem: problem(code, received.error.message) });
    }
    runtime.metrics.messageBytes.observe(received.size);
    if (received.oversized || stream.sizeExceeded) {
      await transaction.relay.abort();
      return end(replies.tooLarge(config.limits.maxMessageSize), { action: 'rejected', rule: 'message-too-large', size: received.size, timings, problem: problem('message-too-large', `${received.size} bytes`) });
    }
    const authenticated = await report;
    Object.assign(timings, { authMs: runtime.now() - started - timings.dataMs });
    if (!authenticated.ok) {
      await transaction.relay.abort();
      const error = authenticated.error as Error;
      return end(replies.localError(), { action: 'failed', size: received.size, timings, problem: problem('internal', `authenticate: ${error?.message ?? String(error)}`) });
    }
    return await decideAndRelay(runtime, settings, session, transaction, spool, authenticated.report, received.size, timings, end);
  } finally {
    await spool.dispose();
  }
}

type End = (reply: Reply, record: Partial<TransactionRecord> & Pick<TransactionRecord, 'action'>) => Reply;

async function decideAndRelay(
  runtime: Runtime, settings: Settings, session: SMTPServerSession, transaction: Transaction, spool: Spool,
  report: AuthenticationReport, size: number, timings: Record<string, number>, end: End,
): Promise<Reply> {
  const { config, policy } = settings;
  const verdicts = { size, dkim: dkimSummary(report), dmarc: dmarcSummary(report) };
  const inspection = await inspectHeader(spool, config.limits.maxHeaderSize);
  if (inspection.status === 'too-large') {
    await transaction.relay.abort();
    return end(replies.headerTooLarge(config.limits.maxHeaderSize), { ...verdicts, action: 'rejected', rule: 'header-too-large', timings, problem: problem('header-too-large', 'header section too large') });
  }
  const facts = inspection.status === 'ok' ? { fromCount: inspection.fromCount } : { fromCount: 0, problem: inspection.problem };
  const decision = policy.atEndOfData(report, facts, session.remoteAddress);
  runtime.metrics.messages.inc({ spf: report.spf.result, dkim: dkimLabel(report), dmarc: report.dmarc.result, action: decision.action });
  const waived = 'waived' in decision ? decision.waived : undefined;
  const decided = { ...verdicts, rule: decision.rule, ...(waived !== undefined && { waived: waived.by }) };
  if (decision.action === 'reject' || decision.action === 'defer') {
    await transaction.relay.abort();
    return end(decision.reply, { ...decided, action: actionOf(decision), timings });
  }
  const removals = settings.trustedRelays.has(session.remoteAddress) || inspection.status !== 'ok' ? [] : forgedFields(inspection.fields, settings.identity);
  const rewrite = buildRewrite(runtime, settings, session, transaction, report, decision, inspection, removals);
  const relayStarted = runtime.now();
  const outcome = await transaction.relay.data(composeMessage(spool, rewrite));
  const relayMs = runtime.now() - relayStarted;
  Object.assign(timings, { relayMs });
  const downstream = outcome.ok ? outcome.value : undefined;
  runtime.metrics.relaySeconds.observe({ outcome: downstream === undefined ? 'error' : `${Math.floor(downstream.code / 100)}xx` }, relayMs / 1000);
  const record = { ...decided, ...(removals.length > 0 && { removed: removals }), timings };
  if (!outcome.ok) {
    return end(outcome.reply, { ...record, action: 'deferred', problem: problem(outcome.error?.code ?? 'downstream-lost', outcome.error?.message ?? 'downstream failed') });
  }
  const reply = outcome.value;
  if (reply.code >= 400) return end(reply, { ...record, action: reply.code >= 500 ? 'rejected' : 'deferred', downstream: replyText(reply), problem: problem('downstream-refused', replyText(reply)) });
  const accepted: Reply = { code: 250, enhanced: '2.0.0', text: `Ok: relayed, downstream said: ${reply.enhanced} ${reply.text}` };
  return end(accepted, { ...record, action: actionOf(decision), downstream: replyText(reply) });
}

/** Our fields, top first (RFC 8601 §4: A-R above other trace fields; RFC 7208 §9.1: Received-SPF above our Received). */
function buildRewrite(
  runtime: Runtime, settings: Settings, session: SMTPServerSession, transaction: Transaction, report: AuthenticationReport,
  decision: Decision, inspection: HeaderInspection, removals: Removal[],
): Rewrite {
  const { config } = settings;
  const prepend = [report.headers.authenticationResults];
  if (config.stamp.receivedSpf) prepend.push(report.headers.receivedSpf);
  if (decision.action === 'quarantine') prepend.push(decision.header);
  if (config.stamp.received) prepend.push(ourReceived(runtime, config.hostname, session, transaction));
  if (inspection.status !== 'ok') return { prepend };
  return { prepend, header: { head: inspection.head, layout: inspection.layout, remove: new Set(removals.map((r) => r.index)) } };
}

function ourReceived(runtime: Runtime, hostname: string, session: SMTPServerSession, transaction: Transaction): string {
  const name = hostnameOf(session);
  const tls = session.tlsOptions === false ? undefined : { version: session.tlsOptions.version ?? 'TLS', cipher: session.tlsOptions.name };
  // RFC 6531 §3.7.3: UTF8SMTP(S) when the transaction used SMTPUTF8; RFC 3848 otherwise.
  const protocol = transaction.smtpUtf8 ? session.transmissionType.replace(/^E?SMTP/, 'UTF8SMTP') : session.transmissionType;
  return receivedField({
    helo: session.hostNameAppearsAs || '',
    ip: session.remoteAddress,
    ...(name !== undefined && { hostname: name }),
    by: hostname,
    protocol,
    id: transaction.id,
    recipients: transaction.recipients,
    ...(tls !== undefined && { tls }),
    date: new Date(runtime.now()),
  });
}

/**
 * Copies DATA into the spool and the authenticator. Stops storing past the size limit but reads
 * on to the end, since the client's reply comes only after its final dot.
 */
async function receive(stream: SMTPServerDataStream, spool: Spool, authInput: PassThrough, limit: number, report: Promise<unknown>): Promise<Received> {
  let size = 0;
  let oversized = false;
  let spoolError: Error | undefined;
  const reportSettled = report.then(() => undefined);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (oversized || spoolError !== undefined) continue;
      if (size > limit) {
        oversized = true;
        authInput.end();
        continue;
      }
      spoolError = await spool.write(chunk).then(() => undefined, (error: Error) => error);
      if (spoolError === undefined) await feed(authInput, chunk, reportSettled);
    }
  } catch (error) {
    return { status: 'client-aborted', size, error: error as Error };
  }
  authInput.end();
  if (spoolError !== undefined) return { status: 'spool-failed', size, error: spoolError };
  return { status: 'received', size, oversized };
}

/** Writes with backpressure; gives up waiting when the reader is gone or has finished. */
async function feed(target: PassThrough, chunk: Buffer, readerDone: Promise<void>): Promise<void> {
  if (target.destroyed || target.writableEnded) return;
  if (target.write(chunk)) return;
  await Promise.race([
    new Promise<void>((resolve) => {
      const done = () => {
        target.off('drain', done);
        target.off('close', done);
        resolve();
      };
      target.once('drain', done);
      target.once('close', done);
    }),
    readerDone,
  ]);
}

export type { SmtpdProblem };
