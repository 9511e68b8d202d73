import { authenticate, type AuthenticateOptions } from 'authgate';
import type { SMTPServerSession } from 'smtp-server';
import type { FilterConfig } from '../config/schema.js';
import type { Runtime, Transaction } from '../server/runtime.js';
import type { Spool } from '../spool.js';
import type { Report } from './report.js';
import type { ThreadOptions } from './protocol.js';

/**
 * Authenticates a received message. With verification threads (`auth.threads`) it goes to one of
 * them, so that the event loop, which serves every connection, spends two posts on it instead of
 * the parsing, hashing and cryptography; the thread reads what the spool keeps on disk itself.
 * Without, it streams from the spool on the event loop. Either way a message is never held in
 * memory whole beyond the spool's memory part. SPF is the verdict reached at MAIL FROM.
 */
export function verifyMessage(runtime: Runtime, config: FilterConfig, session: SMTPServerSession, transaction: Transaction, spool: Spool): Promise<Report> {
  const options: ThreadOptions = {
    ip: session.remoteAddress,
    helo: session.hostNameAppearsAs || '',
    mailFrom: transaction.from,
    authservId: config.authservId,
    now: runtime.now(),
    dmarcMode: config.auth.dmarcMode,
    minRsaBits: config.auth.minRsaBits,
    clockSkewSeconds: config.auth.clockSkewSeconds,
    spf: transaction.spf,
  };
  if (runtime.threads !== undefined) return runtime.threads.verify(spool.handOff(), options);
  const onLoop: AuthenticateOptions = { ...options, now: runtime.now, resolver: runtime.resolver };
  return authenticate(spool.stream(), onLoop).then(
    (report): Report => ({ ok: true, report }),
    (error: unknown): Report => ({ ok: false, error }),
  );
}
