import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { DnsError, type Resolver, type ZoneResolver } from '@authgate/dns';
import { signDkim, verifyDkim, type DkimSignOptions, type DkimVerification, type DkimVerifyOptions } from '@authgate/dkim';
import { HeaderIndex, headerHashInput } from '../src/header-hash.js';
import { parseSignature } from '../src/signature.js';
import { at, chunked, fixture, headerOf, privateKey, replace, signerZone, SIGNED_AT, VERIFY_AT } from './fixtures.js';

let zone: ZoneResolver;
beforeAll(async () => {
  zone = await signerZone();
});

const baseline = fixture('messages/baseline.eml');

/** Signs the baseline message as signer.example with the 2048-bit key, changing `options`. */
async function signed(options: Partial<DkimSignOptions> = {}, message: Buffer = baseline): Promise<Buffer> {
  const result = await signDkim(message, {
    domain: 'signer.example', selector: 'rsa2048', algorithm: 'rsa-sha256', privateKey: privateKey('rsa2048'), now: at(SIGNED_AT), ...options,
  });
  return result.message;
}

async function verify(message: Buffer | AsyncIterable<Uint8Array>, options: Partial<DkimVerifyOptions> = {}): Promise<DkimVerification[]> {
  return verifyDkim(message, { resolver: zone, now: at(VERIFY_AT), ...options });
}

/** Replaces b= of the topmost signature with one made by `key` over the same data (to make signatures our signer refuses to). */
function resign(message: Buffer, key: KeyObject): Buffer {
  const { header } = headerOf(message);
  const field = header[0]!;
  const parsed = parseSignature(field.value);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  const data = headerHashInput(new HeaderIndex(header).select(parsed.signature.headers, field), field.raw, parsed.signature.headerCanonicalization);
  const text = field.raw.toString('latin1');
  const b = cryptoSign('sha256', data, key).toString('base64');
  return Buffer.concat([Buffer.from(text.replace(/([ ;]b=)[^;]*$/, `$1${b}\r\n`), 'latin1'), message.subarray(field.raw.length)]);
}

/** Rewrites the text of the topmost DKIM-Signature field (and only it). */
function editSignature(message: Buffer, edit: (field: string) => string): Buffer {
  const end = message.indexOf('\r\n', message.indexOf('b=', message.indexOf(' bh=')));
  const field = message.subarray(0, end).toString('latin1');
  return Buffer.concat([Buffer.from(edit(field), 'latin1'), message.subarray(end)]);
}

describe('verifyDkim: one change from a valid baseline per case', () => {
  test('the baseline passes', async () => {
    expect(await verify(await signed())).toEqual([{
      result: 'pass', domain: 'signer.example', selector: 'rsa2048', algorithm: 'rsa-sha256', identity: '@signer.example', keyBits: 2048,
      signature: expect.stringMatching(/^[A-Za-z0-9+/]{342}==$/),
    }]);
  });

  // [why, selector to sign under, sign options, expected result, expected code]
  test.for([
    ['no record at the selector (NXDOMAIN)', 'nosuch', {}, 'permerror', 'key-not-found'],
    ['the selector name has no TXT (NODATA)', 'nodata', {}, 'permerror', 'key-not-found'],
    ['DNS times out', 'timeout', {}, 'temperror', 'key-unavailable'],
    ['p= is empty: the key is revoked', 'revoked', {}, 'permerror', 'key-revoked'],
    ['the only TXT is an SPF record', 'notdkim', {}, 'permerror', 'key-syntax'],
    ['v=DKIM2', 'badversion', {}, 'permerror', 'key-syntax'],
    ['v= not first', 'vnotfirst', {}, 'permerror', 'key-syntax'],
    ['a duplicate k=', 'dupkey', {}, 'permerror', 'key-syntax'],
    ['p= not base64', 'badbase64', {}, 'permerror', 'key-syntax'],
    ['p= is base64 but not a key', 'badkey', {}, 'permerror', 'key-invalid'],
    ['k=ed25519 holding an RSA key, for an rsa-sha256 signature', 'wrongtype', {}, 'permerror', 'key-type-mismatch'],
    ['k= of an unknown type', 'unknowntype', {}, 'permerror', 'key-type-mismatch'],
    ['the key allows only h=sha1', 'sha1only', {}, 'permerror', 'key-hash-mismatch'],
    ['the key allows sha1, sha256 and an unknown hash', 'hashes', {}, 'pass', undefined],
    ['the key is for s=other only', 'notemail', {}, 'permerror', 'key-not-for-email'],
    ['the key is for s=other:email', 'services', {}, 'pass', undefined],
    ['t=s and i= below d=', 'strict', { identity: 'alice@mail.signer.example' }, 'permerror', 'key-identity-mismatch'],
    ['t=s and i= at d=', 'strict', { identity: 'alice@signer.example' }, 'pass', undefined],
    ['p= as PKCS#1 RSAPublicKey', 'pkcs1', {}, 'pass', undefined],
    ['a record without v=', 'nov', {}, 'pass', undefined],
    ['white space inside p=', 'spaced', {}, 'pass', undefined],
    ['a junk TXT before the key record', 'junkfirst', {}, 'pass', undefined],
    ['two key records: the second one is the key (RFC 6376 §6.1.2 step 4)', 'twokeys', {}, 'pass', undefined],
    ['the selector is a CNAME to the key', 'alias', {}, 'pass', undefined],
  ] as const)('%s: %s -> %s %s', async ([, selector, options, result, code]) => {
    const [verdict] = await verify(await signed({ selector, ...options }));
    expect(verdict).toMatchObject({ result, selector });
    expect(verdict!.problem?.code).toBe(code);
    if (result !== 'pass') expect(verdict!.reason).toBeTruthy();
  });

  // [why, change to the signed message, expected result, expected code]
  test.for([
    ['one body octet changed', (m: Buffer) => replace(m, 'attached', 'attacked'), 'fail', 'body-hash-mismatch'],
    ['a line added to the body', (m: Buffer) => Buffer.concat([m, Buffer.from('P.S.\r\n')]), 'fail', 'body-hash-mismatch'],
    ['the signed Subject changed', (m: Buffer) => replace(m, 'Subject: Quarterly', 'Subject: Annual'), 'fail', 'signature-mismatch'],
    ['a second From added on top (over-signed)', (m: Buffer) => Buffer.concat([Buffer.from('From: Mallory <m@evil.example>\r\n'), m]), 'fail', 'signature-mismatch'],
    ['a Reply-To added (absent but over-signed)', (m: Buffer) => Buffer.concat([Buffer.from('Reply-To: m@evil.example\r\n'), m]), 'fail', 'signature-mismatch'],
    ['the signature field itself changed (t=)', (m: Buffer) => editSignature(m, (f) => f.replace(/t=(\d+)/, (_, t: string) => `t=${Number(t) + 1}`)), 'fail', 'signature-mismatch'],
    ['b= changed', (m: Buffer) => editSignature(m, (f) => f.replace(/([ ;]b=)(.)/, (_, p: string, c: string) => `${p}${c === 'A' ? 'B' : 'A'}`)), 'fail', 'signature-mismatch'],
    ['an unsigned field added', (m: Buffer) => Buffer.concat([Buffer.from('X-Spam-Score: 0\r\n'), m]), 'pass', undefined],
    ['a Received field added on top', (m: Buffer) => Buffer.concat([Buffer.from('Received: from relay.example by mx.example; Mon, 2 Nov 2026 10:01:00 +0000\r\n'), m]), 'pass', undefined],
    ['header white space re-folded (relaxed)', (m: Buffer) => replace(m, 'Subject: Quarterly numbers', 'Subject:\tQuarterly\r\n   numbers  '), 'pass', undefined],
    ['body white space changed (relaxed)', (m: Buffer) => replace(m, 'See you\ttomorrow.', 'See you   tomorrow.  '), 'pass', undefined],
    ['empty lines appended to the body', (m: Buffer) => Buffer.concat([m, Buffer.from('\r\n\r\n\r\n')]), 'pass', undefined],
    ['the message stored with bare LF line ends', (m: Buffer) => Buffer.from(m.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'), 'pass', undefined],
    ['a=rsa-sha1', (m: Buffer) => editSignature(m, (f) => f.replace('a=rsa-sha256', 'a=rsa-sha1')), 'permerror', 'sha1-not-allowed'],
    ['an unknown algorithm', (m: Buffer) => editSignature(m, (f) => f.replace('a=rsa-sha256', 'a=rsa-sha3')), 'permerror', 'unknown-algorithm'],
    ['h= without From', (m: Buffer) => editSignature(m, (f) => f.replace('h=from:from:', 'h=')), 'permerror', 'from-not-signed'],
    ['i= outside d=', (m: Buffer) => editSignature(m, (f) => f.replace('d=signer.example;', 'd=signer.example; i=a@other.example;')), 'permerror', 'identity-mismatch'],
    ['v=2', (m: Buffer) => editSignature(m, (f) => f.replace('v=1', 'v=2')), 'permerror', 'unsupported-version'],
    ['a duplicate tag', (m: Buffer) => editSignature(m, (f) => f.replace('v=1;', 'v=1; s=other;')), 'permerror', 'duplicate-tag'],
    ['b= is not base64', (m: Buffer) => editSignature(m, (f) => f.replace(/([ ;]b=)/, '$1*')), 'permerror', 'bad-base64'],
    ['bh= missing', (m: Buffer) => editSignature(m, (f) => f.replace(/ bh=[^;]*;/, '')), 'permerror', 'missing-tag'],
    ['q= lists no known method', (m: Buffer) => editSignature(m, (f) => f.replace('v=1;', 'v=1; q=http/well-known;')), 'permerror', 'unknown-query-method'],
  ] as const)('%s -> %s %s', async ([, change, result, code]) => {
    const [verdict] = await verify(change(await signed()));
    expect(verdict).toMatchObject({ result });
    expect(verdict!.problem?.code).toBe(code);
    // Only a tag-list that does not parse at all leaves nothing to name the signature by.
    expect(verdict!.domain).toBe(code === 'duplicate-tag' ? undefined : 'signer.example');
  });

  test('a 512-bit RSA key never passes, even with a valid signature (RFC 8301 §3.2)', async () => {
    const message = resign(await signed({ selector: 'rsa512' }), privateKey('rsa512'));
    expect(await verify(message)).toMatchObject([{ result: 'permerror', keyBits: 512, problem: { code: 'key-too-small' }, reason: '512-bit RSA key is under 1024 bits (RFC 8301 §3.2)' }]);
    // The same signature under a permissive key-size setting still fails: 1024 is a floor, not a default.
    expect(await verify(message, { minRsaBits: 512 })).toMatchObject([{ result: 'permerror', problem: { code: 'key-too-small' } }]);
  });

  test('a 1024-bit key passes, unless local policy asks for more (policy)', async () => {
    const message = await signed({ selector: 'rsa1024', privateKey: privateKey('rsa1024') });
    expect(await verify(message)).toMatchObject([{ result: 'pass', keyBits: 1024 }]);
    expect(await verify(message, { minRsaBits: 2048 })).toMatchObject([{ result: 'policy', keyBits: 1024, problem: { code: 'key-below-policy' } }]);
  });

  test('t=y: a pass and a failure keep their result and are flagged (RFC 6376 §3.6.1)', async () => {
    const message = await signed({ selector: 'testing' });
    expect(await verify(message)).toMatchObject([{ result: 'pass', testing: true, reason: 'key is in testing mode (t=y)' }]);
    const changed = await verify(replace(message, 'attached', 'attacked'));
    expect(changed).toMatchObject([{ result: 'fail', testing: true, problem: { code: 'body-hash-mismatch' } }]);
    expect(changed[0]!.reason).toBe('body hash did not verify; key is in testing mode (t=y)');
  });

  describe('x= and t=, with the clock skew', () => {
    test.for([
      ['60 s before x=', 3_600, SIGNED_AT + 3_540_000, {}, 'pass', undefined],
      ['100 s after x=, within the default 300 s skew', 3_600, SIGNED_AT + 3_700_000, {}, 'pass', undefined],
      ['100 s after x= with no skew allowed', 3_600, SIGNED_AT + 3_700_000, { clockSkewSeconds: 0 }, 'permerror', 'signature-expired'],
      ['an hour after x=', 3_600, SIGNED_AT + 7_200_000, {}, 'permerror', 'signature-expired'],
      ['t= 100 s ahead of our clock, within the skew', undefined, SIGNED_AT - 100_000, {}, 'pass', undefined],
      ['t= an hour ahead of our clock', undefined, SIGNED_AT - 3_600_000, {}, 'permerror', 'signature-in-future'],
    ] as const)('%s -> %s', async ([, expiresIn, now, options, result, code]) => {
      const message = await signed(expiresIn === undefined ? {} : { expiresIn });
      const [verdict] = await verify(message, { now: at(now), ...options });
      expect(verdict).toMatchObject({ result });
      expect(verdict!.problem?.code).toBe(code);
    });
  });

  describe('l= body length', () => {
    test('text appended after l= passes, and the unsigned part is reported', async () => {
      const message = await signed({ bodyLength: true });
      const appended = Buffer.concat([message, Buffer.from('--\r\nUnsubscribe: https://list.example/u\r\n')]);
      const [verdict] = await verify(appended);
      expect(verdict).toMatchObject({ result: 'pass', bodyLength: { signed: 68, total: 109 }, reason: '41 octets of the body after l= are not signed' });
      expect(await verify(message)).toMatchObject([{ result: 'pass', bodyLength: { signed: 68, total: 68 } }]);
    });

    test('a body shorter than l= fails', async () => {
      const message = await signed({ bodyLength: true });
      const cut = replace(message, '\r\nAlice\r\n', '\r\n');
      expect(await verify(cut)).toMatchObject([{ result: 'fail', problem: { code: 'body-too-short' }, bodyLength: { signed: 59, total: 59 } }]);
    });

    test('l=0 signs no body at all', async () => {
      const message = await signed({ bodyLength: 0 });
      expect(await verify(replace(message, 'Hello Bob', 'Send money'))).toMatchObject([{ result: 'pass', bodyLength: { signed: 0, total: 69 } }]);
    });
  });
});

describe('verifyDkim: several signatures', () => {
  test('each gets its own verdict, topmost first', async () => {
    const inner = await signed({ selector: 'ed25519', algorithm: 'ed25519-sha256', privateKey: privateKey('ed25519'), canonicalization: 'simple/simple' });
    const outer = await signed({ selector: 'revoked' }, inner);
    const both = await verify(outer);
    expect(both.map((v) => [v.selector, v.result, v.algorithm])).toEqual([['revoked', 'permerror', 'rsa-sha256'], ['ed25519', 'pass', 'ed25519-sha256']]);
  });

  test('a signature may sign an earlier DKIM-Signature; never itself (RFC 6376 §3.5 h=)', async () => {
    const inner = await signed({ selector: 'ed25519', algorithm: 'ed25519-sha256', privateKey: privateKey('ed25519') });
    const outer = await signed({ headers: ['from', 'dkim-signature'] }, inner);
    expect((await verify(outer)).map((v) => v.result)).toEqual(['pass', 'pass']);
    // A third signature on top is not what the second signed: that one signed the bottom-most.
    const third = await signed({ selector: 'rsa1024', privateKey: privateKey('rsa1024') }, outer);
    expect((await verify(third)).map((v) => v.result)).toEqual(['pass', 'pass', 'pass']);
  });

  test('over-signing DKIM-Signature forbids any later signature, as over-signing means (RFC 6376 §5.4)', async () => {
    const inner = await signed({ selector: 'ed25519', algorithm: 'ed25519-sha256', privateKey: privateKey('ed25519') });
    const outer = await signed({ headers: ['from', 'dkim-signature', 'dkim-signature'] }, inner);
    expect((await verify(outer)).map((v) => v.result)).toEqual(['pass', 'pass']);
    const third = await signed({ selector: 'rsa1024', privateKey: privateKey('rsa1024') }, outer);
    expect((await verify(third)).map((v) => [v.result, v.problem?.code])).toEqual([['pass', undefined], ['fail', 'signature-mismatch'], ['pass', undefined]]);
  });

  test('signatures past maxSignatures are neutral and never looked up', async () => {
    const message = await signed({}, await signed({ selector: 'timeout' }, await signed({ selector: 'ed25519', algorithm: 'ed25519-sha256', privateKey: privateKey('ed25519') })));
    const asked: string[] = [];
    const resolver = recording(zone, asked);
    const verdicts = await verify(message, { resolver, maxSignatures: 2 });
    expect(verdicts.map((v) => [v.selector, v.result, v.problem?.code])).toEqual([
      ['rsa2048', 'pass', undefined], ['timeout', 'temperror', 'key-unavailable'], ['ed25519', 'neutral', 'too-many-signatures'],
    ]);
    expect(asked.sort()).toEqual(['rsa2048._domainkey.signer.example', 'timeout._domainkey.signer.example']);
  });

  test('key lookups are issued together, one per selector, before the body is read', async () => {
    const message = await signed({}, await signed({ selector: 'ed25519', algorithm: 'ed25519-sha256', privateKey: privateKey('ed25519') }, await signed()));
    const asked: string[] = [];
    let askedWhenBodyStarted = -1;
    const { header, body } = headerOf(message);
    async function* streamedBody() {
      askedWhenBodyStarted = asked.length;
      yield body;
    }
    const verdicts = await verifyDkim({ header, body: streamedBody() }, { resolver: recording(zone, asked), now: at(VERIFY_AT) });
    expect(verdicts.map((v) => v.result)).toEqual(['pass', 'pass', 'pass']);
    expect(asked.sort()).toEqual(['ed25519._domainkey.signer.example', 'rsa2048._domainkey.signer.example']);
    expect(askedWhenBodyStarted).toBe(2);
  });
});

describe('verifyDkim: inputs and odd resolvers', () => {
  test('an unsigned message is none', async () => {
    expect(await verify(baseline)).toEqual([{ result: 'none', reason: 'message not signed', problem: { code: 'no-signature', message: 'dkim: message not signed' } }]);
  });

  test.for([
    ['a first line that is not a field', 'not a header line\r\n\r\nbody\r\n'],
    ['a NUL in the header', 'From: a@b.example\0\r\n\r\n'],
    ['no bytes at all', ''],
  ] as const)('an unreadable header section is permerror (%s)', async ([, text]) => {
    expect(await verify(Buffer.from(text))).toMatchObject([{ result: 'permerror', problem: { code: 'malformed-message' } }]);
  });

  test('a streamed unsigned body is still read to its end', async () => {
    let pulled = 0;
    async function* source() {
      yield baseline;
      for (let i = 0; i < 5; i++) {
        pulled++;
        yield Buffer.from('more body\r\n');
      }
    }
    expect(await verify(source())).toMatchObject([{ result: 'none' }]);
    expect(pulled).toBe(5);
  });

  test('a body stream that fails rejects, without unhandled rejections', async () => {
    const message = await signed({ selector: 'timeout' });
    async function* broken() {
      yield message.subarray(0, message.indexOf('\r\n\r\n') + 10);
      throw new Error('connection reset');
    }
    await expect(verify(broken())).rejects.toThrow('connection reset');
  });

  test.for([
    ['throws something that is not a DnsError', () => Promise.reject(new Error('resolver bug')), 'temperror', 'key-unavailable'],
    ['throws synchronously', () => { throw new DnsError('TEMPFAIL', 'TXT', 'x'); }, 'temperror', 'key-unavailable'],
    ['answers no record at all', () => Promise.resolve([]), 'permerror', 'key-not-found'],
    ['rejects the name as invalid', () => Promise.reject(new DnsError('INVALID_NAME', 'TXT', 'x')), 'permerror', 'key-name-invalid'],
  ] as const)('a resolver that %s -> %s', async ([, txt, result, code]) => {
    const resolver = { ...zone, txt } as unknown as Resolver;
    expect(await verify(await signed(), { resolver })).toMatchObject([{ result, problem: { code } }]);
  });

  test.for([
    [{ resolver: undefined }, TypeError],
    [{ maxSignatures: 0 }, RangeError],
    [{ clockSkewSeconds: -1 }, RangeError],
    [{ minRsaBits: Number.NaN }, RangeError],
  ] as const)('misuse throws: %j', async ([options, type]) => {
    await expect(verifyDkim(baseline, { resolver: zone, ...options } as DkimVerifyOptions)).rejects.toThrow(type);
  });

  test('input that is neither bytes, a stream nor { header, body } throws', async () => {
    await expect(verifyDkim('From: a@b.example\r\n\r\n' as unknown as Uint8Array, { resolver: zone })).rejects.toThrow(TypeError);
  });

  test('a chunked stream verifies like the whole message', async () => {
    const message = await signed({ bodyLength: true, canonicalization: 'simple/relaxed' });
    const cuts = Array.from({ length: 40 }, (_, i) => Math.floor((i * message.length) / 40));
    expect(await verify(chunked(message, cuts))).toEqual(await verify(message));
  });
});

/** Wraps a resolver, recording each TXT name asked. */
function recording(resolver: Resolver, asked: string[]): Resolver {
  return {
    txt: (name) => {
      asked.push(name);
      return resolver.txt(name);
    },
    a: (name) => resolver.a(name),
    aaaa: (name) => resolver.aaaa(name),
    mx: (name) => resolver.mx(name),
    ptr: (ip) => resolver.ptr(ip),
  };
}
