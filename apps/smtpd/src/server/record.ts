import type { AuthenticationReport, SpfVerification } from 'authgate';
import type { SMTPServerSession } from 'smtp-server';
import type { SmtpdProblem } from '../errors.js';
import type { Decision } from '../policy.js';
import type { Reply } from '../reply.js';
import type { Removal } from '../stamp/forged.js';
import type { Transaction } from './runtime.js';

/** How a transaction ended, in the log line and the metrics. */
export type Action = 'relayed' | 'quarantined' | 'rejected' | 'deferred' | 'failed' | 'abandoned';

/** The one log line written per transaction ("one line per message"). */
export interface TransactionRecord {
  id: string;
  client: { ip: string; port: number; helo: string; hostname?: string; tls?: string };
  from: string;
  to: string[];
  refused: Array<{ address: string; reply: string }>;
  /** Refused recipients beyond the ones listed (see `MAX_LISTED_REFUSALS`). */
  refusedUnlisted?: number;
  size?: number;
  /** Where the message was held: under `spool.memoryLimit` in memory, beyond it in a temporary file. */
  spool?: 'memory' | 'file';
  spf: ReturnType<typeof spfSummary>;
  dkim?: ReturnType<typeof dkimSummary>;
  dmarc?: ReturnType<typeof dmarcSummary>;
  action: Action;
  rule?: string;
  waived?: string;
  removed?: Removal[];
  downstream?: string;
  reply: string;
  timings: Record<string, number>;
  problem?: SmtpdProblem;
}

export function clientSummary(session: SMTPServerSession): TransactionRecord['client'] {
  const hostname = hostnameOf(session);
  const tls = session.tlsOptions === false ? undefined : `${session.tlsOptions.version ?? ''} ${session.tlsOptions.name}`.trim();
  return {
    ip: session.remoteAddress,
    port: session.remotePort,
    helo: session.hostNameAppearsAs || '',
    ...(hostname !== undefined && { hostname }),
    ...(tls !== undefined && { tls }),
  };
}

/** smtp-server writes `[ip]` when the client has no PTR name. */
export function hostnameOf(session: SMTPServerSession): string | undefined {
  const name = session.clientHostname;
  return name === '' || name.startsWith('[') ? undefined : name;
}

export function spfSummary(spf: SpfVerification) {
  return {
    result: spf.result,
    domain: spf.domain,
    ...(spf.mechanism !== undefined && { mechanism: spf.mechanism }),
    ...(spf.problem !== undefined && { problem: spf.problem.code }),
    ...(spf.helo !== undefined && { helo: spf.helo.result }),
  };
}

export function dkimSummary(report: AuthenticationReport) {
  return report.dkim.map((v) => ({
    result: v.result,
    ...(v.domain !== undefined && { domain: v.domain }),
    ...(v.selector !== undefined && { selector: v.selector }),
    ...(v.problem !== undefined && { problem: v.problem.code }),
  }));
}

export function dmarcSummary(report: AuthenticationReport) {
  const d = report.dmarc;
  return {
    result: d.result,
    ...(d.authorDomain !== undefined && { domain: d.authorDomain }),
    ...(d.policy !== undefined && { policy: d.policy }),
    disposition: d.disposition,
    ...(d.problem !== undefined && { problem: d.problem.code }),
  };
}

/** The DKIM label of the messages metric: `pass` if any signature passed, else the first result. */
export function dkimLabel(report: AuthenticationReport): string {
  return report.dkim.some((v) => v.result === 'pass') ? 'pass' : (report.dkim[0]?.result ?? 'none');
}

export function actionOf(decision: Decision): Action {
  return decision.action === 'reject' ? 'rejected' : decision.action === 'defer' ? 'deferred' : decision.action === 'quarantine' ? 'quarantined' : 'relayed';
}

export function replyText(reply: Reply): string {
  return `${reply.code} ${reply.enhanced} ${reply.text}`;
}

/** The record of a transaction, before its end is known. */
export function baseRecord(session: SMTPServerSession, transaction: Transaction): Omit<TransactionRecord, 'action' | 'reply'> {
  return {
    id: transaction.id,
    client: clientSummary(session),
    from: transaction.from,
    to: transaction.recipients,
    refused: transaction.refused.map((r) => ({ address: r.address, reply: replyText(r.reply) })),
    ...(transaction.refusedUnlisted > 0 && { refusedUnlisted: transaction.refusedUnlisted }),
    spf: spfSummary(transaction.spf),
    timings: { ...transaction.timings },
  };
}
