import type { MethodResult, ResultProperty } from '@authgate/authres';
import type { DkimVerification } from './types.js';

/** RFC 6008 §4: header.b carries enough of b= to tell signatures apart; 8 characters is its advice. */
const SIGNATURE_PREFIX = 8;

/**
 * The `dkim=` entry of Authentication-Results for one signature (RFC 8601 §2.7.1): the result, a
 * reason when it did not pass cleanly, and header.d, header.i, header.s, header.a, header.b.
 */
export function dkimAuthResult(verification: DkimVerification): MethodResult {
  const properties: ResultProperty[] = [];
  const add = (property: string, value: string | undefined) => {
    if (value !== undefined && value !== '') properties.push({ ptype: 'header', property, value });
  };
  add('d', verification.domain);
  add('i', verification.identity);
  add('s', verification.selector);
  add('a', verification.algorithm);
  add('b', verification.signature?.slice(0, SIGNATURE_PREFIX));
  const entry: MethodResult = { method: 'dkim', result: verification.result, properties };
  if (verification.reason !== undefined && (verification.result !== 'pass' || verification.bodyLength !== undefined || verification.testing)) {
    entry.reason = verification.reason;
  }
  return entry;
}
