import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf, type Corpus, type SigningAlgorithm } from './corpus.js';
import type { Workload } from './workloads.js';

interface Probe {
  key: KeyObject;
  /** What was signed: a header-hash-sized input, as DKIM verifies one per signature. */
  signed: Buffer;
  signature: Buffer;
  hash: 'sha256' | null;
}

/**
 * The cost of the cryptography alone, what no verifier can avoid: per signature, one SHA-256 over
 * the whole message (at least the bytes the body hash and the header hash cover) and one
 * `crypto.verify` with a key of the same kind, parsed once. A signature whose body hash cannot
 * match (a tampered message) needs no `crypto.verify` (RFC 6376 §6.1.3 stops at the body hash),
 * so the floor makes none for it either.
 */
export async function floorWorkload(corpus: Corpus, keyDir: string): Promise<Workload> {
  const probes: Record<SigningAlgorithm, Probe> = {
    'rsa-sha256': await probe(join(keyDir, 'rsa2048.key.pem'), 'sha256'),
    'ed25519-sha256': await probe(join(keyDir, 'ed25519.key.pem'), null),
  };
  let digests = 0;
  const run = async () => {
    for (const entry of corpus.entries) {
      const message = messageOf(corpus, entry);
      for (const algorithm of entry.signatures) {
        digests += createHash('sha256').update(message).digest()[0]!;
        if (entry.tampered) continue;
        const { key, signature, hash, signed } = probes[algorithm];
        if (!verify(hash, signed, key, signature)) throw new Error('bench: floor probe did not verify');
      }
    }
    if (digests < 0) throw new Error('bench: unreachable, keeps the digests observable');
  };
  return { run, verdicts: async () => ({}) };
}

async function probe(path: string, hash: 'sha256' | null): Promise<Probe> {
  const privateKey = createPrivateKey(await readFile(path));
  const signed = Buffer.alloc(600, 'dkim-signature header hash input ');
  return { key: createPublicKey(privateKey), signed, signature: sign(hash, signed, privateKey), hash };
}
