import { beforeAll, describe, expect, test } from 'vitest';
import type { ZoneResolver } from '@authgate/dns';
import { verifyDkim } from '@authgate/dkim';
import { at, chunked, fixture, signerZone } from './fixtures.js';

interface Entry {
  file: string;
  message: string;
  algorithm: string;
  canonicalization: string;
  bodyLength: boolean;
}

// Signed once by dkimpy (Debian's python3-dkim) with make-dkimpy-fixtures.py: an independent signer.
const manifest = JSON.parse(fixture('dkimpy/manifest.json').toString()) as { generator: string; signatures: Entry[] };
// dkimpy writes t= at signing time and no x=, so any later clock will do; fixed so the test never depends on the clock.
const LATER = Date.UTC(2030, 0, 1);

describe(`messages signed by ${manifest.generator}`, () => {
  let zone: ZoneResolver;
  beforeAll(async () => {
    zone = await signerZone();
  });

  test('there are some of each kind', () => {
    expect(manifest.signatures.length).toBeGreaterThanOrEqual(30);
    const kinds = new Set(manifest.signatures.map((s) => `${s.algorithm} ${s.canonicalization} ${s.bodyLength}`));
    expect(kinds.size).toBe(6);
  });

  test.for(manifest.signatures.map((entry) => [entry.file, entry] as const))('%s passes', async ([file, entry]) => {
    const message = fixture(`dkimpy/${file}`);
    const [verdict] = await verifyDkim(message, { resolver: zone, now: at(LATER) });
    expect(verdict).toMatchObject({ result: 'pass', domain: 'signer.example', algorithm: entry.algorithm, identity: '@signer.example' });
    if (entry.bodyLength) expect(verdict!.bodyLength!.signed).toBe(verdict!.bodyLength!.total);
    else expect(verdict!.bodyLength).toBeUndefined();
    // Streamed in small chunks, the verdict is the same.
    const cuts = Array.from({ length: Math.floor(message.length / 7) }, (_, i) => (i + 1) * 7);
    expect(await verifyDkim(chunked(message, cuts), { resolver: zone, now: at(LATER) })).toEqual([verdict]);
  });
});
