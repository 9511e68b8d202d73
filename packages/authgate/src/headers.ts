import { authenticationResultsField } from '@authgate/authres';
import { dkimAuthResult, type DkimVerification } from '@authgate/dkim';
import { dmarcAuthResult, type DmarcEvaluation } from '@authgate/dmarc';
import { receivedSpf, spfAuthResult, type SpfVerification } from '@authgate/spf';

export interface StampedHeaders {
  /** The whole `Authentication-Results:` field, folded, without its final CRLF. */
  authenticationResults: string;
  /** The whole `Received-SPF:` field, folded, without its final CRLF. */
  receivedSpf: string;
}

export interface StampContext {
  authservId: string;
  ip: string;
  helo: string;
  mailFrom: string;
}

/**
 * The header fields a receiver prepends: one Authentication-Results with a result per method
 * (RFC 8601 §2.2; one `dkim=` per signature, §2.7.1) and the Received-SPF trace (RFC 7208 §9.1).
 */
export function stampHeaders(
  verdicts: { spf: SpfVerification; dkim: DkimVerification[]; dmarc: DmarcEvaluation },
  context: StampContext,
): StampedHeaders {
  const authenticationResults = authenticationResultsField({
    authservId: context.authservId,
    results: [spfAuthResult(verdicts.spf), ...verdicts.dkim.map(dkimAuthResult), dmarcAuthResult(verdicts.dmarc)],
  });
  const received = receivedSpf(verdicts.spf, {
    receiver: context.authservId,
    clientIp: context.ip,
    helo: context.helo,
    envelopeFrom: context.mailFrom,
  });
  return { authenticationResults, receivedSpf: stripFinalCrlf(received) };
}

function stripFinalCrlf(field: string): string {
  return field.replace(/\r?\n$/, '');
}
