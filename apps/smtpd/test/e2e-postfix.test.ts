import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAuthoritativeDns, type AuthoritativeDns } from '@authgate/testkit';
import { createResolver, signDkim, toCrlf, verifyDkim, type Resolver } from 'authgate';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixture, fixturePath } from './helpers/fixtures.js';
import { startFilter, type TestFilter } from './helpers/filter.js';
import { messageFrom } from './helpers/messages.js';
import { startPostfix, swaks, type Postfix } from './helpers/postfix.js';

/**
 * End to end with real software from Debian: swaks sends, the filter verifies against Knot DNS
 * and relays to a private Postfix, which delivers to a Maildir. `.ci/run` installs postfix,
 * swaks and knot when they are missing.
 */
let dns: AuthoritativeDns;
let postfix: Postfix;
let filter: TestFilter;
let resolver: Resolver;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'authgate-e2e-'));
  dns = await startAuthoritativeDns({ zoneFiles: [fixturePath('smtpd/zone.yaml')] });
  postfix = await startPostfix();
  resolver = await createResolver({ servers: [dns.address] });
  // The verification thread asks the same Knot server as the event loop (dns.servers replaces the helper's zone file).
  filter = await startFilter(postfix.port, { policy: 'enforce', relay: { xclient: true, commandTimeout: '30s', dataTimeout: '30s' }, dns: { servers: [dns.address], zoneFile: null } }, { resolver });
});

afterAll(async () => {
  await filter?.close();
  await postfix?.stop();
  await dns?.stop();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

async function sign(message: Buffer): Promise<Buffer> {
  const signed = await signDkim(message, { domain: 'sender.example', selector: 'sel', privateKey: readFileSync(fixturePath('smtpd/dkim/sender.example.key.pem')), algorithm: 'rsa-sha256' });
  return signed.message;
}

async function send(name: string, message: Buffer, from: string, to: string): Promise<{ code: number; output: string }> {
  const file = path.join(scratch, name);
  // swaks ends DATA with its own CRLF before the dot: give it the message without its last one.
  await writeFile(file, message.subarray(0, message.length - (message.subarray(-2).toString() === '\r\n' ? 2 : 0)));
  return swaks(filter.port, ['--from', from, '--to', to, '--data', file]);
}

/** The independent verifier: python3-dkim against the same Knot server. */
function pythonDkim(message: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('/usr/bin/python3', [path.join(import.meta.dirname, 'helpers', 'dkim-verify.py'), dns.host, String(dns.port)], (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
    child.stdin!.end(message);
  });
}

/** The delivered file from our fields on: Postfix adds Return-Path, X-Original-To, Delivered-To and its Received above them. */
function fromOurFields(delivered: Buffer): string {
  const text = delivered.toString('utf8');
  const start = text.indexOf('\nAuthentication-Results: authgate.test;');
  expect(start).toBeGreaterThan(0);
  return text.slice(start + 1);
}

describe('swaks → authgate-smtpd → Postfix → Maildir', () => {
  test('a signed message arrives with our A-R first, its bytes unchanged and its DKIM still passing', async () => {
    const message = await sign(await fixture('smtpd/messages/plain.eml'));
    const sent = await send('signed.eml', message, 'alice@sender.example', 'bob@authgate.test');
    expect(sent.code, sent.output).toBe(0);
    expect(sent.output).toMatch(/<-\s+250 2\.0\.0 Ok: relayed, downstream said: 2\.0\.0 Ok: queued as \w+/);
    const [delivered] = await postfix.waitForMessages(1);
    const text = delivered!.toString('utf8');
    // Postfix's own trace field, made with what XCLIENT told it: the client's HELO, not ours, and
    // "unknown" for its name, since the fixture zone's PTR name (localhost) has no A record to
    // confirm it (XCLIENT NAME is a verified name; the PTR name goes as REVERSE_NAME when offered).
    expect(text).toMatch(/^Return-Path: <alice@sender\.example>\n(?:.+\n)*Received: from client\.example \(unknown \[127\.0\.0\.1\]\)\n\tby downstream\.authgate\.test \(Postfix\)/);
    const ours = fromOurFields(delivered!);
    expect(ours).toMatch(/^Authentication-Results: authgate\.test;\n\tspf=pass smtp\.mailfrom=alice@sender\.example;\n\tdkim=pass header\.d=sender\.example header\.i=@sender\.example\n?\s*header\.s=sel header\.a=rsa-sha256 header\.b=\S+;\n\tdmarc=pass/);
    expect(ours.endsWith(message.toString('utf8').replaceAll('\r\n', '\n'))).toBe(true);
    const crlf = toCrlf(delivered!);
    expect((await verifyDkim(crlf, { resolver })).map((v) => v.result)).toEqual(['pass']);
    expect(await pythonDkim(crlf)).toBe('pass');
  });

  test('a forged Authentication-Results is removed before delivery, and the signature still verifies', async () => {
    const forged = Buffer.concat([
      Buffer.from('Authentication-Results: authgate.test; dmarc=pass header.from=bank.example\r\nAuthentication-Results: other.example; spf=pass smtp.mailfrom=list.example\r\n'),
      await fixture('smtpd/messages/plain.eml'),
    ]);
    const message = await sign(forged);
    const before = (await postfix.messages()).length;
    const sent = await send('forged.eml', message, 'alice@sender.example', 'carol@authgate.test');
    expect(sent.code, sent.output).toBe(0);
    const delivered = (await postfix.waitForMessages(before + 1))[before]!;
    const ours = fromOurFields(delivered);
    expect(ours.match(/^Authentication-Results: authgate\.test;/gm)).toHaveLength(1);
    expect(ours).not.toContain('dmarc=pass header.from=bank.example');
    expect(ours).toContain('\nAuthentication-Results: other.example; spf=pass smtp.mailfrom=list.example\n');
    const crlf = toCrlf(delivered);
    expect((await verifyDkim(crlf, { resolver })).map((v) => v.result)).toEqual(['pass']);
    expect(await pythonDkim(crlf)).toBe('pass');
  });

  test('a DMARC failure with p=reject is refused (policy: enforce) and never reaches Postfix', async () => {
    const before = (await postfix.messages()).length;
    const sent = await send('dmarc.eml', messageFrom('ceo@bank.example', { subject: 'Wire transfer' }), 'ceo@bank.example', 'bob@authgate.test');
    expect(sent.code).not.toBe(0);
    expect(sent.output).toMatch(/<\*\*\s+550 5\.7\.26 Email rejected per DMARC policy for bank\.example/);
    await expect(postfix.log()).resolves.not.toMatch(/from=<ceo@bank\.example>/);
    expect((await postfix.messages()).length).toBe(before);
  });

  test('an open-relay attempt is refused at RCPT, although Postfix trusts the filter\'s address', async () => {
    const sent = await send('relay.eml', messageFrom('alice@sender.example'), 'alice@sender.example', 'victim@elsewhere.example');
    expect(sent.code).not.toBe(0);
    expect(sent.output).toMatch(/<\*\*\s+550 5\.7\.1 <victim@elsewhere\.example>: Relay access denied/);
    await expect(postfix.log()).resolves.not.toMatch(/victim@elsewhere\.example/);
  });
});
