#!/usr/bin/env node
// Regenerates the CLI fixtures from source/ and keys/ with the DKIM package's signDkim:
//   pnpm --filter "@authgate/cli..." build && node test-fixtures/cli/make-fixtures.mjs
// Signing uses a fixed clock, so the output only changes when the sources, keys or signer do.
import { createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const here = new URL('./', import.meta.url);
// The CLI's own dependency, resolved by package name as the CLI resolves it.
const entry = createRequire(new URL('../../apps/cli/package.json', import.meta.url)).resolve('authgate');
const { signDkim, toCrlf } = await import(pathToFileURL(entry).href);

const SIGNED_AT = Date.parse('2026-01-01T12:00:30Z');
const read = (path) => readFileSync(new URL(path, here));
const write = (path, data) => writeFileSync(new URL(path, here), data);

/** The p= of a private key: the SubjectPublicKeyInfo for RSA, the bare 32 octets for Ed25519 (RFC 8463 §4.2). */
function publicKeyOf(path) {
  const spki = createPublicKey(read(path)).export({ type: 'spki', format: 'der' });
  return path.includes('ed2026') ? spki.subarray(spki.length - 32).toString('base64') : spki.toString('base64');
}

/** A TXT value as 255-octet character-strings (RFC 1035 §3.3), as a zone would hold it. */
function strings(text) {
  const parts = [];
  for (let i = 0; i < text.length; i += 255) parts.push(JSON.stringify(text.slice(i, i + 255)));
  return parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
}

const zone = `# The DNS of example.com for the Quick start and the CLI tests, in the openspf zonedata format.
example.com:
  - TXT: "v=spf1 include:_spf.example.com -all"
  - MX: [10, mail.example.com]
_spf.example.com:
  - TXT: "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:25::/48 ~all"
mail.example.com:
  - A: 192.0.2.25
  - TXT: "v=spf1 a -all"
25.2.0.192.in-addr.arpa:
  - PTR: mail.example.com
quickstart._domainkey.example.com:
  - TXT: ${strings(`v=DKIM1; k=rsa; p=${publicKeyOf('keys/quickstart.private')}`)}
ed2026._domainkey.example.com:
  - TXT: ${strings(`v=DKIM1; k=ed25519; p=${publicKeyOf('keys/ed2026.private')}`)}
_dmarc.example.com:
  - TXT: "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com"
`;
write('quickstart-zone.yaml', zone);

/** Signs a source message, then adds the trace fields the receiving server prepends. */
async function deliver(source, key, selector, algorithm, trace) {
  const { message } = await signDkim(read(source), {
    domain: 'example.com', selector, algorithm, privateKey: read(key), now: () => SIGNED_AT,
  });
  return Buffer.concat([toCrlf(Buffer.from(trace)), message]);
}

const quickstart = await deliver('source/quickstart.eml', 'keys/quickstart.private', 'quickstart', 'rsa-sha256',
  'Return-Path: <alice@example.com>\n' +
  'Received: from mail.example.com (mail.example.com [192.0.2.25])\n' +
  '\tby mx.example.net (Postfix) with ESMTPS id 4QkZ3x1ABC\n' +
  '\tfor <bob@example.net>; Thu, 01 Jan 2026 12:00:31 +0000\n');
write('quickstart-signed.eml', quickstart);

const fromLines = await deliver('source/from-lines.eml', 'keys/ed2026.private', 'ed2026', 'ed25519-sha256',
  'Return-Path: <carol@example.com>\n' +
  'Received: from mail.example.com (mail.example.com [IPv6:2001:db8:25::1])\n' +
  '\tby mx.example.net (Postfix) with ESMTPS id 4QkZ3x1ABD\n' +
  '\tfor <bob@example.net>; Thu, 01 Jan 2026 12:05:31 +0000\n');
write('from-lines-signed.eml', fromLines);

/** How a Unix mail store keeps a message: LF line ends. */
const stored = (message) => Buffer.from(message.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');

// mboxrd (RFC 4155 with the mboxrd quoting): every >*From line gains one '>'; an empty line ends each message.
const mbox = [quickstart, fromLines].map((message, i) =>
  `From ${i === 0 ? 'alice' : 'carol'}@example.com Thu Jan  1 12:0${i * 5}:31 2026\n` +
  stored(message).toString('latin1').replace(/^(>*From )/gm, '>$1') + '\n').join('');
write('signed.mbox', Buffer.from(mbox, 'latin1'));

// A Maildir as Dovecot or Postfix leave it; tmp/ holds a delivery in progress, which is not read.
rmSync(new URL('maildir', here), { recursive: true, force: true });
for (const sub of ['cur', 'new', 'tmp']) mkdirSync(new URL(`maildir/${sub}`, here), { recursive: true });
write('maildir/cur/1767268831.M1P100.mx.example.net:2,S', stored(quickstart));
write('maildir/new/1767269131.M2P100.mx.example.net', stored(fromLines));
write('maildir/tmp/1767269200.M3P100.mx.example.net', 'Return-Path: <half@example.com>\nReceived: from');
