/**
 * @authgate/dkim: DomainKeys Identified Mail (RFC 6376) with the RFC 8301 crypto update (no
 * rsa-sha1, no RSA keys under 1024 bits) and Ed25519 (RFC 8463).
 *
 * `verifyDkim` verifies every signature of a message while its body streams in; `signDkim` signs;
 * `generateDkimKey` makes keys and their DNS records; `dkimAuthResult` writes the `dkim=` entry of
 * Authentication-Results (RFC 8601 §2.7.1).
 */
export { dkimAuthResult } from './auth-result.js';
export { DKIM_CODES, DkimError } from './errors.js';
export type { DkimErrorCode, DkimProblem, DkimUsageCode } from './errors.js';
export { formatKeyRecord, parseKeyRecord } from './key-record.js';
export type { KeyRecord, KeyRecordResult } from './key-record.js';
export { generateDkimKey } from './keygen.js';
export type { DkimKey, DkimKeyOptions } from './keygen.js';
export { signDkim } from './sign.js';
export type { DkimSignOptions } from './sign.js';
export { parseSignature } from './signature.js';
export type { DkimSignature, SignatureResult, SignatureSummary } from './signature.js';
export type {
  DkimAlgorithm,
  DkimCanonicalization,
  DkimMessageInput,
  DkimResult,
  DkimVerification,
  DkimVerifyOptions,
} from './types.js';
export { verifyDkim } from './verify.js';
