import { describe, expect, test } from 'vitest';
import { dkimAuthResult, type DkimVerification } from '@authgate/dkim';

const SIGNATURE = 'OLxYQXAg3vaK5EayfIGMm2V1MkyMooQk6/DtQwSUYOE5BQ==';
const signed: DkimVerification = {
  result: 'pass', domain: 'signer.example', selector: 'rsa2048', algorithm: 'rsa-sha256', identity: '@signer.example', keyBits: 2048, signature: SIGNATURE,
};
const properties = [
  { ptype: 'header', property: 'd', value: 'signer.example' },
  { ptype: 'header', property: 'i', value: '@signer.example' },
  { ptype: 'header', property: 's', value: 'rsa2048' },
  { ptype: 'header', property: 'a', value: 'rsa-sha256' },
  { ptype: 'header', property: 'b', value: 'OLxYQXAg' },
];

describe('dkimAuthResult (RFC 8601 §2.7.1)', () => {
  test.for([
    ['a pass: d, i, s, a and the first 8 characters of b (RFC 6008)', signed, { method: 'dkim', result: 'pass', properties }],
    ['a fail carries its reason', { ...signed, result: 'fail', reason: 'body hash did not verify' }, { method: 'dkim', result: 'fail', reason: 'body hash did not verify', properties }],
    ['a pass with unsigned content after l= says so', { ...signed, bodyLength: { signed: 10, total: 20 }, reason: '10 octets of the body after l= are not signed' }, { result: 'pass', reason: '10 octets of the body after l= are not signed', properties }],
    ['a pass under t=y says so', { ...signed, testing: true, reason: 'key is in testing mode (t=y)' }, { result: 'pass', reason: 'key is in testing mode (t=y)' }],
    ['a broken signature reports what it names', { result: 'permerror', domain: 'signer.example', reason: 'signature has no s= tag (RFC 6376 §6.1.1)' }, { result: 'permerror', reason: 'signature has no s= tag (RFC 6376 §6.1.1)', properties: [properties[0]] }],
    ['none has no properties', { result: 'none', reason: 'message not signed' }, { method: 'dkim', result: 'none', reason: 'message not signed', properties: [] }],
  ] as const)('%s', ([, verification, expected]) => {
    const entry = dkimAuthResult(verification as DkimVerification);
    expect(entry).toMatchObject(expected);
    if (verification.result === 'pass' && !('reason' in verification)) expect(entry.reason).toBeUndefined();
  });
});

describe('dkimAuthResult in an Authentication-Results field', () => {
  test('formats and parses back through @authgate/authres', async () => {
    const { formatAuthenticationResults, parseAuthenticationResults } = await import('@authgate/authres');
    const entries = [dkimAuthResult(signed), dkimAuthResult({ ...signed, result: 'fail', reason: 'body hash did not verify', signature: 'Zm9vYmFy' })];
    const value = formatAuthenticationResults({ authservId: 'mx.receiver.example', results: entries });
    expect(value.replace(/\r\n\s+/g, ' ')).toContain('dkim=pass header.d=signer.example header.i=@signer.example header.s=rsa2048 header.a=rsa-sha256 header.b=OLxYQXAg');
    const parsed = parseAuthenticationResults(value);
    expect(parsed).toMatchObject({ ok: true });
    if (parsed.ok) expect(parsed.value.results).toEqual(entries);
  });
});
