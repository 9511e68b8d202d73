import os from 'node:os';
import fc from 'fast-check';
import { parseMessage } from 'authgate';
import { describe, expect, test } from 'vitest';
import { Spool } from '../src/spool.js';
import { composeMessage } from '../src/stamp/compose.js';
import { comparable, forgedFields } from '../src/stamp/forged.js';
import { inspectHeader } from '../src/stamp/inspect.js';
import { locateFields } from '../src/stamp/locate.js';
import { dateTime, receivedField } from '../src/stamp/received.js';
import { fixture } from './helpers/fixtures.js';

const identity = { authservIds: ['authgate.test', 'mx.authgate.test'], hostname: 'mx1.authgate.test' };

async function spoolOf(bytes: Buffer, memoryLimit = 1 << 20): Promise<Spool> {
  const spool = new Spool({ memoryLimit, directory: os.tmpdir() });
  await spool.write(bytes);
  return spool;
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
}

describe('forgedFields (RFC 8601 §5)', () => {
  test('removes what claims to be us or cannot be attributed, keeps what others added', async () => {
    const parsed = parseMessage(await fixture('smtpd/messages/forged-ar.eml'));
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const removals = forgedFields(parsed.message.header, identity);
    expect(removals.map((r) => [r.index, r.reason])).toEqual([
      [0, 'claims-our-authserv-id'], // authgate.test
      [2, 'claims-our-authserv-id'], // AUTHGATE.TEST: ids compare case-insensitively
      [3, 'claims-our-authserv-id'], // an alias
      [4, 'unsupported-version'], // version 2 from someone else
      [5, 'unreadable-authserv-id'], // an unterminated comment and nothing else
      [6, 'claims-our-receiver'], // Received-SPF receiver=authgate.test
      [8, 'unreadable-received-spf'],
    ]);
  });

  test.for([
    ['our id', 'authgate.test; none', true],
    ['our id quoted', '"authgate.test"; none', true],
    ['our id after a comment', '(trust me) authgate.test; spf=pass', true],
    ['our id with a trailing dot', 'authgate.test.; none', true],
    ['our host name', 'mx1.authgate.test; none', true],
    ['another id', 'other.example; spf=pass smtp.mailfrom=a@b.example', false],
    ['a subdomain of ours is not ours', 'evil.authgate.test; none', false],
    ['a version-1 field of someone else', 'other.example 1; none', false],
  ] as const)('A-R with %s', ([, value, removed]) => {
    const fields = [{ name: 'Authentication-Results', key: 'authentication-results', raw: Buffer.from(`Authentication-Results: ${value}\r\n`), value }];
    expect(forgedFields(fields, identity).length > 0).toBe(removed);
  });

  test('EAI: ids compare after A-labels become U-labels', () => {
    expect(comparable('xn--bcher-kva.example')).toBe(comparable('Bücher.example'));
    const value = 'xn--bcher-kva.example; none';
    const fields = [{ name: 'Authentication-Results', key: 'authentication-results', raw: Buffer.from(`Authentication-Results: ${value}\r\n`), value }];
    expect(forgedFields(fields, { authservIds: ['bücher.example'], hostname: 'mx' })).toHaveLength(1);
  });
});

describe('locateFields', () => {
  test('finds each field in a message with bare LF line ends', async () => {
    const bytes = await fixture('smtpd/messages/bare-lf.eml');
    const parsed = parseMessage(bytes);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const layout = locateFields(bytes, parsed.message.header)!;
    expect(layout.spans.map((s) => bytes.subarray(s.start, s.end).toString())).toEqual([
      'Received: from a by b; Thu, 01 Jan 2026 00:00:00 +0000\n',
      'Authentication-Results: authgate.test; spf=pass smtp.mailfrom=a@b.example\n',
      'From: a@b.example\n',
      'Subject: folded\n over two lines\n',
    ]);
    expect(bytes[layout.headerEnd]).toBe(0x0a);
  });

  test('the spans tile the header section, whatever its line ends (property)', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/);
    const text = fc.stringMatching(/^[ -~]{0,30}$/);
    const eol = fc.constantFrom('\r\n', '\n');
    const field = fc.tuple(name, text, fc.array(fc.tuple(text, eol), { maxLength: 2 }), eol).map(
      ([n, v, continuations, end]) => `${n}: ${v}${continuations.map(([c, e]) => `${e} ${c}`).join('')}${end}`,
    );
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), eol, fc.string({ maxLength: 20 }), (fields, blank, body) => {
        const bytes = Buffer.from(`${fields.join('')}${blank}${body}`, 'latin1');
        const parsed = parseMessage(bytes);
        if (!parsed.ok) return;
        const layout = locateFields(bytes, parsed.message.header)!;
        expect(layout).toBeDefined();
        expect(Buffer.concat(layout.spans.map((s) => bytes.subarray(s.start, s.end))).toString('latin1')).toBe(fields.join(''));
        expect(layout.headerEnd).toBe(Buffer.byteLength(fields.join(''), 'latin1'));
      }),
      { numRuns: 500 },
    );
  });
});

describe('composeMessage', () => {
  test('prepends our fields, cuts the forged ones and leaves every other byte as received', async () => {
    const bytes = await fixture('smtpd/messages/forged-ar.eml');
    const spool = await spoolOf(bytes, 64);
    const inspection = await inspectHeader(spool, 4096);
    if (inspection.status !== 'ok') throw new Error(inspection.status);
    const removals = forgedFields(inspection.fields, identity);
    const out = await collect(composeMessage(spool, {
      prepend: ['Authentication-Results: authgate.test; spf=none', 'X-Test: 1'],
      header: { head: inspection.head, layout: inspection.layout, remove: new Set(removals.map((r) => r.index)) },
    }));
    const expected = Buffer.concat([
      Buffer.from('Authentication-Results: authgate.test; spf=none\r\nX-Test: 1\r\n'),
      ...inspection.layout.spans.filter((_, i) => !removals.some((r) => r.index === i)).map((s) => bytes.subarray(s.start, s.end)),
      bytes.subarray(inspection.layout.headerEnd),
    ]);
    expect(out.equals(expected)).toBe(true);
    expect(out.toString()).toContain('Authentication-Results: other.example;\r\n\tdkim=pass header.d=list.example\r\n');
    expect(out.toString()).not.toContain('ceo@bank.example; dkim=pass');
    expect(out.subarray(out.length - 15).toString()).toBe('\r\nPlease pay.\r\n');
    await spool.dispose();
  });

  test('without removals the message follows the new fields byte for byte', async () => {
    const bytes = await fixture('smtpd/messages/plain.eml');
    const spool = await spoolOf(bytes);
    const out = await collect(composeMessage(spool, { prepend: ['X-A: 1'] }));
    expect(out.equals(Buffer.concat([Buffer.from('X-A: 1\r\n'), bytes]))).toBe(true);
    await spool.dispose();
  });
});

describe('inspectHeader', () => {
  test.for([
    ['plain.eml', 'ok'],
    ['broken-header.eml', 'malformed'],
  ] as const)('%s is %s', async ([name, status]) => {
    const spool = await spoolOf(await fixture(`smtpd/messages/${name}`));
    expect((await inspectHeader(spool, 4096)).status).toBe(status);
    await spool.dispose();
  });

  test('counts From fields', async () => {
    const spool = await spoolOf(await fixture('smtpd/messages/two-from.eml'));
    expect(await inspectHeader(spool, 4096)).toMatchObject({ status: 'ok', fromCount: 2 });
    await spool.dispose();
  });

  test('a header section over the limit is too large, even when the message is long', async () => {
    const header = `X-Long: ${'a'.repeat(5000)}\r\nFrom: a@b.example\r\n\r\n`;
    const spool = await spoolOf(Buffer.from(header + 'body\r\n'.repeat(2000)), 1024);
    expect((await inspectHeader(spool, 4096)).status).toBe('too-large');
    expect((await inspectHeader(spool, 8192)).status).toBe('ok');
    await spool.dispose();
  });

  test('the same reading however the message arrived in chunks and wherever the spool file starts (property)', async () => {
    const names = ['plain.eml', 'forged-ar.eml', 'bare-lf.eml', 'two-from.eml', 'broken-header.eml', 'no-from.eml'];
    const messages = await Promise.all(names.map((name) => fixture(`smtpd/messages/${name}`)));
    const located = (header: { layout: unknown; fields: Array<{ raw: Buffer }> }) => ({ layout: header.layout, fields: header.fields.map((f) => f.raw.toString('latin1')) });
    const summary = (inspection: Awaited<ReturnType<typeof inspectHeader>>) =>
      inspection.status === 'ok'
        ? { status: 'ok', ...located(inspection), fromCount: inspection.fromCount }
        : inspection.status === 'malformed'
          ? { status: 'malformed', problem: inspection.problem, salvaged: inspection.salvaged === undefined ? undefined : located(inspection.salvaged) }
          : inspection;
    const expected = await Promise.all(messages.map(async (bytes) => {
      const whole = await spoolOf(bytes);
      const inspection = summary(await inspectHeader(whole, 4096));
      await whole.dispose();
      return inspection;
    }));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: messages.length - 1 }), fc.array(fc.nat({ max: 400 }), { maxLength: 6 }), fc.integer({ min: 16, max: 2048 }), async (which, cuts, memoryLimit) => {
        const bytes = messages[which]!;
        const spool = new Spool({ memoryLimit, directory: os.tmpdir() });
        let at = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          await spool.write(bytes.subarray(at, Math.max(at, cut)));
          at = Math.max(at, cut);
        }
        await spool.write(bytes.subarray(at));
        expect(summary(await inspectHeader(spool, 4096))).toEqual(expected[which]);
        await spool.dispose();
      }),
      { numRuns: 200 },
    );
  });

  test('a message that is all header is fine', async () => {
    const spool = await spoolOf(Buffer.from('From: a@b.example\r\nSubject: no body\r\n'));
    expect(await inspectHeader(spool, 4096)).toMatchObject({ status: 'ok', fromCount: 1 });
    await spool.dispose();
  });
});

describe('receivedField (RFC 5321 §4.4)', () => {
  test('the Time-stamp-line with TLS, one recipient and a PTR name', () => {
    expect(receivedField({
      helo: 'mail.sender.example', ip: '192.0.2.1', hostname: 'out.sender.example', by: 'mx.authgate.test', protocol: 'ESMTPS',
      id: 'abc.1', recipients: ['bob@authgate.test'], tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }, date: new Date(Date.UTC(2026, 0, 1, 12, 0, 5)),
    })).toBe(
      'Received: from mail.sender.example (out.sender.example [192.0.2.1])\r\n' +
      '\tby mx.authgate.test (authgate-smtpd) with ESMTPS id abc.1\r\n' +
      '\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n' +
      '\tfor <bob@authgate.test>;\r\n' +
      '\tThu, 01 Jan 2026 12:00:05 +0000',
    );
  });

  test('no PTR name, an IPv6 client, a HELO that is not a domain, several recipients', () => {
    const field = receivedField({ helo: 'bad helo(x)', ip: '2001:db8::1', by: 'mx', protocol: 'ESMTP', id: 'x.2', recipients: ['a@x', 'b@x'], date: new Date(0) });
    expect(field).toBe('Received: from [IPv6:2001:db8::1] (unknown [IPv6:2001:db8::1])\r\n\tby mx (authgate-smtpd) with ESMTP id x.2;\r\n\tThu, 01 Jan 1970 00:00:00 +0000');
  });

  test('date-time is RFC 5322 §3.3', () => {
    expect(dateTime(new Date(Date.UTC(2030, 11, 31, 23, 59, 59)))).toBe('Tue, 31 Dec 2030 23:59:59 +0000');
  });
});
