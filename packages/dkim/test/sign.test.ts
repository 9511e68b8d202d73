import { beforeAll, describe, expect, test } from 'vitest';
import type { ZoneResolver } from '@authgate/dns';
import { DkimError, parseSignature, signDkim, verifyDkim, type DkimAlgorithm, type DkimCanonicalization, type DkimSignOptions } from '@authgate/dkim';
import { at, fixture, headerOf, privateKey, replace, signerZone, SIGNED_AT, VERIFY_AT, type KeyName } from './fixtures.js';

let zone: ZoneResolver;
beforeAll(async () => {
  zone = await signerZone();
});

const MESSAGES = ['baseline', '8bit-header', 'long-folded', 'empty-body', 'trailing-whitespace', 'bare-lf', 'no-final-crlf'] as const;
const ALGORITHMS: Array<[DkimAlgorithm, KeyName]> = [['rsa-sha256', 'rsa2048'], ['ed25519-sha256', 'ed25519']];
const CANONICALIZATIONS: DkimCanonicalization[] = ['relaxed/relaxed', 'relaxed/simple', 'simple/relaxed', 'simple/simple'];
const CASES = MESSAGES.flatMap((name) => ALGORITHMS.flatMap(([algorithm, key]) => CANONICALIZATIONS.map((c) => [name, algorithm, key, c] as const)));

function sign(message: Buffer, algorithm: DkimAlgorithm, key: KeyName, canonicalization: DkimCanonicalization, options: Partial<DkimSignOptions> = {}) {
  return signDkim(message, { domain: 'signer.example', selector: key, algorithm, privateKey: privateKey(key), canonicalization, now: at(SIGNED_AT), ...options });
}

async function results(message: Buffer): Promise<string[]> {
  return (await verifyDkim(message, { resolver: zone, now: at(VERIFY_AT) })).map((v) => v.result);
}

/** A header change (Subject) and a body change that every canonicalization notices. */
function changeHeader(message: Buffer): Buffer {
  const subject = message.indexOf('Subject:');
  return Buffer.concat([message.subarray(0, subject + 8), Buffer.from(' [SPAM]'), message.subarray(subject + 8)]);
}
function changeBody(message: Buffer): Buffer {
  return Buffer.concat([message, Buffer.from('Appended by a forwarder.\r\n')]);
}
/** White space a relaxed canonicalization ignores: a re-folded Subject, and a tab added to the first space of the body. */
function changeWhitespace(message: Buffer): Buffer {
  const refolded = replace(message, 'Subject: ', 'Subject:  \t');
  const body = refolded.indexOf('\r\n\r\n') + 4;
  const space = refolded.indexOf(' ', body);
  return space === -1 ? refolded : Buffer.concat([refolded.subarray(0, space), Buffer.from(' \t'), refolded.subarray(space)]);
}

describe('signDkim -> verifyDkim round trip', () => {
  test.for(CASES)('%s, %s, %s', async ([name, algorithm, key, canonicalization]) => {
    const { message, field } = await sign(fixture(`messages/${name}.eml`), algorithm, key, canonicalization);
    expect(await results(message)).toEqual(['pass']);
    expect(field.endsWith('\r\n')).toBe(true);
    for (const line of field.slice(0, -2).split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);

    expect(await results(changeHeader(message))).toEqual(['fail']);
    expect(await results(changeBody(message))).toEqual(['fail']);
    const [header, body] = canonicalization.split('/');
    const whitespaceChanged = changeWhitespace(message);
    const bodyHasSpace = headerOf(message).body.includes(' ');
    const expected = header === 'relaxed' && (body === 'relaxed' || !bodyHasSpace) ? 'pass' : 'fail';
    expect(await results(whitespaceChanged)).toEqual([expected]);
  });

  test.for(MESSAGES.map((name) => [name, name === 'no-final-crlf' ? 'fail' : 'pass'] as const))('%s with l=: text appended -> %s', async ([name, expected]) => {
    // Appended to a last line without CRLF, the text joins that line, whose CRLF l= had counted.
    const { message } = await sign(fixture(`messages/${name}.eml`), 'ed25519-sha256', 'ed25519', 'relaxed/relaxed', { bodyLength: true });
    const [verdict] = await verifyDkim(changeBody(message), { resolver: zone, now: at(VERIFY_AT) });
    expect(verdict!.result).toBe(expected);
    if (expected === 'pass') expect(verdict!.bodyLength!.total).toBeGreaterThanOrEqual(verdict!.bodyLength!.signed + 26);
    else expect(verdict!.problem?.code).toBe('body-hash-mismatch');
  });

  test('the returned message has CRLF line ends, even from bare LF input (RFC 6376 §5.3)', async () => {
    const input = fixture('messages/bare-lf.eml');
    expect(input.includes('\r\n')).toBe(false);
    const { message, field } = await sign(input, 'rsa-sha256', 'rsa2048', 'simple/simple');
    expect(message.toString('latin1').replace(/\r\n/g, '')).not.toContain('\n');
    expect(message.subarray(0, field.length).toString()).toBe(field);
  });
});

describe('what signDkim writes', () => {
  const baseline = fixture('messages/baseline.eml');

  test('the default header list signs the present fields and over-signs From, To, Subject, Date and friends', async () => {
    const { field } = await sign(baseline, 'rsa-sha256', 'rsa2048', 'relaxed/relaxed');
    const parsed = parseSignature(field.slice(field.indexOf(':') + 1));
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const count = (name: string) => parsed.signature.headers.filter((h) => h === name).length;
    for (const present of ['from', 'to', 'cc', 'subject', 'date', 'message-id', 'mime-version', 'content-type']) expect(count(present), present).toBe(2);
    for (const absent of ['reply-to', 'sender', 'in-reply-to', 'references', 'content-transfer-encoding', 'list-unsubscribe']) expect(count(absent), absent).toBe(1);
    expect(count('received')).toBe(0);
    expect(count('list-id')).toBe(0);
    expect(parsed.signature).toMatchObject({ algorithm: 'rsa-sha256', domain: 'signer.example', selector: 'rsa2048', timestamp: SIGNED_AT / 1000, identity: '@signer.example' });
    expect(parsed.signature.expiration).toBeUndefined();
    expect(parsed.signature.bodyLength).toBeUndefined();
  });

  test('an explicit header list is used as given', async () => {
    const { field, message } = await sign(baseline, 'rsa-sha256', 'rsa2048', 'relaxed/relaxed', { headers: ['From', 'Subject', 'X-Absent'] });
    expect(field.replace(/\r\n /g, ' ')).toContain(' h=From:Subject:X-Absent;');
    expect(await results(message)).toEqual(['pass']);
    expect(await results(replace(message, 'To: Bob', 'To: Mallory'))).toEqual(['pass']);
  });

  test('x=, l= and i= when asked, the IDN domain as A-labels', async () => {
    const { field } = await sign(baseline, 'rsa-sha256', 'rsa2048', 'simple/simple', { expiresIn: 86_400, bodyLength: 10, identity: '"a;b=c"@Mail.Signer.example' });
    const parsed = parseSignature(field.slice(field.indexOf(':') + 1));
    expect(parsed).toMatchObject({ ok: true, signature: { expiration: SIGNED_AT / 1000 + 86_400, bodyLength: 10, identity: '"a;b=c"@Mail.Signer.example', identityDomain: 'mail.signer.example' } });
    expect(field).toContain('i="a=3Bb=3Dc"@Mail.Signer.example;');
    const idn = await signDkim(baseline, { domain: 'bücher.example', selector: 's', algorithm: 'ed25519-sha256', privateKey: privateKey('ed25519') });
    expect(idn.field).toContain('d=xn--bcher-kva.example;');
  });

  test.for([
    [{ domain: 'example' }, 'bad-option', 'd= needs two labels'],
    [{ selector: 'bad..selector' }, 'bad-option', 'not a selector'],
    [{ algorithm: 'rsa-sha1' }, 'bad-option', 'RFC 8301 §3.1: signers MUST use rsa-sha256'],
    [{ canonicalization: 'relaxed' }, 'bad-option', 'header/body both named'],
    [{ headers: ['to', 'subject'] }, 'bad-option', 'From MUST be signed (RFC 6376 §5.4)'],
    [{ headers: ['from', 'bad name'] }, 'bad-option', 'not a field name'],
    [{ headers: ['from', 'a;b'] }, 'bad-option', 'a semicolon would end h='],
    [{ identity: 'a@other.example' }, 'bad-option', 'i= outside d='],
    [{ expiresIn: 0 }, 'bad-option', 'x= must be after t='],
    [{ bodyLength: -1 }, 'bad-option', 'l= is unsigned'],
    [{ bodyLength: 1000 }, 'body-length', 'l= past the canonicalized body'],
    [{ privateKey: 'not a key' }, 'bad-option', 'not PEM'],
    [{ privateKey: privateKey('ed25519') }, 'key-mismatch', 'an Ed25519 key for rsa-sha256'],
    [{ privateKey: privateKey('rsa512') }, 'key-too-small', 'RFC 8301 §3.2: at least 1024 bits'],
  ] as const)('throws DkimError for %j: %s (%s)', async ([options, code]) => {
    const attempt = signDkim(baseline, { domain: 'signer.example', selector: 'rsa2048', algorithm: 'rsa-sha256', privateKey: privateKey('rsa2048'), ...options } as DkimSignOptions);
    await expect(attempt).rejects.toBeInstanceOf(DkimError);
    await expect(attempt).rejects.toMatchObject({ code, message: expect.stringMatching(/^dkim: /) });
  });

  test.for([
    ['From: a@signer.example\r\nFrom: b@signer.example\r\n\r\nbody\r\n', 'no-from', 'two From fields'],
    ['To: b@receiver.example\r\n\r\nbody\r\n', 'no-from', 'no From field'],
    ['not a header\r\n\r\n', 'malformed-message', 'an unreadable header'],
  ] as const)('refuses to sign %j: %s (%s)', async ([text, code]) => {
    await expect(signDkim(Buffer.from(text), { domain: 'signer.example', selector: 'rsa2048', algorithm: 'rsa-sha256', privateKey: privateKey('rsa2048') })).rejects.toMatchObject({ name: 'DkimError', code });
  });
});
