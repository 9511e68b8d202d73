import type { DkimResult } from './types.js';

/**
 * Every machine `code` this package reports, with the result it leads to. RFC 6376 §6.1 names
 * the outcomes PERMFAIL/TEMPFAIL with an "(explanation)"; RFC 8601 §2.7.1 maps them onto the
 * Authentication-Results strings, which is the mapping below:
 * - `fail` when the cryptography says no (the signature or the body hash did not verify);
 * - `temperror` when the key could not be fetched for now;
 * - `policy` when only our local policy (a key-size floor above 1024 bits) refuses it;
 * - `neutral` for signatures we chose not to evaluate (over the signature limit);
 * - `permerror` for everything else: the signature or key record is unusable as written.
 */
export const DKIM_CODES = {
  /** No DKIM-Signature field at all. */
  'no-signature': 'none',
  /** The header section could not be split into fields, so signatures cannot be found. */
  'malformed-message': 'permerror',

  // RFC 6376 §6.1.1: validate the signature header field.
  /** The value is not a tag-list (§3.2). */
  'tag-syntax': 'permerror',
  /** A tag appears twice: the whole tag-list is invalid (§3.2). */
  'duplicate-tag': 'permerror',
  /** One of v, a, b, bh, d, h, s is missing (§6.1.1). */
  'missing-tag': 'permerror',
  /** v= is not 1 (§6.1.1, incompatible version). */
  'unsupported-version': 'permerror',
  /** a= names an algorithm we do not implement: such signatures are ignored (§3.3.4). */
  'unknown-algorithm': 'permerror',
  /** a=rsa-sha1: RFC 8301 §3.1 forbids verifying it; it has permanently failed. */
  'sha1-not-allowed': 'permerror',
  /** c= names an unknown canonicalization: such signatures are ignored (§3.4). */
  'unknown-canonicalization': 'permerror',
  /** q= lists no query method we know (dns/txt, §3.5). */
  'unknown-query-method': 'permerror',
  /** b= or bh= is not base64 (§2.10 base64string). */
  'bad-base64': 'permerror',
  /** d= is not a domain-name of A-labels (§3.5). */
  'bad-domain': 'permerror',
  /** s= is not a selector (§3.1). */
  'bad-selector': 'permerror',
  /** i= is not [local-part] "@" domain-name (§3.5). */
  'bad-identity': 'permerror',
  /** The i= domain is neither d= nor below it (§6.1.1, domain mismatch). */
  'identity-mismatch': 'permerror',
  /** h= is empty or malformed (§3.5). */
  'bad-header-list': 'permerror',
  /** h= does not name From (§6.1.1, From field not signed). */
  'from-not-signed': 'permerror',
  /** l= is not 1*76DIGIT (§3.5). */
  'bad-body-length': 'permerror',
  /** t= or x= is not a number, or x= is not after t= (§3.5). */
  'bad-timestamp': 'permerror',
  /** x= is past, beyond the allowed clock skew (§6.1.1, signature expired). */
  'signature-expired': 'permerror',
  /** t= is in the future, beyond the allowed clock skew (§3.5 lets verifiers ignore it). */
  'signature-in-future': 'permerror',

  // RFC 6376 §6.1.2: get the public key.
  /** The selector's name does not exist or has no TXT record (no key for signature). */
  'key-not-found': 'permerror',
  /** The selector and domain do not form a name DNS can be asked (RFC 1035 §2.3.4). */
  'key-name-invalid': 'permerror',
  /** DNS did not answer (key unavailable). */
  'key-unavailable': 'temperror',
  /** No TXT record at the selector is a valid key record (key syntax error). */
  'key-syntax': 'permerror',
  /** p= is empty (key revoked); RFC 6376 §3.6.1 draws no distinction from a removed key. */
  'key-revoked': 'permerror',
  /** The key's h= does not allow the signature's hash (inappropriate hash algorithm). */
  'key-hash-mismatch': 'permerror',
  /** The key's k= is not the signature's key type (inappropriate key algorithm). */
  'key-type-mismatch': 'permerror',
  /** p= does not hold a key of the k= type. */
  'key-invalid': 'permerror',
  /** The key's s= does not include email or * (§3.6.1). */
  'key-not-for-email': 'permerror',
  /** The key has t=s but the i= domain is a subdomain of d= (§3.10). */
  'key-identity-mismatch': 'permerror',
  /** An RSA key under 1024 bits: RFC 8301 §3.2 says such signatures have permanently failed. */
  'key-too-small': 'permerror',
  /** An RSA key of at least 1024 bits but under the configured `minRsaBits`. */
  'key-below-policy': 'policy',

  // RFC 6376 §6.1.3: compute the verification.
  /** The canonicalized body does not hash to bh= (body hash did not verify). */
  'body-hash-mismatch': 'fail',
  /** l= is larger than the canonicalized body: it cannot be the body that was signed (§3.5). */
  'body-too-short': 'fail',
  /** b= does not verify over the header hash (signature did not verify). */
  'signature-mismatch': 'fail',

  /** More signatures than `maxSignatures`; this one was not evaluated (§6.1, §8.4). */
  'too-many-signatures': 'neutral',
} as const satisfies Record<string, DkimResult>;

export type DkimErrorCode = keyof typeof DKIM_CODES;

/** Why a signature did not pass (or why there is none). */
export interface DkimProblem {
  code: DkimErrorCode;
  /** Starts with `dkim: `. */
  message: string;
}

/** Codes thrown by `signDkim` and `generateDkimKey` for misuse: they are never results. */
export type DkimUsageCode = 'bad-option' | 'malformed-message' | 'no-from' | 'key-mismatch' | 'key-too-small' | 'body-length';

/** The one error class of this package, thrown only by the signer and key generator. */
export class DkimError extends Error {
  override readonly name = 'DkimError';
  readonly code: DkimUsageCode;

  constructor(code: DkimUsageCode, message: string, options?: { cause?: unknown }) {
    super(`dkim: ${message}`, options);
    this.code = code;
  }
}

export function problem(code: DkimErrorCode, detail: string): DkimProblem {
  return { code, message: `dkim: ${detail}` };
}

/** The human text of a problem, without the `dkim: ` prefix: what `reason` reports. */
export function detailOf(found: DkimProblem): string {
  return found.message.startsWith('dkim: ') ? found.message.slice('dkim: '.length) : found.message;
}
