// Signs messages with OUR signDkim, for Perl's Mail::DKIM to verify (verify-with-maildkim.pl), and
// writes them to maildkim/ours/ with cases.json. Each case starts from a message signed at a fixed
// time with a fixed key and changes one thing: the message after signing, a tag of the field, or
// the selector (and so the key record of zone.yaml) the signature names. RSA PKCS#1 v1.5 and
// Ed25519 signatures are deterministic, so a second run writes the same bytes. Run from the root:
//
//     node test-fixtures/dkim/make-ours-for-maildkim.mjs && perl test-fixtures/dkim/verify-with-maildkim.pl
//
// It loads @authgate/dkim from its TypeScript sources through Vite (a dev dependency of the root),
// as vitest does; the tests only read the output.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'vite';

const here = new URL('.', import.meta.url);
const out = new URL('maildkim/ours/', here);
const SIGNED_AT = Date.UTC(2026, 10, 2, 10, 0, 0); // SIGNED_AT of packages/dkim/test/fixtures.ts
const key = (name) => readFileSync(new URL(`keys/${name}.pem`, here));
const message = (name) => readFileSync(new URL(`messages/${name}.eml`, here));

const server = await createServer({
  configFile: false, root: new URL('../..', here).pathname, logLevel: 'error', appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false }, optimizeDeps: { noDiscovery: true, include: [] },
  resolve: { conditions: ['@authgate/source'] }, ssr: { resolve: { conditions: ['@authgate/source'] } },
});
const { signDkim } = await server.ssrLoadModule('/packages/dkim/src/index.ts');

/** Signs with rsa2048 at SIGNED_AT, relaxed/relaxed, unless the options say otherwise. */
async function sign(bytes, options = {}) {
  const { keyName = 'rsa2048', ...rest } = options;
  const signed = await signDkim(bytes, {
    domain: 'signer.example', selector: keyName, algorithm: 'rsa-sha256', privateKey: key(keyName),
    canonicalization: 'relaxed/relaxed', now: () => SIGNED_AT, ...rest,
  });
  return signed.message;
}

/** Replaces the first occurrence of a string (or regular expression match) in the message's bytes. */
function edit(bytes, from, to) {
  const text = bytes.toString('latin1');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`make-ours-for-maildkim: ${from} not found`);
  return Buffer.from(changed, 'latin1');
}

/** Edits only within the topmost DKIM-Signature field (folded lines included). */
function editField(bytes, from, to) {
  const text = bytes.toString('latin1');
  const end = text.search(/\r\n(?![ \t])/) + 2;
  const field = text.slice(0, end);
  const changed = field.replace(from, to);
  if (changed === field) throw new Error(`make-ours-for-maildkim: ${from} not in the field`);
  return Buffer.from(changed + text.slice(end), 'latin1');
}

const cases = [];
const add = (name, description, bytes) => cases.push({ name, description, bytes });
const baseline = message('baseline');

// Every fixture message in every canonicalization, with and without l=.
for (const file of readdirSync(new URL('messages/', here)).filter((f) => f.endsWith('.eml')).sort()) {
  const name = file.slice(0, -4);
  for (const canonicalization of ['simple/simple', 'relaxed/relaxed', 'relaxed/simple', 'simple/relaxed']) {
    const c = canonicalization.replace('/', '-');
    add(`${name}.${c}`, `${file} signed ${canonicalization}`, await sign(message(name), { canonicalization }));
  }
  for (const canonicalization of ['simple/simple', 'relaxed/relaxed']) {
    const c = canonicalization.replace('/', '-');
    add(`${name}.${c}.l`, `${file} signed ${canonicalization} with l=`, await sign(message(name), { canonicalization, bodyLength: true }));
  }
}

// Changes after signing.
const relaxed = await sign(baseline);
const simple = await sign(baseline, { canonicalization: 'simple/simple' });
add('body-altered', 'a body word changed', edit(relaxed, 'are attached', 'are missing'));
add('body-whitespace-relaxed', 'body white space changed, relaxed body', edit(relaxed, 'you\ttomorrow', 'you    tomorrow'));
add('body-whitespace-simple', 'body white space changed, simple body', edit(simple, 'you\ttomorrow', 'you    tomorrow'));
add('body-appended', 'a line appended to the body', Buffer.concat([relaxed, Buffer.from('Appended by a list.\r\n')]));
add('body-empty-lines-appended', 'empty lines appended to the body (RFC 6376 §3.4.3/§3.4.4 ignore them)', Buffer.concat([simple, Buffer.from('\r\n\r\n\r\n')]));
add('subject-altered', 'the Subject changed', edit(relaxed, 'Subject: Quarterly', 'Subject: [SPAM] Quarterly'));
add('subject-refolded-relaxed', 'the Subject re-folded, relaxed header', edit(relaxed, 'Subject: Quarterly numbers', 'Subject:   Quarterly\r\n\t numbers  '));
add('subject-refolded-simple', 'the Subject re-folded, simple header', edit(simple, 'Subject: Quarterly numbers', 'Subject: Quarterly\r\n numbers'));
add('header-name-case-relaxed', 'a signed field name in another case, relaxed header', edit(relaxed, '\r\nSubject:', '\r\nSUBJECT:'));
add('header-name-case-simple', 'a signed field name in another case, simple header', edit(simple, '\r\nSubject:', '\r\nSUBJECT:'));
add('from-prepended', 'a second From above the signed one (over-signed)', Buffer.concat([Buffer.from('From: Mallory <mallory@evil.example>\r\n'), relaxed]));
add('from-appended', 'a second From below the signed one (over-signed)', edit(relaxed, '\r\n\r\n', '\r\nFrom: Mallory <mallory@evil.example>\r\n\r\n'));
add('unsigned-field-added', 'an unsigned field added on top', Buffer.concat([Buffer.from('X-Spam-Score: 0.1\r\n'), relaxed]));
add('l-content-appended', 'signed with l=, then content appended after it', Buffer.concat([await sign(baseline, { bodyLength: true }), Buffer.from('Unsigned footer.\r\n')]));
add('l-zero', 'signed with l=0', await sign(baseline, { bodyLength: 0 }));
add('l-partial', 'signed with l= covering half the body', await sign(baseline, { bodyLength: 20 }));

// Tags of the signature.
add('expired', 'x= one minute after t=, long past', await sign(baseline, { expiresIn: 60 }));
add('expires-later', 'x= in 2099', await sign(baseline, { expiresIn: Math.floor((Date.UTC(2099, 0, 1) - SIGNED_AT) / 1000) }));
add('timestamp-future', 't= in 2099', await sign(baseline, { now: () => Date.UTC(2099, 0, 1) }));
add('identity-user', 'i= a user at d=', await sign(baseline, { identity: 'alice@signer.example' }));
add('identity-subdomain', 'i= at a subdomain of d=', await sign(baseline, { identity: '@mail.signer.example' }));
add('identity-outside', 'i= edited to another domain', editField(relaxed, 'd=signer.example;', 'd=signer.example; i=@other.example;'));
add('sha1', 'a= edited to rsa-sha1 (RFC 8301 §3.1)', editField(relaxed, 'a=rsa-sha256', 'a=rsa-sha1'));
add('unknown-algorithm', 'a= edited to an unknown algorithm', editField(relaxed, 'a=rsa-sha256', 'a=rsa-sha512'));
add('version-2', 'v= edited to 2', editField(relaxed, 'v=1', 'v=2'));
add('unknown-canonicalization', 'c= edited to an unknown one', editField(relaxed, 'c=relaxed/relaxed', 'c=relaxed/fancy'));
add('from-not-signed', 'From removed from h=', await (async () => {
  const signed = await sign(baseline, { headers: ['To', 'From', 'Subject'] });
  return editField(signed, /h=To:From:Subject/i, 'h=To:Subject');
})());
add('explicit-headers', 'h= names an absent field and over-signs Subject', await sign(baseline, { headers: ['From', 'To', 'Subject', 'Subject', 'X-Absent'] }));
add('bad-base64-b', 'b= edited to hold a character outside base64', editField(relaxed, /b=([A-Za-z0-9+/])/, 'b=*$1'));
add('body-hash-edited', 'bh= edited', editField(relaxed, /bh=([A-Za-z0-9+/])([A-Za-z0-9+/])/, 'bh=$2$1'));
add('l-beyond-body', 'l= edited to more than the body', editField(await sign(baseline, { bodyLength: true }), /l=\d+/, 'l=99999'));

// The key record the selector names (zone.yaml), signed with the rsa2048 key.
for (const selector of ['pkcs1', 'nov', 'spaced', 'revoked', 'testing', 'strict', 'sha1only', 'hashes', 'notemail', 'services',
  'wrongtype', 'unknowntype', 'badkey', 'badbase64', 'notdkim', 'badversion', 'vnotfirst', 'dupkey', 'junkfirst', 'twokeys',
  'timeout', 'nodata', 'alias', 'missing', 'rsa1024', 'rsa512']) {
  add(`selector-${selector}`, `rsa2048 key, selector ${selector}`, await sign(baseline, { selector }));
}
add('strict-subdomain', 't=s key, i= at a subdomain', await sign(baseline, { selector: 'strict', identity: '@mail.signer.example' }));
add('rsa1024', 'signed with the 1024-bit key', await sign(baseline, { keyName: 'rsa1024' }));
add('ed25519', 'ed25519-sha256 (RFC 8463)', await sign(baseline, { keyName: 'ed25519', algorithm: 'ed25519-sha256' }));

// Several signatures, topmost first.
add('two-good', 'rsa1024 on top of rsa2048', await sign(await sign(baseline, { canonicalization: 'simple/simple' }), { keyName: 'rsa1024' }));
add('good-over-broken', 'a good signature over one whose key is missing', await sign(await sign(baseline, { selector: 'missing' })));
add('broken-over-good', 'a signature whose body hash breaks over a good one', edit(
  await sign(await sign(baseline, { bodyLength: 20 }), { canonicalization: 'simple/simple' }), 'Alice\r\n', 'Alice.\r\n'));

mkdirSync(out, { recursive: true });
for (const c of cases) writeFileSync(new URL(`${c.name}.eml`, out), c.bytes);
writeFileSync(new URL('cases.json', out), `${JSON.stringify({
  signer: '@authgate/dkim signDkim', signedAt: SIGNED_AT,
  cases: cases.map((c) => ({ file: `${c.name}.eml`, description: c.description })),
}, null, 2)}\n`);
await server.close();
console.log(`make-ours-for-maildkim: ${cases.length} messages in maildkim/ours/`);
