import { clientAddress, resolveOptions, runCheckHost, splitSender } from './check-host.js';
import type { CheckRequest } from './check-host.js';
import type { SpfVerification, VerifySpfInput } from './types.js';

/** The reverse path without angle brackets, or undefined for the null path `<>` (RFC 5321 §4.5.5). */
function reversePath(mailFrom: string): string | undefined {
  let path = String(mailFrom ?? '').trim();
  if (path.startsWith('<') && path.endsWith('>')) path = path.slice(1, -1).trim();
  return path === '' ? undefined : path;
}

/**
 * The SPF checks an MTA makes at MAIL FROM.
 *
 * - The answer is the MAIL FROM identity (RFC 7208 §2.4), or, for a null reverse path, the
 *   mailbox "postmaster@<HELO>", evaluated once and reported for both identities.
 * - `helo` is the separate HELO identity check that §2.3 RECOMMENDS: check_host() with the HELO
 *   name as <domain> and postmaster@HELO as <sender>; "none" without any DNS query when the
 *   HELO is not a multi-label domain name (an address literal, a bare host name).
 * Both run concurrently, each with its own limits (§4.6.4 counts per check_host()).
 */
export async function verifySpf(input: VerifySpfInput): Promise<SpfVerification> {
  const options = resolveOptions(input);
  const client = clientAddress(input.ip);
  const helo = String(input.helo ?? '').trim();
  const heloRequest: CheckRequest = { client, identity: 'helo', domain: helo, sender: { local: 'postmaster', domainPart: helo }, helo };
  const path = reversePath(input.mailFrom);
  if (path === undefined) {
    const heloOutcome = await runCheckHost(heloRequest, options);
    return { ...heloOutcome, identity: 'mailfrom', helo: heloOutcome };
  }
  const sender = splitSender(path);
  const mailRequest: CheckRequest = { client, identity: 'mailfrom', domain: sender.domainPart, sender, helo };
  const [mailOutcome, heloOutcome] = await Promise.all([runCheckHost(mailRequest, options), runCheckHost(heloRequest, options)]);
  // Not `{ ...mailOutcome, helo }`: Node 20's V8 adds a property after a leading spread slowly.
  return Object.assign({}, mailOutcome, { helo: heloOutcome });
}
