/**
 * SMTP replies: the ones the filter gives of its own accord, each with the RFC that names its
 * code, and the downstream replies it passes on.
 */

/** One reply: basic code (RFC 5321 §4.2), enhanced code (RFC 3463), text. */
export interface Reply {
  code: number;
  /** `class.subject.detail`, e.g. `5.7.1`. */
  enhanced: string;
  text: string;
}

/**
 * Reads a server reply as nodemailer hands it over: one or more lines (`250-...` / `250 ...`)
 * joined by LF. The enhanced code comes from the first line (RFC 2034 §4: every line repeats it);
 * when the server gave none, the generic `X.0.0` of the reply's class stands in.
 */
export function parseReply(raw: string): Reply {
  const lines = raw.split(/\r?\n/).filter((line) => line !== '');
  const code = Number(/^(\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const texts: string[] = [];
  let enhanced: string | undefined;
  for (const line of lines) {
    const match = /^\d{3}[ -]?(?:([245]\.\d{1,3}\.\d{1,3})(?: |$))?(.*)$/.exec(line);
    enhanced ??= match?.[1];
    texts.push((match?.[2] ?? line).trim());
  }
  const klass = Math.floor(code / 100);
  return { code, enhanced: enhanced ?? `${klass >= 2 && klass <= 5 ? klass : 4}.0.0`, text: texts.filter((t) => t !== '').join(' ') };
}

export function formatReply(reply: Reply): string {
  return `${reply.code} ${reply.enhanced} ${reply.text}`;
}

/**
 * The error an smtp-server callback takes to answer with `reply`. The connection class reads the
 * enhanced code off the front of the message (see `FilterConnection.send`).
 */
export class SmtpReplyError extends Error {
  override readonly name = 'SmtpReplyError';
  readonly responseCode: number;
  readonly reply: Reply;

  constructor(reply: Reply) {
    super(`${reply.enhanced} ${reply.text}`);
    this.responseCode = reply.code;
    this.reply = reply;
  }
}

export const replies = {
  /** RFC 5321 §3.3 and §7.1: not one of our domains, so not ours to accept (never an open relay). */
  relayDenied: (address: string): Reply => ({ code: 550, enhanced: '5.7.1', text: `<${address}>: Relay access denied` }),
  /** RFC 3207 §4: the server may require TLS before a transaction. */
  tlsRequired: (): Reply => ({ code: 530, enhanced: '5.7.0', text: 'Must issue a STARTTLS command first' }),
  /** RFC 7208 §8.4 with RFC 7372 §3.2: X.7.23 replaces 5.7.1 for an SPF fail; the explanation goes with it. */
  spfFail: (domain: string, explanation: string | undefined): Reply => ({
    code: 550,
    enhanced: '5.7.23',
    text: `SPF validation failed for ${domain || 'the sender'}${explanation !== undefined ? `: ${explanation}` : ''}`,
  }),
  /** RFC 7208 §8.6 with RFC 7372 §3.2: X.7.24 replaces 4.4.3 for an SPF temperror. */
  spfTempError: (domain: string): Reply => ({ code: 451, enhanced: '4.7.24', text: `Temporary SPF validation error for ${domain || 'the sender'}, try again later` }),
  /**
   * RFC 9989 §7.2: a 5xy reply naming DMARC, as in its own example (5.7.1). RFC 7372 §3.4: when
   * another authentication method failed as well, X.7.26 "multiple authentication checks failed".
   */
  dmarcReject: (domain: string, multipleFailed: boolean): Reply => ({
    code: 550,
    enhanced: multipleFailed ? '5.7.26' : '5.7.1',
    text: `Email rejected per DMARC policy for ${domain}`,
  }),
  /** RFC 9989 §7.2: deferring for want of a policy is best done with 4xy; RFC 3463 X.4.3: DNS unavailable. */
  dmarcTempError: (domain: string): Reply => ({ code: 451, enhanced: '4.4.3', text: `Temporary DNS failure evaluating DMARC policy for ${domain || 'the author domain'}, try again later` }),
  /** RFC 5322 §3.6 (exactly one From) and the header syntax of §2.2; RFC 3463 X.6.0: a content problem. */
  malformed: (detail: string): Reply => ({ code: 550, enhanced: '5.6.0', text: `Message is not RFC 5322 compliant: ${detail}` }),
  /** RFC 5321 §4.5.3.1.10: recipients past the limit get 452 and may be sent again; RFC 3463 X.5.3. */
  tooManyRecipients: (): Reply => ({ code: 452, enhanced: '4.5.3', text: 'Too many recipients' }),
  /** RFC 1870 §6.3 / RFC 5321 §4.5.3.1.9: over the size limit; RFC 3463 X.3.4. */
  tooLarge: (limit: number): Reply => ({ code: 552, enhanced: '5.3.4', text: `Message size exceeds fixed maximum message size ${limit}` }),
  headerTooLarge: (limit: number): Reply => ({ code: 552, enhanced: '5.3.4', text: `Message header section exceeds ${limit} bytes` }),
  /**
   * RFC 6531 §3.5: an internationalized message must not go to a server without SMTPUTF8; a MAIL
   * refused for it gets 550 with X.6.7 (non-ASCII addresses not permitted). No downgrade is done.
   */
  smtpUtf8Unsupported: (): Reply => ({ code: 550, enhanced: '5.6.7', text: 'Non-ASCII addresses not permitted: the downstream server does not support SMTPUTF8' }),
  /**
   * RFC 6152 §3: an 8-bit body for a server without 8BITMIME must be converted or returned; the
   * filter converts nothing (it would break DKIM signatures), hence RFC 3463 X.6.3.
   */
  eightBitMimeUnsupported: (): Reply => ({ code: 550, enhanced: '5.6.3', text: 'Conversion required but not supported: the downstream server does not support 8BITMIME' }),
  /** RFC 5321 §4.2.5: the downstream could not take the message now; the client keeps it and retries. */
  downstreamUnavailable: (): Reply => ({ code: 451, enhanced: '4.4.1', text: 'Downstream server unavailable, try again later' }),
  downstreamTimeout: (): Reply => ({ code: 451, enhanced: '4.4.2', text: 'Downstream server timed out, try again later' }),
  downstreamLost: (): Reply => ({ code: 451, enhanced: '4.4.2', text: 'Connection to the downstream server lost, try again later' }),
  /** RFC 3463 X.3.0: a local problem (a bug or the spool); the client retries, nothing is lost. */
  localError: (): Reply => ({ code: 451, enhanced: '4.3.0', text: 'Local error in processing, try again later' }),
  /** RFC 5321 §4.5.3.2: the client idled past a timeout; RFC 3463 X.4.2: bad connection. */
  idleTimeout: (): Reply => ({ code: 421, enhanced: '4.4.2', text: 'Timeout - closing connection' }),
  /** A downstream reply to the final dot that is no final reply (RFC 5321 §4.2.1: 3yz is not one there). */
  downstreamProtocolError: (): Reply => ({ code: 451, enhanced: '4.4.2', text: 'Downstream server answered out of protocol, try again later' }),
  /** RFC 5321 §3.8: the service is going away; RFC 3463 X.3.2: not accepting messages. */
  shuttingDown: (): Reply => ({ code: 421, enhanced: '4.3.2', text: 'Service shutting down, try again later' }),
  /**
   * `limits.maxConnections`: RFC 5321 §3.8 allows 421 at connection time. RFC 3463 X.3.2 "System
   * not accepting network messages" names "excessive load" among its examples: the filter as a
   * whole is full, whoever the client is (as Postfix's postscreen answers `421 4.3.2 All server
   * ports are busy`). Not X.7.0, which is a security or policy status about this client.
   */
  tooManyConnections: (): Reply => ({ code: 421, enhanced: '4.3.2', text: 'Too many connections, try again later' }),
  /** `limits.maxConnectionsPerIp`: a policy about this one client, hence RFC 3463 X.7.0. */
  tooManyConnectionsFromIp: (ip: string): Reply => ({ code: 421, enhanced: '4.7.0', text: `Too many connections from ${ip}, try again later` }),
} as const;
