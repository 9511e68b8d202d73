import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { authenticate, observeQueries, parseAuthenticationResults, type AuthenticateOptions } from 'authgate';
import { message, now, sign, zone } from './fixtures.js';

const good = { ip: '192.0.2.1', helo: 'mail.good.example', mailFrom: 'bounce@good.example' };
const forger = { ip: '203.0.113.5', helo: 'relay.attacker.example', mailFrom: 'bounce@attacker.example' };

async function check(bytes: Buffer | Readable, envelope: typeof good, extra: Partial<AuthenticateOptions> = {}) {
  return authenticate(bytes, { ...envelope, authservId: 'mx.receiver.example', resolver: await zone(), now, ...extra });
}

/** The Authentication-Results field as data, to check it field by field. */
function parsedResults(field: string) {
  const parsed = parseAuthenticationResults(field.replace(/^Authentication-Results:\s*/i, ''));
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.value;
}

describe('authenticate()', () => {
  test('a message signed twice by its author domain passes everything', async () => {
    const signed = await sign(await sign(message('Alice <alice@good.example>'), 'good.example', 'ed25519-sha256'), 'good.example');
    const report = await check(signed, good);
    expect(report.spf).toMatchObject({ result: 'pass', domain: 'good.example', identity: 'mailfrom' });
    expect(report.dkim.map((d) => [d.result, d.domain, d.algorithm])).toEqual([
      ['pass', 'good.example', 'rsa-sha256'],
      ['pass', 'good.example', 'ed25519-sha256'],
    ]);
    expect(report.dmarc).toMatchObject({ result: 'pass', policy: 'reject', disposition: 'none', alignment: { spf: true, dkim: true } });

    const ar = parsedResults(report.headers.authenticationResults);
    expect(ar.authservId).toBe('mx.receiver.example');
    expect(ar.results.map((r) => `${r.method}=${r.result}`)).toEqual(['spf=pass', 'dkim=pass', 'dkim=pass', 'dmarc=pass']);
    const props = (i: number) => Object.fromEntries(ar.results[i]!.properties.map((p) => [`${p.ptype}.${p.property}`, p.value]));
    expect(props(0)).toMatchObject({ 'smtp.mailfrom': 'bounce@good.example' });
    expect(props(1)).toMatchObject({ 'header.d': 'good.example', 'header.s': 'rsa', 'header.a': 'rsa-sha256' });
    expect(props(2)).toMatchObject({ 'header.d': 'good.example', 'header.s': 'ed', 'header.a': 'ed25519-sha256' });
    expect(props(3)).toMatchObject({ 'header.from': 'good.example' });
    expect(report.headers.receivedSpf).toMatch(/^Received-SPF: pass /);
    expect(report.headers.receivedSpf).toContain('client-ip=192.0.2.1');
  });

  test('an unsigned message passes DMARC on aligned SPF alone', async () => {
    const report = await check(message('alice@good.example'), good);
    expect(report.dkim).toEqual([expect.objectContaining({ result: 'none' })]);
    expect(report.dmarc).toMatchObject({ result: 'pass', alignment: { spf: true, dkim: false } });
    expect(parsedResults(report.headers.authenticationResults).results.map((r) => `${r.method}=${r.result}`))
      .toEqual(['spf=pass', 'dkim=none', 'dmarc=pass']);
  });

  test('a forged From fails DMARC although the forger’s own SPF and DKIM pass', async () => {
    const forged = await sign(message('"Good Bank" <alerts@good.example>'), 'attacker.example');
    const report = await check(forged, forger);
    expect(report.spf).toMatchObject({ result: 'pass', domain: 'attacker.example' });
    expect(report.dkim[0]).toMatchObject({ result: 'pass', domain: 'attacker.example' });
    expect(report.dmarc).toMatchObject({ result: 'fail', policy: 'reject', disposition: 'reject', alignment: { spf: false, dkim: false } });
    const dmarc = parsedResults(report.headers.authenticationResults).results.at(-1)!;
    expect(dmarc).toMatchObject({ method: 'dmarc', result: 'fail' });
    expect(dmarc.properties).toContainEqual(expect.objectContaining({ ptype: 'policy', property: 'dmarc', value: 'reject' }));
  });

  test('a subdomain author is judged by sp= and aligns relaxed with the parent’s signature', async () => {
    const signed = await sign(message('news@news.good.example'), 'good.example');
    const report = await check(signed, { ...good, mailFrom: '' });
    // RFC 7208 §2.4: with a null reverse path, the MAIL FROM check is of postmaster@<HELO>.
    expect(report.spf).toMatchObject({ sender: 'postmaster@mail.good.example', domain: 'mail.good.example', result: 'pass' });
    expect(report.dmarc).toMatchObject({ result: 'pass', policy: 'quarantine', policySource: 'sp', alignment: { dkim: true } });
  });

  test('strict DKIM alignment refuses the parent domain’s signature', async () => {
    const signed = await sign(message('bob@partner.example'), 'good.example');
    const report = await check(signed, { ...good, mailFrom: 'bob@partner.example' });
    expect(report.spf.result).toBe('neutral');
    expect(report.dmarc).toMatchObject({ result: 'fail', disposition: 'quarantine' });
  });

  test('a body changed after signing fails DKIM and so DMARC when SPF does not align', async () => {
    const signed = await sign(message('alice@good.example'), 'good.example');
    const tampered = Buffer.from(signed.toString().replace('attached', 'ATTACHED'));
    const report = await check(tampered, forger);
    expect(report.dkim[0]).toMatchObject({ result: 'fail', domain: 'good.example' });
    expect(report.dmarc.result).toBe('fail');
  });

  test('a stream gives the same verdicts as the whole buffer', async () => {
    const signed = await sign(message('alice@good.example'), 'good.example', 'ed25519-sha256');
    const chunks = Array.from({ length: Math.ceil(signed.length / 7) }, (_, i) => signed.subarray(i * 7, i * 7 + 7));
    const [whole, streamed] = await Promise.all([check(signed, good), check(Readable.from(chunks), good)]);
    expect(streamed.spf.result).toBe(whole.spf.result);
    expect(streamed.dkim).toEqual(whole.dkim);
    expect(streamed.dmarc).toEqual(whole.dmarc);
    expect(streamed.headers).toEqual(whole.headers);
  });

  test('an unreadable header section gives permerror for DKIM and DMARC, and SPF still runs', async () => {
    const broken = Buffer.from('From: alice@good.example\r\nthis line is no header field\r\n\r\nbody\r\n');
    const report = await check(broken, good);
    expect(report.message).toMatchObject({ ok: false, problem: { code: 'malformed-field' } });
    expect(report.spf.result).toBe('pass');
    expect(report.dkim).toEqual([expect.objectContaining({ result: 'permerror' })]);
    expect(report.dmarc.result).toBe('permerror');
    expect(parsedResults(report.headers.authenticationResults).results.map((r) => `${r.method}=${r.result}`))
      .toEqual(['spf=pass', 'dkim=permerror', 'dmarc=permerror']);
  });

  test('a DNS timeout on the author domain is a temperror, not a pass or a fail', async () => {
    const report = await check(message('someone@slow.example'), good);
    expect(report.dmarc.result).toBe('temperror');
  });

  test('an SPF verdict reached at MAIL FROM is reused, not asked again', async () => {
    const first = await check(message('alice@good.example'), good);
    const asked: string[] = [];
    const observed = observeQueries(await zone(), (query) => asked.push(`${query.type} ${query.name}`));
    const again = await authenticate(message('alice@good.example'), {
      ...good, authservId: 'mx.receiver.example', resolver: observed, now, spf: first.spf,
    });
    expect(again.spf).toBe(first.spf);
    // Only DMARC asks DNS (the message is unsigned): its _dmarc names, never the SPF record.
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((query) => query.startsWith('TXT _dmarc.'))).toBe(true);
  });

  test('RFC 7489 mode gives the same verdicts on these plain cases', async () => {
    const forged = await sign(message('alerts@good.example'), 'attacker.example');
    const report = await check(forged, forger, { dmarcMode: 'rfc7489' });
    expect(report.dmarc).toMatchObject({ result: 'fail', disposition: 'reject' });
  });
});
