import { expect, test } from 'vitest';
import { ZoneResolver } from '@authgate/dns';
import { generateDkimKey, signDkim, verifyDkim } from '@authgate/dkim';
import { cachedKeyRecord, KEY_CACHE_SIZE } from '../src/key-cache.js';
import { at, fixture, SIGNED_AT, VERIFY_AT } from './fixtures.js';

const baseline = fixture('messages/baseline.eml');
const keyA = generateDkimKey({ algorithm: 'ed25519-sha256' });
const keyB = generateDkimKey({ algorithm: 'ed25519-sha256' });

function zoneWith(dnsRecord: string): ZoneResolver {
  return new ZoneResolver({ 'rotate._domainkey.signer.example': [{ TXT: dnsRecord }] });
}

async function signedWith(key: typeof keyA): Promise<Buffer> {
  const options = { domain: 'signer.example', selector: 'rotate', algorithm: 'ed25519-sha256' as const, privateKey: key.privateKeyPem, now: at(SIGNED_AT) };
  return (await signDkim(baseline, options)).message;
}

async function resultOf(message: Buffer, zone: ZoneResolver): Promise<string> {
  const [verification] = await verifyDkim(message, { resolver: zone, now: at(VERIFY_AT) });
  return verification!.result;
}

test('a key replaced in DNS under the same selector is the one used: the cache holds texts, not selectors', async () => {
  const message = await signedWith(keyA);
  expect(await resultOf(message, zoneWith(keyA.dnsRecord))).toBe('pass');
  // The selector now publishes key B: the message signed with A must fail, with no trace of A left.
  expect(await resultOf(message, zoneWith(keyB.dnsRecord))).toBe('fail');
  expect(await resultOf(await signedWith(keyB), zoneWith(keyB.dnsRecord))).toBe('pass');
  expect(await resultOf(message, zoneWith(keyA.dnsRecord))).toBe('pass');
});

test('the same record text is parsed once, and a text that does not parse is not kept', () => {
  const first = cachedKeyRecord(keyA.dnsRecord);
  const again = cachedKeyRecord(keyA.dnsRecord);
  if (!first.ok || !again.ok) throw new Error('test: the generated record does not parse');
  expect(again.candidate).toBe(first.candidate);
  expect(cachedKeyRecord('v=DKIM1; p=not base64!').ok).toBe(false);
});

test(`the cache keeps at most ${KEY_CACHE_SIZE} records, dropping the least recently used`, () => {
  const record = (n: number) => `v=DKIM1; k=ed25519; n=${n}; p=${keyA.publicKey}`;
  const candidate = (n: number) => {
    const parsed = cachedKeyRecord(record(n));
    if (!parsed.ok) throw new Error('test: the record does not parse');
    return parsed.candidate;
  };
  const oldest = candidate(0);
  let newest = oldest;
  for (let n = 1; n <= KEY_CACHE_SIZE; n++) newest = candidate(n);
  // Record 0 was pushed out by the last one: asking for it again parses it anew.
  expect(candidate(0)).not.toBe(oldest);
  expect(candidate(KEY_CACHE_SIZE)).toBe(newest);
});
