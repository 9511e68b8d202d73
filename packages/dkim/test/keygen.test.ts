import { describe, expect, test } from 'vitest';
import { ZoneResolver } from '@authgate/dns';
import { DkimError, generateDkimKey, parseKeyRecord, signDkim, verifyDkim } from '@authgate/dkim';
import { fixture } from './fixtures.js';

describe('generateDkimKey', () => {
  test.for([
    ['rsa-sha256', undefined, 'rsa', 2048, 'RSA, 2048 bits by default (RFC 8301 §3.2 SHOULD)'],
    ['rsa-sha256', 1024, 'rsa', 1024, 'RSA at the 1024-bit floor'],
    ['ed25519-sha256', undefined, 'ed25519', 256, 'Ed25519, its p= the bare 32-octet key (RFC 8463 §4.2)'],
  ] as const)('%s %s -> k=%s, %i bits (%s)', async ([algorithm, bits, keyType, keyBits]) => {
    const key = generateDkimKey({ algorithm, ...(bits !== undefined && { bits }) });
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(key.dnsRecord).toBe(`v=DKIM1; k=${keyType}; p=${key.publicKey}`);
    const record = parseKeyRecord(key.dnsRecord);
    expect(record).toMatchObject({ ok: true, record: { keyType } });
    if (keyType === 'ed25519') expect(Buffer.from(key.publicKey, 'base64')).toHaveLength(32);

    // What it makes signs, and what it publishes verifies.
    const resolver = new ZoneResolver({ 'new._domainkey.signer.example': [{ TXT: key.dnsRecord.match(/.{1,255}/g)! }] });
    const { message } = await signDkim(fixture('messages/baseline.eml'), { domain: 'signer.example', selector: 'new', algorithm, privateKey: key.privateKeyPem });
    expect(await verifyDkim(message, { resolver })).toMatchObject([{ result: 'pass', keyBits }]);
  });

  test.for([
    [{ algorithm: 'rsa-sha256', bits: 512 }, 'key-too-small', 'RFC 8301 §3.2: at least 1024 bits'],
    [{ algorithm: 'rsa-sha256', bits: 1024.5 }, 'key-too-small', 'a whole number of bits'],
    [{ algorithm: 'rsa-sha1' }, 'bad-option', 'RFC 8301 §3.1'],
  ] as const)('refuses %j: %s (%s)', ([options, code]) => {
    expect(() => generateDkimKey(options as never)).toThrow(DkimError);
    try {
      generateDkimKey(options as never);
    } catch (error) {
      expect((error as DkimError).code).toBe(code);
    }
  });
});
