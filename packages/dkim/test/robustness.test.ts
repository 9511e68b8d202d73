import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ZoneResolver } from '@authgate/dns';
import { signDkim, verifyDkim, type DkimResult, type DkimVerification } from '@authgate/dkim';
import { at, chunked, fixture, privateKey, signerZone, SIGNED_AT, VERIFY_AT } from './fixtures.js';

const RESULTS: DkimResult[] = ['none', 'pass', 'fail', 'neutral', 'policy', 'temperror', 'permerror'];

let zone: ZoneResolver;
let signed: Buffer;
beforeAll(async () => {
  zone = await signerZone();
  signed = (await signDkim(fixture('messages/baseline.eml'), {
    domain: 'signer.example', selector: 'ed25519', algorithm: 'ed25519-sha256', privateKey: privateKey('ed25519'), now: at(SIGNED_AT),
  })).message;
});

function wellFormed(verdicts: DkimVerification[]): void {
  expect(verdicts.length).toBeGreaterThan(0);
  for (const verdict of verdicts) {
    expect(RESULTS).toContain(verdict.result);
    if (verdict.result !== 'pass') expect(verdict.problem?.message).toMatch(/^dkim: /);
  }
}

describe('bad input never throws or hangs', () => {
  test('arbitrary bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
      wellFormed(await verifyDkim(bytes, { resolver: zone, now: at(VERIFY_AT) }));
    }), { numRuns: 300 });
  });

  test('arbitrary DKIM-Signature values over a real message', async () => {
    const tag = fc.tuple(fc.constantFrom('v', 'a', 'b', 'bh', 'c', 'd', 'h', 'i', 'l', 'q', 's', 't', 'x', 'z'), fc.string({ unit: 'binary-ascii', maxLength: 30 }));
    await fc.assert(fc.asyncProperty(fc.array(tag, { maxLength: 14 }), async (tags) => {
      const value = tags.map(([k, v]) => `${k}=${v.replace(/[\r\n]/g, '')}`).join('; ');
      const message = Buffer.concat([Buffer.from(`DKIM-Signature: ${value}\r\n`, 'latin1'), fixture('messages/baseline.eml')]);
      wellFormed(await verifyDkim(message, { resolver: zone, now: at(VERIFY_AT) }));
    }), { numRuns: 300 });
  });

  test('any one octet of a signed message changed, streamed in random chunks', async () => {
    await fc.assert(fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.array(fc.nat(), { maxLength: 5 }), async (position, octet, cuts) => {
      const message = Buffer.from(signed);
      message[position % message.length] = octet;
      const verdicts = await verifyDkim(chunked(message, cuts.map((c) => c % message.length)), { resolver: zone, now: at(VERIFY_AT) });
      wellFormed(verdicts);
    }), { numRuns: 300 });
  });

  test.for([
    ['a 1 MB d=', `DKIM-Signature: v=1; a=rsa-sha256; d=${'a'.repeat(1 << 20)}!; s=x; h=from; bh=AAAA; b=AAAA\r\n`],
    ['a 1 MB selector', `DKIM-Signature: v=1; a=rsa-sha256; d=signer.example; s=${'a-'.repeat(1 << 19)}; h=from; bh=AAAA; b=AAAA\r\n`],
    ['a 1 MB i=', `DKIM-Signature: v=1; a=rsa-sha256; d=signer.example; i=${'a.'.repeat(1 << 19)}@signer.example; s=x; h=from; bh=AAAA; b=AAAA\r\n`],
    ['a 1 MB h= of From', `DKIM-Signature: v=1; a=rsa-sha256; d=signer.example; s=rsa2048; h=${'from:'.repeat(1 << 18)}from; bh=AAAA; b=AAAA\r\n`],
    ['10 000 signatures', 'DKIM-Signature: v=1; a=rsa-sha256; d=signer.example; s=rsa2048; h=from; bh=AAAA; b=AAAA\r\n'.repeat(10_000)],
  ] as const)('%s', async ([, header]) => {
    const message = Buffer.concat([Buffer.from(header, 'latin1'), fixture('messages/baseline.eml')]);
    const verdicts = await verifyDkim(message, { resolver: zone, now: at(VERIFY_AT) });
    wellFormed(verdicts);
    expect(verdicts.some((v) => v.result === 'pass')).toBe(false);
  });
});
