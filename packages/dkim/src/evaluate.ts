import type { BodyHashSink } from './body-hash.js';
import { verifyHeaderSignature } from './crypto.js';
import { DKIM_CODES, detailOf, problem, type DkimErrorCode } from './errors.js';
import { candidateKey, type KeyCandidate, type KeyLookup } from './key-lookup.js';
import type { DkimSignature, SignatureSummary } from './signature.js';
import type { DkimVerification } from './types.js';

/** RFC 8301 §3.2: verifiers MUST NOT consider signatures with RSA keys under 1024 bits valid. */
export const RFC8301_MIN_RSA_BITS = 1024;

/** A signature whose tags are valid, waiting for its key and for the body to end. */
export interface PreparedSignature {
  signature: DkimSignature;
  summary: SignatureSummary;
  /** The header hash input (RFC 6376 §3.7 step 2). */
  headerData: Buffer;
  sink: BodyHashSink;
  keys: Promise<KeyLookup>;
}

/** The result for a problem, `reason` being the problem's text without the package prefix. */
export function failure(base: Partial<DkimVerification>, code: DkimErrorCode, detail: string): DkimVerification {
  // Object.assign rather than `{ ...base, more }` here and below: Node 20's V8 adds every property
  // written after a leading spread through a slow path (about 0.5 us each), once per signature.
  return Object.assign({}, base, { result: DKIM_CODES[code], reason: detail, problem: problem(code, detail) });
}

/** What a result says about the signature whatever the verdict. */
export function describe(summary: SignatureSummary): Partial<DkimVerification> {
  const base: Partial<DkimVerification> = {};
  if (summary.domain !== undefined) base.domain = summary.domain;
  if (summary.selector !== undefined) base.selector = summary.selector;
  if (summary.algorithm !== undefined) base.algorithm = summary.algorithm;
  if (summary.identity !== undefined) base.identity = summary.identity;
  if (summary.signature !== undefined) base.signature = summary.signature;
  return base;
}

/**
 * The verdict once the key lookup and the body are done. With several key records at the selector,
 * each is tried in turn, as RFC 6376 §6.1.2 step 4 allows; the first that passes wins, otherwise
 * the first record's verdict stands.
 */
export function evaluate(prepared: PreparedSignature, lookup: KeyLookup, minRsaBits: number): DkimVerification {
  const base = describe(prepared.summary);
  if (prepared.signature.bodyLength !== undefined) {
    const { signed, total } = prepared.sink.result;
    base.bodyLength = { signed, total };
  }
  if (!lookup.ok) return failure(base, lookup.problem.code, detailOf(lookup.problem));
  let first: DkimVerification | undefined;
  for (const candidate of lookup.candidates) {
    const verdict = withTestingFlag(candidate, evaluateWithKey(prepared, candidate, minRsaBits, base));
    if (verdict.result === 'pass') return verdict;
    first ??= verdict;
  }
  return first!;
}

/**
 * RFC 6376 §3.6.1 t=y: verifiers MUST NOT treat mail signed in testing mode differently from
 * unsigned mail "even should the signature fail". That is a rule for the consumer's policy, not
 * a different verification outcome: the result stays what verification found (as dkimpy, OpenDKIM
 * and mailauth report it) and is flagged, so a policy can weigh it and DMARC only counts passes.
 */
function withTestingFlag(candidate: KeyCandidate, verdict: DkimVerification): DkimVerification {
  if (!candidate.record.flags.includes('y')) return verdict;
  const reason = verdict.reason === undefined ? 'key is in testing mode (t=y)' : `${verdict.reason}; key is in testing mode (t=y)`;
  return { ...verdict, testing: true, reason };
}

function evaluateWithKey(prepared: PreparedSignature, candidate: KeyCandidate, minRsaBits: number, base: Partial<DkimVerification>): DkimVerification {
  const { signature } = prepared;
  const record = candidate.record;
  // RFC 6376 §6.1.2 step 6: the key's h= must allow the signature's hash.
  if (record.hashes !== undefined && !record.hashes.includes('sha256')) {
    return failure(base, 'key-hash-mismatch', `key allows h=${record.hashes.join(':')}, not sha256`);
  }
  // RFC 6376 §6.1.2 step 7: an empty p= is a revoked key.
  if (record.publicKey.length === 0) return failure(base, 'key-revoked', 'key revoked');
  // RFC 6376 §6.1.2 step 8: the key must suit the a= algorithm.
  if (record.keyType !== signature.keyType) {
    return failure(base, 'key-type-mismatch', `key is k=${record.keyType}, signature is ${signature.algorithm}`);
  }
  // RFC 6376 §3.6.1 s=: a record not for email is ignored.
  if (!record.services.includes('*') && !record.services.includes('email')) {
    return failure(base, 'key-not-for-email', `key is for s=${record.services.join(':')}, not email`);
  }
  // RFC 6376 §3.10: with t=s the i= domain must be d= itself.
  if (record.flags.includes('s') && signature.identityDomain !== signature.domain) {
    return failure(base, 'key-identity-mismatch', `key has t=s but i= domain ${signature.identityDomain} is not ${signature.domain}`);
  }
  const imported = candidateKey(candidate);
  if (imported === undefined) return failure(base, 'key-invalid', `p= is not a valid ${record.keyType} public key`);
  const withKey = Object.assign({}, base, { keyBits: imported.bits });
  if (signature.keyType === 'rsa' && imported.bits < RFC8301_MIN_RSA_BITS) {
    return failure(withKey, 'key-too-small', `${imported.bits}-bit RSA key is under 1024 bits (RFC 8301 §3.2)`);
  }
  if (signature.keyType === 'rsa' && imported.bits < minRsaBits) {
    return failure(withKey, 'key-below-policy', `${imported.bits}-bit RSA key is under the ${minRsaBits}-bit minimum`);
  }
  return checkHashes(prepared, imported.key, withKey);
}

/** RFC 6376 §6.1.3 steps 3-4: the body hash first (its failure decides), then the signature. */
function checkHashes(prepared: PreparedSignature, key: Parameters<typeof verifyHeaderSignature>[1], base: Partial<DkimVerification>): DkimVerification {
  const { signature } = prepared;
  const body = prepared.sink.result;
  if (signature.bodyLength !== undefined && signature.bodyLength > body.total) {
    // RFC 6376 §3.5 l=: it MUST NOT be larger than the canonicalized body, so this is not that body.
    return failure(base, 'body-too-short', `l=${signature.bodyLength} is longer than the ${body.total}-octet canonicalized body`);
  }
  if (!body.digest.equals(signature.bodyHash)) return failure(base, 'body-hash-mismatch', 'body hash did not verify');
  if (!verifyHeaderSignature(signature.algorithm, key, prepared.headerData, signature.signature)) {
    return failure(base, 'signature-mismatch', 'signature did not verify');
  }
  const verdict: DkimVerification = Object.assign({}, base, { result: 'pass' as const });
  if (body.total > body.signed) {
    // RFC 6376 §6.1.3: content past l= is not validated by DKIM; say so rather than hide it.
    verdict.reason = `${body.total - body.signed} octets of the body after l= are not signed`;
  }
  return verdict;
}
