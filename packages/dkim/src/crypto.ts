import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import type { DkimAlgorithm } from './types.js';

/**
 * Checks b= over the header hash input. rsa-sha256 is RSASSA-PKCS1-v1_5 with SHA-256 over the data
 * (RFC 6376 §3.3.2); ed25519-sha256 is PureEdDSA over the SHA-256 digest of the data (RFC 8463 §3).
 * A signature the key cannot even parse is simply one that does not verify.
 */
export function verifyHeaderSignature(algorithm: DkimAlgorithm, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    if (algorithm === 'rsa-sha256') return verify('sha256', data, key, signature);
    return verify(null, createHash('sha256').update(data).digest(), key, signature);
  } catch {
    return false;
  }
}

export function signHeader(algorithm: DkimAlgorithm, key: KeyObject, data: Buffer): Buffer {
  if (algorithm === 'rsa-sha256') return sign('sha256', data, key);
  return sign(null, createHash('sha256').update(data).digest(), key);
}
