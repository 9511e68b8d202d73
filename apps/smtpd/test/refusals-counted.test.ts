import os from 'node:os';
import path from 'node:path';
import type { Resolver } from 'authgate';
import { afterAll, describe, expect, test } from 'vitest';
import { eventually, startFilter, testZone, type TestFilter } from './helpers/filter.js';
import { headerLines, messageFrom } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

/**
 * Issue 7, "every decision is logged" and counted: the refusals smtp-server makes by itself
 * (maxClients, maxRecipients), the size refusals at the end of DATA, and the messages that end
 * without verdicts (a local failure, a client gone).
 */
const sinks: Sink[] = [];
const filters: TestFilter[] = [];
afterAll(async () => {
  for (const filter of filters) await filter.close();
  for (const sink of sinks) await sink.close();
});

async function setup(overrides: Record<string, unknown>, resolver?: Resolver): Promise<{ sink: Sink; filter: TestFilter }> {
  const sink = await startSink();
  sinks.push(sink);
  const filter = await startFilter(sink.port, overrides, resolver === undefined ? {} : { resolver });
  filters.push(filter);
  return { sink, filter };
}

/** The sample lines of one metric, as Prometheus text. */
async function samples(filter: TestFilter, name: string): Promise<string> {
  return filter.server.metrics.registry.getSingleMetricAsString(name);
}

describe('connections refused at limits.maxConnections', () => {
  test('get 421 4.3.2, one log line with the client address and the reason, and refused_limit', async () => {
    const { filter } = await setup({ limits: { maxConnections: 2 } });
    const first = await TestClient.connect(filter.port);
    const second = await TestClient.connect(filter.port);
    const third = await TestClient.connect(filter.port);
    // RFC 3463 X.3.2: the system is not accepting messages for load, not for who the client is.
    expect(third.greeting).toEqual(expect.objectContaining({ code: 421, text: '4.3.2 Too many connections, try again later' }));
    await third.closedByServer();
    const refused = filter.logs.filter((line) => line['event'] === 'connection-refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ ip: '127.0.0.1', port: expect.any(Number), reason: 'max-connections', limit: 2, reply: '421 4.3.2 Too many connections, try again later' });
    expect(await samples(filter, 'authgate_smtpd_connections_total')).toMatch(/\{outcome="refused_limit"\} 1$/m);
    expect(await samples(filter, 'authgate_smtpd_connections_total')).toMatch(/\{outcome="accepted"\} 2$/m);
    await first.quit();
    await second.quit();
  });
});

describe('messages refused for their size are counted by action', () => {
  test('over limits.maxMessageSize: action reject, DKIM and DMARC skipped, logged', async () => {
    const { filter } = await setup({ limits: { maxMessageSize: '64k' } });
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example', { size: 70_000 }))).code).toBe(552);
    await client.quit();
    expect(await samples(filter, 'authgate_smtpd_messages_total')).toMatch(/\{spf="pass",dkim="skipped",dmarc="skipped",action="reject"\} 1$/m);
    await eventually(() => filter.transactions().length === 1);
    expect(filter.transactions()[0]).toMatchObject({ action: 'rejected', rule: 'message-too-large', reply: '552 5.3.4 Message size exceeds fixed maximum message size 65536' });
  });

  test('over limits.maxHeaderSize: action reject with the verdicts reached, logged', async () => {
    const { filter } = await setup({ limits: { maxHeaderSize: '4k' } });
    const client = await TestClient.connect(filter.port);
    const message = messageFrom('alice@sender.example', { extra: Array.from({ length: 100 }, (_, i) => `X-Filler-${i}: ${'x'.repeat(60)}`) });
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], message)).code).toBe(552);
    await client.quit();
    expect(await samples(filter, 'authgate_smtpd_messages_total')).toMatch(/\{spf="pass",dkim="none",dmarc="pass",action="reject"\} 1$/m);
    await eventually(() => filter.transactions().length === 1);
    expect(filter.transactions()[0]).toMatchObject({ action: 'rejected', rule: 'header-too-large' });
  });
});

describe('messages that end without verdicts are counted too', () => {
  test('the spool cannot be written: 451 4.3.0, nothing relayed, action failed in the log and the metrics', async () => {
    // Everything past 0 bytes goes to a file in a directory that does not exist: the disk-full case.
    const missing = path.join(os.tmpdir(), `authgate-no-such-spool-${process.pid}`, 'gone');
    const { sink, filter } = await setup({ spool: { memoryLimit: 0, directory: missing } });
    const client = await TestClient.connect(filter.port);
    const reply = await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'));
    await client.quit();
    expect(reply).toMatchObject({ code: 451, text: expect.stringMatching(/^4\.3\.0 /) });
    expect(sink.delivered).toHaveLength(0);
    await eventually(() => filter.transactions().length === 1);
    expect(filter.transactions()[0]).toMatchObject({ action: 'failed', problem: { code: 'spool-failed' } });
    expect(await samples(filter, 'authgate_smtpd_messages_total')).toMatch(/\{spf="pass",dkim="skipped",dmarc="skipped",action="failed"\} 1$/m);
  });

  test('an unexpected error while handling DATA: 451 4.3.0, logged as internal-error, counted as failed', async () => {
    // The filter's clock is the first thing DATA handling asks; making it throw stands for any bug there.
    let broken = false;
    const sink = await startSink();
    sinks.push(sink);
    const filter = await startFilter(sink.port, {}, {
      now: () => {
        if (broken) throw new Error('clock failure');
        return Date.now();
      },
    });
    filters.push(filter);
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    await client.send('MAIL FROM:<alice@sender.example>');
    expect((await client.send('RCPT TO:<bob@authgate.test>')).code).toBe(250);
    broken = true;
    // Larger than the stream's buffers: nothing may stop reading it, or the final dot is never seen.
    const reply = await client.data(messageFrom('alice@sender.example', { size: 300_000 }));
    broken = false;
    await client.quit();
    expect(reply).toMatchObject({ code: 451, text: expect.stringMatching(/^4\.3\.0 /) });
    expect(sink.delivered).toHaveLength(0);
    expect(filter.logs.some((line) => line['event'] === 'internal-error')).toBe(true);
    expect(await samples(filter, 'authgate_smtpd_messages_total')).toMatch(/\{spf="pass",dkim="skipped",dmarc="skipped",action="failed"\} 1$/m);
  });

  test('a client that leaves during DATA: action abandoned in the log and the metrics', async () => {
    const { sink, filter } = await setup({});
    const client = await TestClient.connect(filter.port);
    expect((await client.openData('alice@sender.example', 'bob@authgate.test')).code).toBe(354);
    client.write('From: <alice@sender.example>\r\nSubject: half\r\n\r\nhalf a mess');
    client.destroy();
    await eventually(() => filter.transactions().length === 1);
    expect(filter.transactions()[0]).toMatchObject({ action: 'abandoned' });
    expect(await samples(filter, 'authgate_smtpd_messages_total')).toMatch(/\{spf="pass",dkim="skipped",dmarc="skipped",action="abandoned"\} 1$/m);
    expect(sink.delivered).toHaveLength(0);
  });
});

/** A session with MAIL FROM and `accepted` recipients u0.. accepted (RCPTs pipelined, RFC 2920). */
async function openTransaction(filter: TestFilter, accepted: number): Promise<TestClient> {
  const client = await TestClient.connect(filter.port);
  await client.send('EHLO client.example');
  expect((await client.send('MAIL FROM:<alice@sender.example>')).code).toBe(250);
  client.write(Array.from({ length: accepted }, (_, i) => `RCPT TO:<u${i}@authgate.test>\r\n`).join(''));
  for (let i = 0; i < accepted; i++) expect((await client.reply()).code).toBe(250);
  return client;
}

describe('RCPT refused past limits.maxRecipients', () => {
  test('452 4.5.3, counted as too_many and listed in the transaction log line', async () => {
    const { sink, filter } = await setup({ limits: { maxRecipients: 100 } });
    const client = await openTransaction(filter, 100);
    expect(await client.send('RCPT TO:<u100@authgate.test>')).toMatchObject({ code: 452, text: '4.5.3 Too many recipients' });
    expect((await client.data(messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    expect(sink.delivered[0]!.to).toHaveLength(100);
    expect(await samples(filter, 'authgate_smtpd_recipients_total')).toMatch(/\{outcome="too_many"\} 1$/m);
    await eventually(() => filter.transactions().length === 1);
    expect(filter.transactions()[0]).toMatchObject({ action: 'relayed', refused: [{ address: 'u100@authgate.test', reply: '452 4.5.3 Too many recipients' }] });
  });

  test('a flood of refused RCPTs is counted in full but lists only the first 100 in the log line', async () => {
    const { filter } = await setup({ limits: { maxRecipients: 100 } });
    const client = await openTransaction(filter, 100);
    for (let i = 100; i < 203; i++) expect((await client.send(`RCPT TO:<u${i}@authgate.test>`)).code).toBe(452);
    await client.send('RSET');
    await client.quit();
    expect(await samples(filter, 'authgate_smtpd_recipients_total')).toMatch(/\{outcome="too_many"\} 103$/m);
    await eventually(() => filter.transactions().length === 1);
    const line = filter.transactions()[0]!;
    expect(line).toMatchObject({ action: 'abandoned', refusedUnlisted: 3 });
    expect(line['refused']).toHaveLength(100);
  });
});

/** The fixture zone, with 127.0.0.1's PTR name and that name's A records replaced. */
async function withClientName(ptr: string, addresses: string[]): Promise<Resolver> {
  const zone = await testZone();
  return {
    txt: (name) => zone.txt(name),
    a: (name) => (name === ptr ? (addresses.length > 0 ? Promise.resolve(addresses) : zone.a('nxdomain.invalid')) : zone.a(name)),
    aaaa: (name) => zone.aaaa(name),
    mx: (name) => zone.mx(name),
    ptr: (ip) => (ip === '127.0.0.1' ? Promise.resolve([ptr]) : zone.ptr(ip)),
  };
}

describe('our Received field names the client only by a forward-confirmed name (RFC 5321 §4.4)', () => {
  test.for([
    ['the PTR name leads back to the client', ['192.0.2.9', '127.0.0.1'], 'mx.sender.example [127.0.0.1]'],
    ['the PTR name leads elsewhere', ['192.0.2.9'], 'unknown [127.0.0.1]'],
    ['the PTR name does not exist', [], 'unknown [127.0.0.1]'],
  ] as const)('%s', async ([, addresses, tcpInfo]) => {
    const { sink, filter } = await setup({}, await withClientName('mx.sender.example', [...addresses]));
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    const received = headerLines(sink.delivered[0]!.data).find((line) => line.startsWith('Received: from client.example'));
    expect(received).toMatch(new RegExp(`^Received: from client\\.example \\(${tcpInfo.replace(/[.[\]]/g, '\\$&')}\\) by mx\\.authgate\\.test \\(authgate-smtpd\\)`));
  });
});
