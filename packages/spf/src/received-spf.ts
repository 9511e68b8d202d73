import { receivedSpfField } from '@authgate/authres';
import type { ReceivedSpfData } from '@authgate/authres';
import type { SpfOutcome } from './types.js';

/** What the receiving MTA knows about the session, for the key-value pairs of RFC 7208 §9.1. */
export interface ReceivedSpfContext {
  /** The host name of the SPF verifier. */
  receiver: string;
  clientIp: string;
  helo: string;
  /** The reverse path as received ('' for a null path). */
  envelopeFrom: string;
}

/**
 * The whole `Received-SPF: ...` field (RFC 7208 §9.1), folded, without a final CRLF: the result,
 * a comment "conveying supporting information for the result, such as <ip>, <sender>, and
 * <domain>", then receiver, client-ip, envelope-from, helo, identity, mechanism and problem, so
 * that "the SPF results can be verified". Quoting and folding are @authgate/authres's.
 */
export function receivedSpf(outcome: SpfOutcome, context: ReceivedSpfContext): string {
  const data: ReceivedSpfData = {
    result: outcome.result,
    comment: `${context.receiver}: ${summary(outcome, context.clientIp)}`,
    receiver: context.receiver,
    clientIp: context.clientIp,
    envelopeFrom: context.envelopeFrom,
    helo: context.helo,
    identity: outcome.identity,
  };
  if (outcome.mechanism !== undefined) data.mechanism = outcome.mechanism;
  if (outcome.problem !== undefined) data.problem = outcome.problem.message;
  return receivedSpfField(data);
}

/** One sentence for the comment, worded per result (RFC 7208 §2.6). */
function summary(outcome: SpfOutcome, ip: string): string {
  const who = `domain of ${outcome.sender}`;
  switch (outcome.result) {
    case 'pass':
      return `${who} designates ${ip} as permitted sender`;
    case 'fail':
      return `${who} does not designate ${ip} as permitted sender`;
    case 'softfail':
      return `${who} discourages use of ${ip} as sender`;
    case 'neutral':
      return `${ip} is neither permitted nor denied by ${who}`;
    case 'none':
      return outcome.domain === '' ? `no checkable domain in ${outcome.sender}` : `${who} publishes no SPF record`;
    case 'temperror':
      return `temporary error checking ${who}`;
    case 'permerror':
      return `permanent error in the SPF policy for ${who}`;
  }
}
