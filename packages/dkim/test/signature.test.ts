import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseSignature, type DkimErrorCode } from '@authgate/dkim';
import { formatSignature, type SignatureTags } from '../src/signature.js';

const BH = 'frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=';
const B = 'dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaXMgYmFzZTY0';
/** A valid DKIM-Signature value; each case below changes one thing. */
const TAGS: Record<string, string> = {
  v: '1', a: 'rsa-sha256', c: 'relaxed/relaxed', d: 'signer.example', s: 'rsa2048', t: '1793613600', h: 'from:to:subject', bh: BH, b: B,
};
function value(changes: Record<string, string | null>): string {
  const tags = { ...TAGS, ...changes };
  return Object.entries(tags).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`).join('; ');
}

describe('parseSignature (RFC 6376 §3.5, §6.1.1)', () => {
  test('the baseline parses', () => {
    const parsed = parseSignature(value({}));
    expect(parsed).toMatchObject({
      ok: true,
      signature: {
        algorithm: 'rsa-sha256', keyType: 'rsa', headerCanonicalization: 'relaxed', bodyCanonicalization: 'relaxed', domain: 'signer.example',
        selector: 'rsa2048', headers: ['from', 'to', 'subject'], identity: '@signer.example', identityDomain: 'signer.example', timestamp: 1793613600,
      },
    });
    if (parsed.ok) expect(parsed.signature.bodyHash.toString('base64')).toBe(BH);
  });

  test.for([
    [{ c: null }, { headerCanonicalization: 'simple', bodyCanonicalization: 'simple' }, 'c= defaults to simple/simple'],
    [{ c: 'relaxed' }, { headerCanonicalization: 'relaxed', bodyCanonicalization: 'simple' }, 'c=relaxed means relaxed/simple'],
    [{ c: 'Relaxed/SIMPLE' }, { headerCanonicalization: 'relaxed', bodyCanonicalization: 'simple' }, 'ABNF literals are case-insensitive (RFC 5234 §2.3)'],
    [{ a: 'RSA-SHA256' }, { algorithm: 'rsa-sha256' }, 'a= likewise'],
    [{ a: 'ed25519-sha256' }, { algorithm: 'ed25519-sha256', keyType: 'ed25519' }, 'RFC 8463 §4.1'],
    [{ d: 'Signer.EXAMPLE' }, { domain: 'signer.example', identity: '@signer.example' }, 'd= is reported in lower case'],
    [{ s: 'mail_2024.eu' }, { selector: 'mail_2024.eu' }, 'underscores in a selector: DNS allows them (RFC 2181 §11)'],
    [{ i: 'user@signer.example' }, { identity: 'user@signer.example', identityDomain: 'signer.example' }, 'an AUID at d='],
    [{ i: '@mail.Signer.example' }, { identity: '@mail.Signer.example', identityDomain: 'mail.signer.example' }, 'an AUID below d=, empty local-part'],
    [{ i: 'j=C3=BCrgen@signer.example' }, { identity: 'jürgen@signer.example' }, 'i= is DKIM-Quoted-Printable'],
    [{ i: '"a=20b"@signer.example' }, { identity: '"a b"@signer.example' }, 'a quoted local-part, its space encoded'],
    [{ i: 'a b@signer.example' }, { identity: 'ab@signer.example' }, 'bare white space in i= is folding, not content'],
    [{ h: 'From : To :\r\n subject' }, { headers: ['From', 'To', 'subject'] }, 'FWS around the colons of h='],
    [{ h: 'from:from:x-none' }, { headers: ['from', 'from', 'x-none'] }, 'over-signed and absent names'],
    [{ b: `${B.slice(0, 10)} \r\n\t${B.slice(10)}` }, {}, 'FWS inside b= is ignored'],
    [{ l: '0' }, { bodyLength: 0 }, 'l=0: nothing of the body is signed'],
    [{ l: '000123' }, { bodyLength: 123 }, 'leading zeros'],
    [{ l: '9'.repeat(76) }, { bodyLength: Infinity }, 'up to 76 digits, beyond any body'],
    [{ t: '1'.repeat(13), x: null }, { timestamp: Infinity }, 'over 12 digits is infinite (§3.5 t=)'],
    [{ x: '1793700000' }, { expiration: 1793700000 }, 'x= after t='],
    [{ q: 'future/thing:dns/txt' }, {}, 'unknown query methods are ignored when dns/txt is there'],
    [{ z: 'From:a@b|To:c@d', foo: 'bar' }, {}, 'z= and unknown tags are ignored'],
  ] as const)('%j -> %j (%s)', ([changes, expected]) => {
    const parsed = parseSignature(value(changes));
    expect(parsed.ok, !parsed.ok ? parsed.problem.message : '').toBe(true);
    if (parsed.ok) expect(parsed.signature).toMatchObject(expected);
  });

  test.for([
    [{ v: '2' }, 'unsupported-version', 'v= must be 1'],
    [{ v: '01' }, 'unsupported-version', 'v= must be exactly 1'],
    [{ v: null }, 'missing-tag', 'v= is required'],
    [{ a: null }, 'missing-tag', 'a= is required'],
    [{ b: null }, 'missing-tag', 'b= is required'],
    [{ bh: null }, 'missing-tag', 'bh= is required'],
    [{ d: null }, 'missing-tag', 'd= is required'],
    [{ h: null }, 'missing-tag', 'h= is required'],
    [{ s: null }, 'missing-tag', 's= is required'],
    [{ a: 'rsa-sha1' }, 'sha1-not-allowed', 'RFC 8301 §3.1'],
    [{ a: 'rsa-sha512' }, 'unknown-algorithm', 'an unimplemented hash'],
    [{ a: 'ecdsa-sha256' }, 'unknown-algorithm', 'an unimplemented key type'],
    [{ c: 'relaxed/strict' }, 'unknown-canonicalization', 'an unknown body canonicalization'],
    [{ c: 'nowsp' }, 'unknown-canonicalization', 'an unknown header canonicalization'],
    [{ c: 'simple/simple/simple' }, 'unknown-canonicalization', 'three parts'],
    [{ d: 'example' }, 'bad-domain', 'domain-name has at least two labels'],
    [{ d: 'signer.example.' }, 'bad-domain', 'no trailing dot'],
    [{ d: 'bücher.example' }, 'bad-domain', 'IDNs must be A-labels'],
    [{ d: '-bad.example' }, 'bad-domain', 'a label starts with Let-dig'],
    [{ d: 'exa mple.example' }, 'bad-domain', 'no white space in a domain'],
    [{ s: 'bad..selector' }, 'bad-selector', 'selector = sub-domain *("." sub-domain): no empty label'],
    [{ s: '-bad' }, 'bad-selector', 'a label starts with a letter, digit or underscore'],
    [{ s: '' }, 'bad-selector', 'an empty selector'],
    [{ i: 'user@other.example' }, 'identity-mismatch', 'i= outside d='],
    [{ i: '@example' }, 'bad-identity', 'i= domain is a domain-name'],
    [{ i: 'user@example.signer' }, 'identity-mismatch', 'not a subdomain'],
    [{ i: 'user@xsigner.example' }, 'identity-mismatch', 'a suffix match is not a subdomain'],
    [{ i: 'user' }, 'bad-identity', 'no @'],
    [{ i: 'a..b@signer.example' }, 'bad-identity', 'not a Dot-string'],
    [{ i: 'a=3bb@signer.example' }, 'bad-identity', 'lower-case hex in DKIM-Quoted-Printable'],
    [{ h: '' }, 'bad-header-list', 'h= must not be empty'],
    [{ h: 'from::to' }, 'bad-header-list', 'an empty name'],
    [{ h: 'to:subject' }, 'from-not-signed', 'From must be signed'],
    [{ q: 'https' }, 'unknown-query-method', 'no dns/txt'],
    [{ b: '!!!!' }, 'bad-base64', 'not base64'],
    [{ b: '' }, 'bad-base64', 'an empty signature'],
    [{ b: 'abc' }, 'bad-base64', 'not a multiple of four'],
    [{ bh: 'ab=c' }, 'bad-base64', 'padding in the middle'],
    [{ l: 'ten' }, 'bad-body-length', 'l= is digits'],
    [{ l: '-1' }, 'bad-body-length', 'l= is unsigned'],
    [{ l: '1'.repeat(77) }, 'bad-body-length', 'l= is at most 76 digits'],
    [{ t: 'soon' }, 'bad-timestamp', 't= is digits'],
    [{ x: '1793613599' }, 'bad-timestamp', 'x= before t='],
    [{ x: '1793613600' }, 'bad-timestamp', 'x= equal to t= (MUST be greater)'],
    [{ d: 'a.example; d=b.example' }, 'duplicate-tag', 'a duplicate tag invalidates the list'],
  ] as const)('%j -> %s (%s)', ([changes, code]) => {
    const parsed = parseSignature(value(changes));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem.code satisfies DkimErrorCode).toBe(code);
  });

  test('a broken signature still names what it can', () => {
    const parsed = parseSignature(value({ a: 'rsa-sha1', b: `${B.slice(0, 8)} ${B.slice(8)}` }));
    expect(parsed).toMatchObject({ ok: false, summary: { domain: 'signer.example', selector: 'rsa2048', algorithm: 'rsa-sha1', identity: '@signer.example', signature: B } });
  });

  const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
  const tagsArbitrary: fc.Arbitrary<SignatureTags> = fc.record({
    algorithm: fc.constantFrom('rsa-sha256', 'ed25519-sha256'),
    headerCanonicalization: fc.constantFrom('simple', 'relaxed'),
    bodyCanonicalization: fc.constantFrom('simple', 'relaxed'),
    domain: fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.')),
    selector: fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.')),
    headers: fc.array(fc.stringMatching(/^[\x21-\x39\x3c-\x7e]{1,12}$/)).map((names) => ['from', ...names]),
    bodyHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => Buffer.from(a)),
    signature: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a)),
    identity: fc.option(fc.stringMatching(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{0,10}$/), { nil: undefined }),
    bodyLength: fc.option(fc.nat(), { nil: undefined }),
    timestamp: fc.option(fc.integer({ min: 0, max: 2_000_000_000 }), { nil: undefined }),
  }, { requiredKeys: ['algorithm', 'headerCanonicalization', 'bodyCanonicalization', 'domain', 'selector', 'headers', 'bodyHash', 'signature'] });

  test('parse(format(tags)) gives the tags back', () => {
    fc.assert(fc.property(tagsArbitrary, fc.nat(100_000), (tags, lifetime) => {
      const written: SignatureTags = { ...tags };
      if (written.identity !== undefined) written.identity = `${written.identity}@${tags.domain}`;
      if (written.timestamp !== undefined) written.expiration = written.timestamp + lifetime + 1;
      const parsed = parseSignature(formatSignature(written));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      const s = parsed.signature;
      expect({ ...s, identityDomain: undefined, keyType: undefined }).toEqual({
        ...written,
        identity: written.identity ?? `@${tags.domain}`,
        identityDomain: undefined,
        keyType: undefined,
      });
    }));
  });

  test('no value throws, whatever it holds', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      expect(typeof parseSignature(text).ok).toBe('boolean');
    }));
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('v', 'a', 'b', 'bh', 'c', 'd', 'h', 'i', 'l', 'q', 's', 't', 'x'), fc.string({ unit: 'binary-ascii' })), (tags) => {
      const text = Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(';');
      expect(typeof parseSignature(text).ok).toBe('boolean');
    }));
  });
});
