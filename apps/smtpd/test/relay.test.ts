import net from 'node:net';
import { verifyDkim } from 'authgate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixture } from './helpers/fixtures.js';
import { eventually, startFilter, testZone, type TestFilter } from './helpers/filter.js';
import { headerLines, messageFrom, signedBy } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

let sink: Sink;
let filter: TestFilter;

beforeAll(async () => {
  sink = await startSink({
    rcpt: (address) => (address.startsWith('unknown@') ? { code: 550, text: '<unknown@authgate.test>: Recipient address rejected: User unknown' } : undefined),
  });
  filter = await startFilter(sink.port);
});
afterAll(async () => {
  await filter.close();
  await sink.close();
});

describe('receiving', () => {
  test('the EHLO keywords of an inbound MX: PIPELINING, 8BITMIME, SMTPUTF8, SIZE, ENHANCEDSTATUSCODES, no AUTH', async () => {
    const client = await TestClient.connect(filter.port);
    expect(client.greeting).toMatchObject({ code: 220 });
    expect(client.greeting!.text).toMatch(/^mx\.authgate\.test ESMTP/);
    const ehlo = await client.send('EHLO client.example');
    expect(ehlo.lines.slice(1)).toEqual(expect.arrayContaining(['PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'SIZE 52428800']));
    expect(ehlo.lines.some((line) => /^AUTH|^STARTTLS/.test(line))).toBe(false);
    expect(await client.send('AUTH PLAIN AGEAYg==')).toMatchObject({ code: 500 });
    await client.quit();
  });

  test('a message is relayed with our fields on top and every received byte after them', async () => {
    const message = await signedBy('plain.eml');
    const client = await TestClient.connect(filter.port);
    const reply = await client.sendMail('alice@sender.example', ['bob@authgate.test'], message);
    expect(reply.code).toBe(250);
    expect(reply.text).toMatch(/^2\.0\.0 Ok: relayed, downstream said: 2\.\d\.\d Ok: queued as SINK\d+/);
    await client.quit();
    const delivered = sink.delivered.at(-1)!;
    expect(delivered).toMatchObject({ from: 'alice@sender.example', to: ['bob@authgate.test'] });
    const lines = headerLines(delivered.data);
    expect(lines[0]).toMatch(/^Authentication-Results: authgate\.test; spf=pass smtp\.mailfrom=alice@sender\.example; dkim=pass header\.d=sender\.example .*dmarc=pass/);
    expect(lines[1]).toMatch(/^Received-SPF: pass .*receiver=authgate\.test/);
    expect(lines[2]).toMatch(/^Received: from client\.example \(unknown \[127\.0\.0\.1\]\) by mx\.authgate\.test \(authgate-smtpd\) with ESMTP id \S+ for <bob@authgate\.test>;/);
    const ours = delivered.data.indexOf(message.subarray(0, 20));
    expect(delivered.data.subarray(ours).equals(message)).toBe(true);
    const dkim = await verifyDkim(delivered.data, { resolver: await testZone() });
    expect(dkim.map((v) => v.result)).toEqual(['pass']);
  });

  test('one log line per message, with envelope, verdicts, action, downstream reply and timings', async () => {
    await eventually(() => filter.transactions().some((t) => t['action'] === 'relayed'));
    const line = filter.transactions().find((t) => t['action'] === 'relayed')!;
    expect(line).toMatchObject({
      client: { ip: '127.0.0.1', helo: 'client.example' },
      from: 'alice@sender.example',
      to: ['bob@authgate.test'],
      spf: { result: 'pass', domain: 'sender.example' },
      dkim: [{ result: 'pass', domain: 'sender.example', selector: 'sel' }],
      dmarc: { result: 'pass', domain: 'sender.example' },
      downstream: expect.stringMatching(/^250 /),
      reply: expect.stringMatching(/^250 2\.0\.0 Ok: relayed/),
    });
    expect(Object.keys(line['timings'] as object)).toEqual(expect.arrayContaining(['spfMs', 'dataMs', 'authMs', 'relayMs', 'totalMs']));
  });

  test('pipelined commands (RFC 2920) are answered in order', async () => {
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    const message = messageFrom('alice@sender.example', { subject: 'pipelined' });
    client.write('MAIL FROM:<alice@sender.example>\r\nRCPT TO:<bob@authgate.test>\r\nRCPT TO:<nobody@elsewhere.example>\r\nRCPT TO:<carol@authgate.test>\r\nDATA\r\n');
    expect((await client.reply()).code).toBe(250);
    expect((await client.reply()).code).toBe(250);
    expect(await client.reply()).toMatchObject({ code: 550, text: '5.7.1 <nobody@elsewhere.example>: Relay access denied' });
    expect((await client.reply()).code).toBe(250);
    expect((await client.reply()).code).toBe(354);
    client.write(Buffer.concat([message, Buffer.from('.\r\nQUIT\r\n')]));
    expect((await client.reply()).code).toBe(250);
    expect((await client.reply()).code).toBe(221);
    expect(sink.delivered.at(-1)!.to).toEqual(['bob@authgate.test', 'carol@authgate.test']);
  });

  test('the replies to a pipelined MAIL, RCPT and DATA leave in one write, not one system call each', async () => {
    // The chunks of every write the filter makes to its client's socket: net.Socket sends what
    // was written in one turn through _writev, one chunk at a time through _write.
    const writes: string[][] = [];
    const { _write: write, _writev: writev } = net.Socket.prototype;
    const ours = (socket: net.Socket) => socket.localPort === filter.port;
    net.Socket.prototype._write = function (this: net.Socket, chunk, encoding, callback) {
      if (ours(this)) writes.push([String(chunk)]);
      write.call(this, chunk, encoding, callback);
    };
    net.Socket.prototype._writev = function (this: net.Socket, chunks, callback) {
      if (ours(this)) writes.push(chunks.map(({ chunk }) => String(chunk)));
      writev!.call(this, chunks, callback);
    };
    try {
      const client = await TestClient.connect(filter.port);
      await client.send('EHLO client.example');
      client.write('MAIL FROM:<alice@sender.example>\r\nRCPT TO:<bob@authgate.test>\r\nDATA\r\n');
      for (const code of [250, 250, 354]) expect((await client.reply()).code).toBe(code);
      client.write(Buffer.concat([messageFrom('alice@sender.example'), Buffer.from('.\r\n')]));
      expect((await client.reply()).code).toBe(250);
      await client.quit();
    } finally {
      Object.assign(net.Socket.prototype, { _write: write, _writev: writev });
    }
    expect(writes).toContainEqual([expect.stringMatching(/^250 2\.1\.0 /), expect.stringMatching(/^250 2\.1\.5 /), expect.stringMatching(/^354 /)]);
  });

  test('never an open relay: other domains are refused at RCPT, whatever the downstream would take', async () => {
    const client = await TestClient.connect(filter.port);
    const before = sink.delivered.length;
    const reply = await client.sendMail('alice@sender.example', ['victim@elsewhere.example', 'x@authgate.test.evil.example', 'y@[127.0.0.1]'], messageFrom('alice@sender.example'));
    expect(reply).toMatchObject({ code: 550, text: expect.stringMatching(/^5\.7\.1 .*Relay access denied/) });
    expect(await client.send('DATA')).toMatchObject({ code: 503 });
    await client.quit();
    expect(sink.delivered.length).toBe(before);
  });

  test('a recipient the downstream refuses is refused with the downstream reply', async () => {
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    await client.send('MAIL FROM:<alice@sender.example>');
    expect(await client.send('RCPT TO:<unknown@authgate.test>')).toMatchObject({ code: 550, text: '5.1.1 <unknown@authgate.test>: Recipient address rejected: User unknown' });
    expect(await client.send('RCPT TO:<bob@authgate.test>')).toMatchObject({ code: 250 });
    expect((await client.data(messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    expect(sink.delivered.at(-1)!.to).toEqual(['bob@authgate.test']);
  });

  test('postmaster without a domain is accepted (RFC 5321 §4.1.1.3)', async () => {
    const client = await TestClient.connect(filter.port);
    const reply = await client.sendMail('alice@sender.example', ['postmaster'], messageFrom('alice@sender.example'));
    expect(reply.code).toBe(250);
    expect(sink.delivered.at(-1)!.to).toEqual(['postmaster']);
    await client.quit();
  });

  test('the null reverse path (bounces) is relayed, SPF checking the HELO identity', async () => {
    const client = await TestClient.connect(filter.port);
    const reply = await client.sendMail('', ['bob@authgate.test'], messageFrom('mailer-daemon@sender.example'), { ehlo: 'sender.example' });
    expect(reply.code).toBe(250);
    expect(sink.delivered.at(-1)!.from).toBe('');
    expect(headerLines(sink.delivered.at(-1)!.data)[0]).toMatch(/^Authentication-Results: authgate\.test; spf=pass /);
    await client.quit();
  });

  test('RSET in the middle leaves no transaction open downstream, and the next message goes through', async () => {
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    await client.send('MAIL FROM:<alice@sender.example>');
    await client.send('RCPT TO:<bob@authgate.test>');
    expect((await client.send('RSET')).code).toBe(250);
    await client.send('MAIL FROM:<alice@sender.example>');
    await client.send('RCPT TO:<dave@authgate.test>');
    expect((await client.data(messageFrom('alice@sender.example', { subject: 'after RSET' }))).code).toBe(250);
    await client.quit();
    expect(sink.delivered.at(-1)!.to).toEqual(['dave@authgate.test']);
    await eventually(() => filter.transactions().some((t) => t['action'] === 'abandoned'));
  });

  test('SMTPUTF8 and an IDN recipient domain pass through (RFC 6531)', async () => {
    const client = await TestClient.connect(filter.port);
    const message = Buffer.from('From: <jöran@sender.example>\r\nTo: <ünïcode@bücher.example>\r\nSubject: ünïcode\r\n\r\nHej.\r\n');
    const reply = await client.sendMail('jöran@sender.example', ['ünïcode@bücher.example'], message, { mailParameters: ' SMTPUTF8 BODY=8BITMIME' });
    expect(reply.code).toBe(250);
    const delivered = sink.delivered.at(-1)!;
    expect(delivered.from).toBe('jöran@sender.example');
    expect(delivered.to).toEqual(['ünïcode@bücher.example']);
    expect(headerLines(delivered.data)[2]).toMatch(/with UTF8SMTP id/);
    await client.quit();
  });

  test('no SMTP smuggling: bare-LF "end of data" inside a message stays inside it (CVE-2023-51764 class)', async () => {
    const before = sink.delivered.length;
    const client = await TestClient.connect(filter.port);
    const smuggled = 'From: <alice@sender.example>\r\nSubject: smuggle\r\n\r\nhello\n.\nMAIL FROM:<ceo@bank.example>\nRCPT TO:<bob@authgate.test>\nDATA\nFrom: ceo@bank.example\n\ninjected\r.\r\n';
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], Buffer.from(smuggled))).code).toBe(250);
    await client.quit();
    expect(sink.delivered.length).toBe(before + 1);
    const text = sink.delivered.at(-1)!.data.toString();
    expect(text).toContain('MAIL FROM:<ceo@bank.example>');
    expect(text).toContain('injected');
  });

  test('a message with a forged Authentication-Results reaches the downstream without it', async () => {
    const client = await TestClient.connect(filter.port);
    const reply = await client.sendMail('alice@sender.example', ['bob@authgate.test'], await fixture('smtpd/messages/forged-ar.eml'));
    expect(reply.code).toBe(250);
    await client.quit();
    const lines = headerLines(sink.delivered.at(-1)!.data);
    const results = lines.filter((line) => line.startsWith('Authentication-Results:'));
    expect(results).toEqual([expect.stringMatching(/^Authentication-Results: authgate\.test; spf=pass/), 'Authentication-Results: other.example; dkim=pass header.d=list.example']);
    expect(lines.filter((line) => line.startsWith('Received-SPF:'))).toEqual([
      expect.stringMatching(/receiver=authgate\.test/),
      'Received-SPF: neutral (other.example: fine) receiver=other.example; client-ip=192.0.2.2',
    ]);
    await eventually(() => filter.transactions().some((t) => Array.isArray(t['removed'])));
  });
});
