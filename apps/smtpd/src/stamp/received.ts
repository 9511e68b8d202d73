import net from 'node:net';

export interface ReceivedContext {
  /** The client's HELO/EHLO argument. */
  helo: string;
  ip: string;
  /**
   * The client's host name, only when forward-confirmed (its PTR name's A/AAAA records include
   * `ip`). RFC 5321 §4.4: TCP-info is "derived by server from TCP connection not client EHLO";
   * an unchecked PTR name is whatever the owner of the address range wrote, so without a
   * confirmed name the field says `unknown`, as Postfix does.
   */
  hostname?: string;
  /** Our host name. */
  by: string;
  /** RFC 3848 / RFC 6531 §3.7.3 protocol: ESMTP, ESMTPS, UTF8SMTPS... */
  protocol: string;
  /** The transaction id, as logged. */
  id: string;
  /** The recipient, written only when there is exactly one (RFC 5321 §7.2: no list of others). */
  recipients: readonly string[];
  /** TLS details when the session was encrypted. */
  tls?: { version: string; cipher: string };
  date: Date;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Our trace field (RFC 5321 §4.4: an SMTP server that receives a message for relaying MUST
 * prepend one), in the Time-stamp-line grammar of that section:
 * `from` Extended-Domain `by` Domain `with` Protocol `id` String [`for` Path] `;` date-time.
 * Returned whole, folded (RFC 5322 §2.2.3), without the final CRLF.
 */
export function receivedField(context: ReceivedContext): string {
  const literal = addressLiteral(context.ip);
  const from = `from ${safeHelo(context.helo) ?? literal} (${context.hostname ?? 'unknown'} ${literal})`;
  const lines = [`Received: ${from}`, `by ${context.by} (authgate-smtpd) with ${context.protocol} id ${context.id}`];
  if (context.tls !== undefined) lines.push(`(using ${context.tls.version} with cipher ${context.tls.cipher})`);
  if (context.recipients.length === 1) lines.push(`for <${context.recipients[0]}>`);
  // RFC 5322 §2.1.1: folded so that lines stay near 78 characters.
  lines.push(`${lines.pop()!};`, dateTime(context.date));
  return lines.join('\r\n\t');
}

/** RFC 5321 §4.1.3: `[192.0.2.1]` or `[IPv6:2001:db8::1]`. */
function addressLiteral(ip: string): string {
  return net.isIPv6(ip) ? `[IPv6:${ip}]` : `[${ip}]`;
}

/**
 * The HELO name when it can stand in the From-domain position: a domain or an address literal.
 * Anything else (a bare word, text with parentheses) is left out rather than written where a
 * parser of this field would misread it.
 */
function safeHelo(helo: string): string | undefined {
  if (/^\[[0-9A-Fa-f:.]+\]$|^\[IPv6:[0-9A-Fa-f:.]+\]$/.test(helo)) return helo;
  if (/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(helo)) return helo;
  return undefined;
}

/** RFC 5322 §3.3 date-time in UTC: `Thu, 01 Jan 2026 00:00:00 +0000`. */
export function dateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
