import { createPublicKey, type KeyObject } from 'node:crypto';
import { readElement } from './der.js';
import type { KeyRecord } from './key-record.js';

export interface PublicKey {
  key: KeyObject;
  /** RSA modulus bits; 256 for Ed25519. */
  bits: number;
}

/**
 * The public key of a record, for its k= type; `undefined` when p= does not hold one. Keys are
 * handed to OpenSSL in the forms it imports fastest (a bare PKCS#1 key, a JWK): its generic
 * SubjectPublicKeyInfo decoder costs some forty times more, once per message.
 */
export function importPublicKey(record: KeyRecord): PublicKey | undefined {
  if (record.keyType === 'ed25519') return importEd25519(record.publicKey);
  if (record.keyType === 'rsa') return importRsa(record.publicKey);
  return undefined;
}

const ED25519_KEY_OCTETS = 32;

/** RFC 8463 §4.2: p= is the bare 32-octet Ed25519 public key (RFC 8032 §5.1.5). */
function importEd25519(raw: Buffer): PublicKey | undefined {
  if (raw.length !== ED25519_KEY_OCTETS) return undefined;
  try {
    // RFC 8037 §2: an Ed25519 public key as a JWK is its 32 octets, base64url, in x.
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    return { key, bits: 256 };
  } catch {
    return undefined;
  }
}

/**
 * RFC 6376 §3.6.1 names an RSAPublicKey (PKCS#1) for k=rsa, but its Appendix C, and so almost every
 * publisher, writes a SubjectPublicKeyInfo around it: accept both, unwrapping the latter.
 */
function importRsa(der: Buffer): PublicKey | undefined {
  const pkcs1 = unwrapRsaSpki(der) ?? der;
  try {
    const key = createPublicKey({ key: pkcs1, format: 'der', type: 'pkcs1' });
    if (key.asymmetricKeyType !== 'rsa') return undefined;
    return { key, bits: key.asymmetricKeyDetails?.modulusLength ?? 0 };
  } catch {
    return undefined;
  }
}

// RFC 8017 Appendix A.1: rsaEncryption, 1.2.840.113549.1.1.1.
const RSA_ENCRYPTION = Buffer.from('2a864886f70d010101', 'hex');
const SEQUENCE = 0x30;
const OBJECT_IDENTIFIER = 0x06;
const BIT_STRING = 0x03;

/**
 * The RSAPublicKey inside a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) whose algorithm is
 * rsaEncryption; `undefined` when `der` is not one.
 */
function unwrapRsaSpki(der: Buffer): Buffer | undefined {
  const info = readElement(der, 0, der.length);
  if (info?.tag !== SEQUENCE || info.end !== der.length) return undefined;
  const algorithm = readElement(der, info.start, info.end);
  if (algorithm?.tag !== SEQUENCE) return undefined;
  const oid = readElement(der, algorithm.start, algorithm.end);
  if (oid?.tag !== OBJECT_IDENTIFIER || !der.subarray(oid.start, oid.end).equals(RSA_ENCRYPTION)) return undefined;
  const bits = readElement(der, algorithm.end, info.end);
  // The key is the whole BIT STRING, with no unused bits.
  if (bits?.tag !== BIT_STRING || bits.end !== info.end || bits.end - bits.start < 2 || der[bits.start] !== 0) return undefined;
  return der.subarray(bits.start + 1, bits.end);
}
