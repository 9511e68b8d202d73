import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatKeyRecord, parseKeyRecord, type KeyRecord } from '@authgate/dkim';
import { importPublicKey } from '../src/public-key.js';
import { fixture } from './fixtures.js';
import { createPublicKey } from 'node:crypto';

const RSA = createPublicKey(fixture('keys/rsa1024.pem')).export({ type: 'spki', format: 'der' }).toString('base64');

describe('parseKeyRecord (RFC 6376 §3.6.1)', () => {
  test.for([
    [`v=DKIM1; k=rsa; p=${RSA}`, { keyType: 'rsa', services: ['*'], flags: [] }, 'the usual record'],
    [`p=${RSA}`, { keyType: 'rsa', services: ['*'], flags: [] }, 'v= is RECOMMENDED, k= defaults to rsa'],
    [`v=DKIM1; p=`, { publicKey: Buffer.alloc(0) }, 'an empty p= is a revoked key'],
    [`v=DKIM1; p= `, { publicKey: Buffer.alloc(0) }, 'white space only is empty too'],
    [`v=DKIM1; K=ed25519; k=RSA; p=${RSA}`, { keyType: 'rsa' }, 'tag names are case-sensitive (K= is unknown), k= values are not'],
    [`v=DKIM1; h=sha1 : SHA256; p=${RSA}`, { hashes: ['sha1', 'sha256'] }, 'h= is a colon list'],
    [`v=DKIM1; s=email:*; p=${RSA}`, { services: ['email', '*'] }, 's= is a colon list'],
    [`v=DKIM1; t=y:s:future; p=${RSA}`, { flags: ['y', 's', 'future'] }, 'unknown flags are kept (and ignored)'],
    [`v=DKIM1; n=a note; p=${RSA}`, { notes: 'a note' }, 'n= for humans'],
    [`v=DKIM1; p=${RSA.slice(0, 50)} ${RSA.slice(50)}`, {}, 'FWS inside p='],
    [`v=DKIM1; p=${RSA}; x=unknown`, {}, 'unknown tags are ignored'],
  ] as const)('%s (%s)', ([text, expected]) => {
    const parsed = parseKeyRecord(text);
    expect(parsed.ok, !parsed.ok ? parsed.problem.message : '').toBe(true);
    if (parsed.ok) expect(parsed.record).toMatchObject(expected);
  });

  test.for([
    ['v=spf1 -all', 'a wildcard SPF record is not a key record'],
    ['hello world', 'not a tag-list'],
    [`k=rsa; v=DKIM1; p=${RSA}`, 'v= MUST be the first tag'],
    [`v=DKIM2; p=${RSA}`, 'v= other than DKIM1 is discarded'],
    [`v=dkim1; p=${RSA}`, 'the version is compared as a string (%x44.4B.49.4D.31)'],
    ['v=DKIM1; k=rsa', 'p= is required'],
    ['v=DKIM1; p=not*base64', 'p= is base64'],
    [`v=DKIM1; p=${RSA}; p=${RSA}`, 'a duplicate tag invalidates the record'],
  ] as const)('rejects %j (%s)', ([text]) => {
    const parsed = parseKeyRecord(text);
    expect(parsed).toMatchObject({ ok: false, problem: { code: 'key-syntax' } });
  });

  test.for([
    ['rsa', RSA, 1024, 'RSA SubjectPublicKeyInfo'],
    ['rsa', createPublicKey(fixture('keys/rsa1024.pem')).export({ type: 'pkcs1', format: 'der' }).toString('base64'), 1024, 'RSA PKCS#1 RSAPublicKey, as RFC 6376 §3.6.1 names it'],
    ['ed25519', '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=', 256, 'RFC 8463 §4.2: the bare 32-octet key'],
  ] as const)('imports a k=%s key (%s)', ([keyType, p, bits]) => {
    const parsed = parseKeyRecord(`v=DKIM1; k=${keyType}; p=${p}`);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    expect(importPublicKey(parsed.record)?.bits).toBe(bits);
  });

  test.for([
    ['rsa', 'AAAAAAAA', 'not DER'],
    ['ed25519', RSA, 'an RSA key under k=ed25519'],
    ['ed25519', createPublicKey(fixture('keys/ed25519.pem')).export({ type: 'spki', format: 'der' }).toString('base64'), 'an Ed25519 SubjectPublicKeyInfo instead of the bare key'],
    ['rsa', '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=', 'an Ed25519 key under k=rsa'],
    ['future', RSA, 'an unknown key type'],
  ] as const)('does not import k=%s with %s (%s)', ([keyType, p]) => {
    const parsed = parseKeyRecord(`v=DKIM1; k=${keyType}; p=${p}`);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    expect(importPublicKey(parsed.record)).toBeUndefined();
  });

  const word = fc.stringMatching(/^[a-z0-9*][a-z0-9-]{0,6}$/);
  const recordArbitrary: fc.Arbitrary<KeyRecord> = fc.record({
    keyType: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
    hashes: fc.option(fc.array(word), { nil: undefined }),
    services: fc.array(word, { minLength: 1 }),
    flags: fc.array(word),
    notes: fc.option(fc.stringMatching(/^[\x21-\x3a\x3c-\x7e]+(?: [\x21-\x3a\x3c-\x7e]+)*$/), { nil: undefined }),
    publicKey: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  }, { requiredKeys: ['keyType', 'services', 'flags', 'publicKey'] });

  test('parse(format(record)) is the identity', () => {
    fc.assert(fc.property(recordArbitrary, (record) => {
      expect(parseKeyRecord(formatKeyRecord(record))).toEqual({ ok: true, record });
    }));
  });

  test('no record throws', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      const parsed = parseKeyRecord(text);
      if (parsed.ok) importPublicKey(parsed.record);
      expect(typeof parsed.ok).toBe('boolean');
    }));
  });
});

describe('importPublicKey on malformed key data', () => {
  const spki = createPublicKey(fixture('keys/rsa1024.pem')).export({ type: 'spki', format: 'der' });
  const record = (publicKey: Buffer, keyType = 'rsa'): KeyRecord => ({ keyType, services: ['*'], flags: [], publicKey });

  test.for([
    ['truncated', spki.subarray(0, spki.length - 1)],
    ['with trailing octets', Buffer.concat([spki, Buffer.from([0])])],
    ['under the RSA-PSS algorithm (1.2.840.113549.1.1.10), not rsaEncryption', Buffer.from(spki.toString('hex').replace('2a864886f70d010101', '2a864886f70d01010a'), 'hex')],
    ['with unused bits in its BIT STRING', (() => {
      const copy = Buffer.from(spki);
      copy[copy.indexOf(Buffer.from([0x03, 0x81, 0x8d])) + 3] = 1;
      return copy;
    })()],
    ['an empty SEQUENCE', Buffer.from([0x30, 0x00])],
    ['a length longer than the data', Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff])],
  ] as const)('an RSA key %s is not imported', ([, der]) => {
    expect(importPublicKey(record(der))).toBeUndefined();
  });

  test('no octet string throws, and only real keys import', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('rsa', 'ed25519'), (bytes, keyType) => {
      const imported = importPublicKey(record(Buffer.from(bytes), keyType));
      if (imported !== undefined) expect(imported.key.asymmetricKeyType).toBe(keyType);
    }));
    // Single-octet corruptions of a real key: none throws.
    fc.assert(fc.property(fc.nat(spki.length - 1), fc.integer({ min: 0, max: 255 }), (at, octet) => {
      const copy = Buffer.from(spki);
      copy[at] = octet;
      const imported = importPublicKey(record(copy));
      expect(imported === undefined || imported.key.asymmetricKeyType === 'rsa').toBe(true);
    }));
  });
});
