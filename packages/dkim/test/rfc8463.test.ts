import { createPrivateKey } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ZoneResolver } from '@authgate/dns';
import { signDkim, verifyDkim } from '@authgate/dkim';
import { at, chunked, fixture, fixturePath, headerOf, replace } from './fixtures.js';

// RFC 8463 Appendix A: the example message, signed with the RSA and the Ed25519 keys it gives.
const message = fixture('rfc8463/message.eml');
const SIGNED = 1528637909 * 1000;
const zone = () => ZoneResolver.fromFile(fixturePath('rfc8463/zone.yaml'));

describe('RFC 8463 Appendix A', () => {
  test('both signatures of the example message pass, Ed25519 first as written', async () => {
    const results = await verifyDkim(message, { resolver: await zone(), now: at(SIGNED) });
    expect(results).toMatchObject([
      { result: 'pass', algorithm: 'ed25519-sha256', selector: 'brisbane', domain: 'football.example.com', identity: '@football.example.com', keyBits: 256 },
      { result: 'pass', algorithm: 'rsa-sha256', selector: 'test', domain: 'football.example.com', identity: '@football.example.com', keyBits: 1024 },
    ]);
    expect(results[0]!.signature).toBe('/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==');
  });

  test.for([
    ['bytes', (m: Buffer) => m],
    ['one chunk per octet', (m: Buffer) => chunked(m, Array.from({ length: m.length - 1 }, (_, i) => i + 1))],
    ['chunks cut inside CRLFs', (m: Buffer) => chunked(m, [...m.entries()].filter(([, b]) => b === 0x0d).map(([i]) => i + 1))],
    ['{ header, body } parsed once', (m: Buffer) => headerOf(m)],
    ['{ header, body } with a streamed body', (m: Buffer) => ({ header: headerOf(m).header, body: chunked(headerOf(m).body, [3, 7]) })],
  ] as const)('passes given %s', async ([, input]) => {
    const results = await verifyDkim(input(message), { resolver: await zone(), now: at(SIGNED) });
    expect(results.map((r) => r.result)).toEqual(['pass', 'pass']);
  });

  test('a changed body fails both, a re-wrapped signed header passes both (relaxed)', async () => {
    const resolver = await zone();
    const body = await verifyDkim(replace(message, 'hungry', 'Hungry'), { resolver, now: at(SIGNED) });
    expect(body.map((r) => [r.result, r.reason])).toEqual([['fail', 'body hash did not verify'], ['fail', 'body hash did not verify']]);
    const rewrapped = await verifyDkim(replace(message, 'Subject: Is dinner ready?', 'Subject:  Is dinner\r\n\tready?  '), { resolver, now: at(SIGNED) });
    expect(rewrapped.map((r) => r.result)).toEqual(['pass', 'pass']);
  });

  test('our signer, given the RFC keys, reproduces the body hash and passes', async () => {
    const edSeed = Buffer.from(fixture('rfc8463/ed25519.key').toString().trim(), 'base64');
    // RFC 8410 §7: a PKCS#8 Ed25519 key is this prefix and the 32-octet seed.
    const ed = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), edSeed]), format: 'der', type: 'pkcs8' });
    const unsigned = message.subarray(message.indexOf('From: '));
    const resolver = await zone();
    for (const [selector, privateKey, algorithm] of [['brisbane', ed, 'ed25519-sha256'], ['test', fixture('rfc8463/rsa.key.pem').toString(), 'rsa-sha256']] as const) {
      const signed = await signDkim(unsigned, { domain: 'football.example.com', selector, privateKey, algorithm, now: at(SIGNED) });
      expect(signed.field.replace(/\r\n /g, ' ')).toContain(' bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;');
      expect(await verifyDkim(signed.message, { resolver, now: at(SIGNED) })).toMatchObject([{ result: 'pass', selector }]);
    }
  });
});
