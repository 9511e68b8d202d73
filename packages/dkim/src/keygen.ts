import { generateKeyPairSync } from 'node:crypto';
import { DkimError } from './errors.js';
import { RFC8301_MIN_RSA_BITS } from './evaluate.js';
import { formatKeyRecord } from './key-record.js';
import type { DkimAlgorithm } from './types.js';

export interface DkimKeyOptions {
  algorithm: DkimAlgorithm;
  /** RSA modulus size; default 2048 (RFC 8301 §3.2: at least 1024, 2048 recommended). */
  bits?: number;
}

export interface DkimKey {
  /** PKCS#8 PEM, for `signDkim`'s `privateKey`. */
  privateKeyPem: string;
  /** The p= value: base64 SubjectPublicKeyInfo for RSA, the bare 32-octet key for Ed25519. */
  publicKey: string;
  /** The TXT record text to publish at `<selector>._domainkey.<domain>`. */
  dnsRecord: string;
}

const DEFAULT_RSA_BITS = 2048;
/** Keys past this are slow to make and do not fit a TXT answer comfortably; RFC 8301 §3.2 asks up to 4096. */
const MAX_RSA_BITS = 8192;

/**
 * Makes a signing key and its DNS record (RFC 6376 Appendix C, RFC 8463 §4.2). RSA public keys are
 * published as a SubjectPublicKeyInfo, as RFC 6376 Appendix C's openssl command does and as every
 * verifier reads; Ed25519 keys as the bare 32-octet key RFC 8463 asks for.
 */
export function generateDkimKey(options: DkimKeyOptions): DkimKey {
  if (options?.algorithm === 'ed25519-sha256') {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const raw = spki.subarray(spki.length - 32);
    return keyOf(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'ed25519', raw);
  }
  if (options?.algorithm !== 'rsa-sha256') throw new DkimError('bad-option', 'algorithm must be rsa-sha256 or ed25519-sha256');
  const bits = options.bits ?? DEFAULT_RSA_BITS;
  if (!Number.isInteger(bits) || bits < RFC8301_MIN_RSA_BITS || bits > MAX_RSA_BITS) {
    throw new DkimError('key-too-small', `RSA keys must have 1024 to ${MAX_RSA_BITS} bits (RFC 8301 §3.2), not ${bits}`);
  }
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
  return keyOf(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'rsa', publicKey.export({ type: 'spki', format: 'der' }));
}

function keyOf(privateKeyPem: string, keyType: 'rsa' | 'ed25519', publicKey: Buffer): DkimKey {
  return {
    privateKeyPem,
    publicKey: publicKey.toString('base64'),
    dnsRecord: formatKeyRecord({ keyType, services: ['*'], flags: [], publicKey }),
  };
}
