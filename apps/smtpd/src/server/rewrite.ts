import type { AuthenticationReport } from 'authgate';
import type { SMTPServerSession } from 'smtp-server';
import type { FilterConfig } from '../config/schema.js';
import type { Decision } from '../policy.js';
import type { Rewrite } from '../stamp/compose.js';
import type { Removal } from '../stamp/forged.js';
import type { LocatedHeader } from '../stamp/inspect.js';
import { receivedField } from '../stamp/received.js';
import type { Transaction } from './runtime.js';

/**
 * Our fields, top first: Authentication-Results above every other trace field (RFC 8601 §4),
 * Received-SPF above our Received (RFC 7208 §9.1), the quarantine mark, our Received
 * (RFC 5321 §4.4). Forged fields found in the header section (parsed or salvaged) are cut.
 */
export function rewriteFor(
  config: FilterConfig, session: SMTPServerSession, transaction: Transaction, report: AuthenticationReport,
  decision: Decision, located: LocatedHeader | undefined, removals: Removal[], now: number, confirmedName: string | undefined,
): Rewrite {
  const prepend = [report.headers.authenticationResults];
  if (config.stamp.receivedSpf) prepend.push(report.headers.receivedSpf);
  if (decision.action === 'quarantine') prepend.push(decision.header);
  if (config.stamp.received) prepend.push(ourReceived(config.hostname, session, transaction, now, confirmedName));
  if (located === undefined) return { prepend };
  return { prepend, header: { head: located.head, layout: located.layout, remove: new Set(removals.map((r) => r.index)) } };
}

/**
 * `confirmedName` is the client's PTR name only when its A/AAAA records lead back to the client
 * (`confirmClientName`): a PTR record alone says what the owner of the address range wants, and
 * RFC 5321 §4.4 asks the TCP-info for the verified name. Unconfirmed, the field says
 * `(unknown [192.0.2.1])`, as Postfix writes it.
 */
function ourReceived(hostname: string, session: SMTPServerSession, transaction: Transaction, now: number, confirmedName: string | undefined): string {
  const name = confirmedName;
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
    date: new Date(now),
  });
}
