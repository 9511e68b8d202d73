/**
 * What counts as a failing verdict, for `--fail-on` (exit 1) and for the summary's "top failing
 * domains". Temporary errors never count: the check could not finish, so nothing is known.
 */

export type Method = 'spf' | 'dkim' | 'dmarc';

/** SPF: not authorized (`fail`, `softfail`, RFC 7208 §2.6) or a broken record (`permerror`). */
export function spfFails(result: string): boolean {
  return result === 'fail' || result === 'softfail' || result === 'permerror';
}

/**
 * DKIM: no signature passes and at least one was rejected (`fail`, `permerror`, or `policy`,
 * RFC 8601 §2.7.1). An unsigned message (`none`) does not count. RFC 6376 §4.2 has assessors
 * ignore failed signatures "as though they were not present", so to a receiver broken and
 * unsigned are alike; but a broken signature is a mistake its signer can fix, and that is what a
 * script asking `--fail-on dkim` wants to hear about.
 */
export function dkimFails(signatures: ReadonlyArray<{ result: string }>): boolean {
  if (signatures.some((signature) => signature.result === 'pass')) return false;
  return signatures.some((signature) => signature.result === 'fail' || signature.result === 'permerror' || signature.result === 'policy');
}

/** DMARC: the message is not aligned-authenticated for a domain that publishes a policy. */
export function dmarcFails(result: string): boolean {
  return result === 'fail';
}

/** The DKIM verdict of a message in one word: `pass` if any signature passes, else the first result. */
export function dkimVerdict(signatures: ReadonlyArray<{ result: string }>): string {
  if (signatures.some((signature) => signature.result === 'pass')) return 'pass';
  return signatures[0]?.result ?? 'none';
}
