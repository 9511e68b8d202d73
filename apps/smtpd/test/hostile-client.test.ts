import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, test } from 'vitest';
import { closedAfterEach } from './helpers/cleanup.js';
import { fixturePath } from './helpers/fixtures.js';
import { eventually, filterWithSink } from './helpers/filter.js';
import { headerLines, messageFrom } from './helpers/messages.js';
import { TestClient, type TestReply } from './helpers/smtp-client.js';

/**
 * What a hostile client on port 25 tries, and what it must get: a reply (never a crash or a
 * hang), no way to make the filter believe another client address, no way to slip commands past
 * STARTTLS or the end of DATA, and a downstream session left clean for the next message.
 */
const cleanup = closedAfterEach();

const setup = (overrides: Record<string, unknown> = {}) => filterWithSink(cleanup, overrides);

/** Replies read off a plain or TLS socket, one at a time (`code: 0` once the socket closed). */
function replyReader(socket: net.Socket): () => Promise<TestReply> {
  let buffer = '';
  let lines: string[] = [];
  const ready: TestReply[] = [];
  const waiting: Array<(reply: TestReply) => void> = [];
  const deliver = (reply: TestReply) => (waiting.length > 0 ? waiting.shift()!(reply) : ready.push(reply));
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (let end = buffer.indexOf('\r\n'); end !== -1; end = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      lines.push(line.slice(4));
      if (/^\d{3}(?: |$)/.test(line)) {
        deliver({ code: Number(line.slice(0, 3)), lines, text: line.slice(4) });
        lines = [];
      }
    }
  });
  socket.on('close', () => deliver({ code: 0, lines: [], text: 'closed' }));
  return () => (ready.length > 0 ? Promise.resolve(ready.shift()!) : new Promise((resolve) => waiting.push(resolve)));
}

describe('no one but a trusted proxy decides the client address SPF checks', () => {
  test('a PROXY line on a listener without proxyProtocol is an unknown command; SPF checks the socket address', async () => {
    const { sink, filter } = await setup();
    const client = await TestClient.connect(filter.port);
    expect((await client.send('PROXY TCP4 192.0.2.10 198.51.100.25 50000 25')).code).toBe(500);
    // bank.example allows 192.0.2.0/24 only: from loopback its SPF fails.
    expect((await client.sendMail('ceo@bank.example', ['bob@authgate.test'], messageFrom('ceo@bank.example'))).code).toBe(250);
    await client.quit();
    expect(headerLines(sink.delivered[0]!.data)[0]).toMatch(/spf=fail smtp\.mailfrom=ceo@bank\.example/);
  });

  test.for([
    ['XCLIENT', 'XCLIENT ADDR=192.0.2.10 NAME=mail.bank.example'],
    ['XFORWARD', 'XFORWARD ADDR=192.0.2.10 NAME=mail.bank.example'],
  ] as const)('a client cannot send %s to the filter (Postfix XCLIENT_README: authorized clients only)', async ([verb, line]) => {
    const { sink, filter } = await setup();
    const client = await TestClient.connect(filter.port);
    const ehlo = await client.send('EHLO client.example');
    expect(ehlo.lines.some((keyword) => keyword.toUpperCase().startsWith(verb))).toBe(false);
    expect(await client.send(line)).toMatchObject({ code: 550, text: expect.stringMatching(/^5\.7\.0 /) });
    expect((await client.sendMail('ceo@bank.example', ['bob@authgate.test'], messageFrom('ceo@bank.example'))).code).toBe(250);
    await client.quit();
    expect(headerLines(sink.delivered[0]!.data)[0]).toMatch(/spf=fail smtp\.mailfrom=ceo@bank\.example/);
  });

  test('an IPv6 client on ::1 is checked and traced as IPv6', async () => {
    const { sink, filter } = await setup({ listen: '[::1]:0' });
    const client = await TestClient.connect(filter.port, { host: '::1' });
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    const lines = headerLines(sink.delivered[0]!.data);
    // sender.example allows ip6:::1/128.
    expect(lines[0]).toMatch(/spf=pass smtp\.mailfrom=alice@sender\.example/);
    expect(lines[1]).toMatch(/client-ip="?::1"?;/);
    expect(lines[2]).toMatch(/^Received: from client\.example \(\S+ \[IPv6:::1\]\)/);
  });
});

describe('STARTTLS (RFC 3207)', () => {
  test('plaintext commands pipelined after STARTTLS are discarded, not run inside TLS (§4.2; CVE-2011-0411 class)', async () => {
    const { filter } = await setup({ tls: { starttls: 'optional', cert: fixturePath('smtpd/tls/cert.pem'), key: fixturePath('smtpd/tls/key.pem') } });
    const plain = net.connect(filter.port, '127.0.0.1');
    await once(plain, 'connect');
    const readPlain = replyReader(plain);
    expect((await readPlain()).code).toBe(220);
    plain.write('EHLO client.example\r\n');
    expect((await readPlain()).code).toBe(250);
    plain.write('STARTTLS\r\nMAIL FROM:<injected@sender.example>\r\n');
    expect((await readPlain()).code).toBe(220);
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername: 'mx.authgate.test' });
    await once(secure, 'secureConnect');
    const readSecure = replyReader(secure);
    secure.write('EHLO client.example\r\n');
    const ehlo = await readSecure();
    expect(ehlo.code).toBe(250);
    // §4.2: STARTTLS is not offered again once TLS is up.
    expect(ehlo.lines).not.toContain('STARTTLS');
    // The injected MAIL FROM never took effect: there is no transaction to add a recipient to.
    secure.write('RCPT TO:<bob@authgate.test>\r\n');
    expect((await readSecure()).code).toBe(503);
    secure.write('MAIL FROM:<alice@sender.example>\r\n');
    expect((await readSecure()).code).toBe(250);
    secure.destroy();
    await eventually(() => filter.transactions().length > 0);
    expect(filter.transactions().map((t) => t['from'])).toEqual(['alice@sender.example']);
  });
});

describe('garbage in, replies out', () => {
  test('an unterminated over-long command line is refused before its end arrives (no unbounded buffering)', async () => {
    const { filter } = await setup({ limits: { maxLineLength: 512 } });
    const client = await TestClient.connect(filter.port);
    client.write(`EHLO ${'a'.repeat(100_000)}`);
    expect(await client.reply()).toMatchObject({ code: 421, text: expect.stringMatching(/line too long/i) });
    await client.closedByServer();
  });

  test('a flood of unrecognized commands (NUL and 8-bit octets) ends the session with 421, and the filter serves on', async () => {
    const { filter } = await setup();
    const client = await TestClient.connect(filter.port);
    client.write(Buffer.from('\x00\x01\xffjunk\r\n'.repeat(50), 'latin1'));
    const codes: number[] = [];
    for (let reply = await client.reply(); ; reply = await client.reply()) {
      codes.push(reply.code);
      if (reply.code !== 500) break;
    }
    expect(codes.at(-1)).toBe(421);
    expect(codes.length).toBeLessThanOrEqual(10);
    await client.closedByServer();
    const next = await TestClient.connect(filter.port);
    expect((await next.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await next.quit();
  });

  test('NUL octets in EHLO and in envelope addresses are syntax errors (501)', async () => {
    const { filter } = await setup();
    const client = await TestClient.connect(filter.port);
    expect((await client.send('EHLO cli\u0000ent.example')).code).toBe(501);
    expect((await client.send('EHLO client.example')).code).toBe(250);
    expect(await client.send('MAIL FROM:<alice\u0000@sender.example>')).toMatchObject({ code: 501, text: expect.stringMatching(/^5\.1\.7 /) });
    expect((await client.send('MAIL FROM:<alice@sender.example>')).code).toBe(250);
    expect(await client.send('RCPT TO:<bob\u0000@authgate.test>')).toMatchObject({ code: 501, text: expect.stringMatching(/^5\.1\.3 /) });
    expect((await client.send('RCPT TO:<bob@authgate.test>')).code).toBe(250);
    await client.quit();
  });

  test('1,000 pipelined RCPT: the first 100 are taken, the rest get 452 4.5.3, the message reaches the 100', async () => {
    const { sink, filter } = await setup();
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    const rcpts = Array.from({ length: 1000 }, (_, i) => `RCPT TO:<user${i}@authgate.test>\r\n`).join('');
    client.write(`MAIL FROM:<alice@sender.example>\r\n${rcpts}`);
    expect((await client.reply()).code).toBe(250);
    const replies: TestReply[] = [];
    for (let i = 0; i < 1000; i++) replies.push(await client.reply());
    expect(replies.slice(0, 100).every((reply) => reply.code === 250)).toBe(true);
    expect(replies.slice(100).every((reply) => reply.code === 452 && reply.text.startsWith('4.5.3 '))).toBe(true);
    expect((await client.data(messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    expect(sink.delivered[0]!.to).toEqual(Array.from({ length: 100 }, (_, i) => `user${i}@authgate.test`));
  });

  test('twenty pipelined transactions of 100 recipients, never reading a reply until all are sent, are all answered', async () => {
    // Each accepted RCPT is answered only after the downstream's answer, so the replies of one
    // group wait while the next command is handled; 2,000 of them must still reach the client.
    const { filter } = await setup();
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    const transaction = (n: number) => `MAIL FROM:<alice@sender.example>\r\n${Array.from({ length: 100 }, (_, i) => `RCPT TO:<u${n}.${i}@authgate.test>\r\n`).join('')}RSET\r\n`;
    client.write(Array.from({ length: 20 }, (_, n) => transaction(n)).join(''));
    const codes: number[] = [];
    for (let i = 0; i < 20 * 102; i++) codes.push((await client.reply()).code);
    expect(codes.filter((code) => code === 250)).toHaveLength(20 * 102);
    await client.quit();
  });

  test('a 10 MB header line is refused with 552 5.3.4, and the downstream session is reset and reused', async () => {
    const { sink, filter } = await setup();
    const client = await TestClient.connect(filter.port);
    const huge = Buffer.concat([Buffer.from('From: <alice@sender.example>\r\nX-Huge: '), Buffer.alloc(10 * 1024 * 1024, 'x'), Buffer.from('\r\n\r\nbody\r\n')]);
    expect(await client.sendMail('alice@sender.example', ['bob@authgate.test'], huge)).toMatchObject({ code: 552, text: '5.3.4 Message header section exceeds 1048576 bytes' });
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    expect(sink.delivered).toHaveLength(1);
    expect(sink.sessions).toBe(1);
  });
});

describe('a client that leaves or stalls mid-DATA', () => {
  test.for([
    ['vanishes', {}],
    ['stalls past the data timeout', { limits: { dataTimeout: '1s', commandTimeout: '1h' } }],
  ] as const)('%s: nothing relayed, the downstream transaction is reset and its session reused', async ([how, overrides]) => {
    const { sink, filter } = await setup(overrides);
    const client = await TestClient.connect(filter.port);
    expect((await client.openData('alice@sender.example', 'bob@authgate.test')).code).toBe(354);
    client.write('From: <alice@sender.example>\r\nSubject: half\r\n\r\nhalf a mess');
    if (how === 'vanishes') client.destroy();
    else expect((await client.reply()).code).toBe(421);
    await client.closedByServer();
    await eventually(() => filter.transactions().length > 0);
    expect(filter.transactions()[0]).toMatchObject({ action: 'abandoned', problem: { code: 'client-aborted' } });
    const next = await TestClient.connect(filter.port);
    expect((await next.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example', { subject: 'next' }))).code).toBe(250);
    await next.quit();
    expect(sink.delivered).toHaveLength(1);
    expect(sink.delivered[0]!.data.toString()).toContain('Subject: next');
    expect(sink.sessions).toBe(1);
  });

  test('SIGTERM (drain) while DATA streams: the message finishes and is relayed, then the session gets 421', async () => {
    const { sink, filter } = await setup();
    const client = await TestClient.connect(filter.port);
    expect((await client.openData('alice@sender.example', 'bob@authgate.test')).code).toBe(354);
    client.write('From: <alice@sender.example>\r\nSubject: draining\r\n\r\nfirst half\r\n');
    const drained = filter.server.drain(10_000);
    await eventually(() => filter.logs.some((line) => line['event'] === 'draining'));
    client.write('second half\r\n.\r\n');
    expect((await client.reply()).code).toBe(250);
    expect((await client.reply()).code).toBe(421);
    await expect(drained).resolves.toBe(true);
    expect(sink.delivered).toHaveLength(1);
    expect(sink.delivered[0]!.data.toString()).toContain('first half\r\nsecond half\r\n');
  });
});

describe('SMTP smuggling: only CRLF . CRLF ends DATA', () => {
  test.for([
    ['LF . CRLF', '\n.\r\n'],
    ['CRLF . LF', '\r\n.\n'],
    ['CR . CRLF', '\r.\r\n'],
    ['LF . LF', '\n.\n'],
    ['CRLF . CR', '\r\n.\r'],
  ] as const)('"%s" inside the message is content: one message downstream, client and filter stay in step', async ([, ending]) => {
    const { sink, filter } = await setup();
    const client = await TestClient.connect(filter.port);
    expect((await client.openData('alice@sender.example', 'bob@authgate.test')).code).toBe(354);
    // Written raw, as an attacker would: no dot-stuffing of the would-be terminator.
    const smuggled = `From: <alice@sender.example>\r\nSubject: smuggle\r\n\r\nhello${ending}MAIL FROM:<ceo@bank.example>\r\nRCPT TO:<carol@authgate.test>\r\nDATA\r\nFrom: <ceo@bank.example>\r\n\r\ninjected\r\n.\r\n`;
    client.write(Buffer.from(smuggled, 'latin1'));
    expect((await client.reply()).code).toBe(250);
    expect((await client.send('NOOP')).code).toBe(250);
    await client.quit();
    expect(sink.delivered).toHaveLength(1);
    expect(sink.delivered[0]).toMatchObject({ from: 'alice@sender.example', to: ['bob@authgate.test'] });
    expect(sink.delivered[0]!.data.toString('latin1')).toContain('injected');
  });
});
