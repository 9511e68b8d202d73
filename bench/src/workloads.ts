import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { authenticate, verifyDkim, ZoneResolver } from 'authgate';
import { authenticate as mailauthAuthenticate, dkimVerify as mailauthDkimVerify } from 'mailauth';
import { messageOf, type Corpus } from './corpus.js';
import { mailauthResolver } from './mailauth-resolver.js';

/** One pass over the corpus: resolves when every message has been processed. */
export type Workload = (corpus: Corpus) => Promise<void>;

export const WORKLOAD_NAMES = ['authgate', 'mailauth', 'authgate-dkim', 'mailauth-dkim', 'floor'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

const AUTHSERV_ID = 'mx.bench.example';

/** Builds the named workload; setup (keys, resolvers) happens here, outside the timed passes. */
export async function createWorkload(name: WorkloadName, corpus: Corpus, keyDir: string): Promise<Workload> {
  const resolver = new ZoneResolver(corpus.zone);
  const legacy = mailauthResolver(resolver);
  switch (name) {
    case 'authgate':
      return each(corpus, (message, entry) =>
        authenticate(message, { ip: entry.ip, helo: entry.helo, mailFrom: entry.mailFrom, authservId: AUTHSERV_ID, resolver }));
    case 'mailauth':
      return each(corpus, (message, entry) =>
        mailauthAuthenticate(message, {
          ip: entry.ip, helo: entry.helo, sender: entry.mailFrom, mta: AUTHSERV_ID, resolver: legacy,
          // authgate does neither ARC nor BIMI yet: compare the same work.
          disableArc: true, disableBimi: true,
        }));
    case 'authgate-dkim':
      return each(corpus, (message) => verifyDkim(message, { resolver }));
    case 'mailauth-dkim':
      return each(corpus, (message) => mailauthDkimVerify(message, { resolver: legacy }));
    case 'floor':
      return floorWorkload(corpus, keyDir);
  }
}

function each(corpus: Corpus, check: (message: Buffer, entry: Corpus['entries'][number]) => Promise<unknown>): Workload {
  return async () => {
    for (const entry of corpus.entries) await check(messageOf(corpus, entry), entry);
  };
}

/**
 * The cost of the cryptography alone: per signature, one SHA-256 over the whole message and one
 * `crypto.verify` with a key of the same kind. No verifier can do less work than this.
 */
async function floorWorkload(corpus: Corpus, keyDir: string): Promise<Workload> {
  const probes = {
    'rsa-sha256': await probe(join(keyDir, 'rsa2048.key.pem'), 'sha256'),
    'ed25519-sha256': await probe(join(keyDir, 'ed25519.key.pem'), null),
  };
  let digests = 0;
  return async () => {
    for (const entry of corpus.entries) {
      const message = messageOf(corpus, entry);
      for (const algorithm of entry.signatures) {
        digests += createHash('sha256').update(message).digest()[0]!;
        const { key, signature, hash, signed } = probes[algorithm];
        if (!verify(hash, signed, key, signature)) throw new Error('bench: floor probe did not verify');
      }
    }
    if (digests < 0) throw new Error('bench: unreachable, keeps the digests observable');
  };
}

interface Probe {
  key: KeyObject;
  /** What was signed: a header-hash-sized input, as DKIM verifies one per signature. */
  signed: Buffer;
  signature: Buffer;
  hash: 'sha256' | null;
}

async function probe(path: string, hash: 'sha256' | null): Promise<Probe> {
  const privateKey = createPrivateKey(await readFile(path));
  const signed = Buffer.alloc(600, 'dkim-signature header hash input ');
  return { key: createPublicKey(privateKey), signed, signature: sign(hash, signed, privateKey), hash };
}
