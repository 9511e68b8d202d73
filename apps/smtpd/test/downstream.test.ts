import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { formatProxyHeader } from '../src/proxy/header.js';
import type { Resolver } from 'authgate';
import { closedAfterEach } from './helpers/cleanup.js';
import { eventually, startFilter, testZone, type TestFilter } from './helpers/filter.js';
import { messageFrom } from './helpers/messages.js';
import { startSink, type Sink, type SinkOptions } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

const cleanup = closedAfterEach();

async function setup(sinkOptions: SinkOptions, overrides: Record<string, unknown> = {}): Promise<{ sink: Sink; filter: TestFilter }> {
  const sink = await startSink(sinkOptions);
  cleanup.push(() => sink.close());
  const filter = await startFilter(sink.port, overrides);
  cleanup.push(() => filter.close());
  return { sink, filter };
}

async function send(filter: TestFilter, to = ['bob@authgate.test'], options: { preamble?: Buffer } = {}) {
  const client = await TestClient.connect(filter.port, options);
  const reply = await client.sendMail('alice@sender.example', to, messageFrom('alice@sender.example'));
  client.destroy();
  return reply;
}

/** A resolver's methods bound to it, so that single methods can be replaced. */
function bind(resolver: Resolver): Resolver {
  return { txt: (n) => resolver.txt(n), a: (n) => resolver.a(n), aaaa: (n) => resolver.aaaa(n), mx: (n) => resolver.mx(n), ptr: (ip) => resolver.ptr(ip) };
}

/** A port where nothing listens. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the downstream decides, the client hears it', () => {
  test('downstream down: 451 at MAIL FROM, the client keeps the message', async () => {
    const filter = await startFilter(await deadPort());
    cleanup.push(() => filter.close());
    expect(await send(filter)).toMatchObject({ code: 451, text: '4.4.1 Downstream server unavailable, try again later' });
    await eventually(() => filter.transactions().length > 0);
    expect(filter.transactions()[0]).toMatchObject({ action: 'deferred', problem: { code: 'downstream-unavailable' } });
  });

  test.for([
    ['4xx to MAIL (greylisting)', { mail: () => ({ code: 451, text: 'Greylisted, come back later' }) }, 451, '4.3.0 Greylisted, come back later'],
    ['5xx to MAIL', { mail: () => ({ code: 553, text: 'Sender refused' }) }, 553, '5.1.3 Sender refused'],
    ['a reply to MAIL out of protocol (RFC 5321 §4.3.2)', { mail: () => ({ code: 354, text: 'Go ahead' }) }, 451, '4.4.2 Downstream server answered out of protocol, try again later'],
    ['4xx to RCPT', { rcpt: () => ({ code: 452, text: 'Mailbox full' }) }, 452, '4.2.2 Mailbox full'],
    ['5xx to the message', { data: () => ({ code: 554, text: 'Message refused by content filter' }) }, 554, '5.6.0 Message refused by content filter'],
    ['4xx to the message', { data: () => ({ code: 451, text: 'Local error' }) }, 451, '4.3.0 Local error'],
  ] as const)('%s is passed on', async ([, sinkOptions, code, text]) => {
    const { sink, filter } = await setup(sinkOptions);
    expect(await send(filter)).toMatchObject({ code, text });
    expect(sink.delivered).toHaveLength(0);
  });

  test.for([
    ['with PIPELINING', false],
    ['without PIPELINING', true],
  ] as const)('a refusal of MAIL, read at the first RCPT, answers every RCPT (%s); the session stays clean for the next transaction', async ([, hidePipelining]) => {
    let refuse = true;
    const { sink, filter } = await setup({ hidePipelining, mail: () => (refuse ? { code: 553, text: 'Sender refused' } : undefined) });
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    expect((await client.send('MAIL FROM:<alice@sender.example>')).code).toBe(250);
    expect(await client.send('RCPT TO:<bob@authgate.test>')).toMatchObject({ code: 553, text: '5.1.3 Sender refused' });
    expect(await client.send('RCPT TO:<carol@authgate.test>')).toMatchObject({ code: 553, text: '5.1.3 Sender refused' });
    expect((await client.send('DATA')).code).toBe(503);
    expect((await client.send('RSET')).code).toBe(250);
    refuse = false;
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    expect(sink.delivered.map((d) => d.to)).toEqual([['bob@authgate.test']]);
    expect(sink.sessions).toBe(1);
  });

  test('a downstream that never answers MAIL: the client hears 451 at RCPT after the command timeout', async () => {
    const { sink, filter } = await setup({ mail: () => 'hang' }, { relay: { commandTimeout: '300ms' } });
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    expect((await client.send('MAIL FROM:<alice@sender.example>')).code).toBe(250);
    expect(await client.send('RCPT TO:<bob@authgate.test>')).toMatchObject({ code: 451, text: '4.4.2 Downstream server timed out, try again later' });
    expect((await client.send('DATA')).code).toBe(503);
    await client.quit();
    expect(sink.delivered).toHaveLength(0);
  });

  test('a downstream 421 (closing its session) reaches the client as 451, which keeps its session', async () => {
    const { filter } = await setup({ rcpt: (address) => (address.startsWith('first@') ? { code: 421, text: 'Service shutting down' } : undefined) });
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    await client.send('MAIL FROM:<alice@sender.example>');
    expect(await client.send('RCPT TO:<first@authgate.test>')).toMatchObject({ code: 451, text: '4.4.2 Service shutting down' });
    expect((await client.send('RSET')).code).toBe(250);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
  });

  test('a downstream that never answers the final dot: 451, nothing marked delivered', async () => {
    const { sink, filter } = await setup({ data: () => 'hang' }, { relay: { dataTimeout: '500ms' } });
    expect(await send(filter)).toMatchObject({ code: 451, text: '4.4.2 Downstream server timed out, try again later' });
    expect(sink.delivered).toHaveLength(0);
    await eventually(() => filter.transactions().length > 0);
    expect(filter.transactions()[0]).toMatchObject({ action: 'deferred', problem: { code: 'downstream-timeout' } });
  });

  test('a downstream that drops the connection mid-DATA: 451', async () => {
    const { sink, filter } = await setup({ data: () => 'close' });
    expect(await send(filter)).toMatchObject({ code: 451, text: '4.4.2 Connection to the downstream server lost, try again later' });
    expect(sink.delivered).toHaveLength(0);
  });

  test('a downstream that never answers RCPT: 451 after the command timeout', async () => {
    const { filter } = await setup({ rcpt: () => 'hang' }, { relay: { commandTimeout: '300ms' } });
    expect(await send(filter)).toMatchObject({ code: 451, text: '4.4.2 Downstream server timed out, try again later' });
  });

  test('downstream sessions are reused between messages, and a broken one is not', async () => {
    let failNext = false;
    const { sink, filter } = await setup({ data: () => (failNext ? 'close' : undefined) });
    for (let i = 0; i < 3; i++) expect((await send(filter)).code).toBe(250);
    expect(sink.sessions).toBe(1);
    failNext = true;
    expect((await send(filter)).code).toBe(451);
    failNext = false;
    expect((await send(filter)).code).toBe(250);
    expect(sink.sessions).toBe(2);
    expect(sink.delivered).toHaveLength(4);
  });

  test('under concurrent load, sessions beyond maxIdle linger for the next transaction instead of reopening', async () => {
    const { sink, filter } = await setup({}, { relay: { maxIdle: 1 } });
    const clients = 4;
    const sendThree = async () => {
      const client = await TestClient.connect(filter.port);
      for (let i = 0; i < 3; i++) expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
      await client.quit();
    };
    await Promise.all(Array.from({ length: clients }, sendThree));
    expect(sink.delivered).toHaveLength(clients * 3);
    // Never more sessions than transactions at once; those beyond maxIdle close after the linger.
    expect(sink.sessions).toBeLessThanOrEqual(clients);
    await eventually(() => sink.openSessions() === 1, 5_000);
  });

  test('maxIdle 0 turns reuse off', async () => {
    const { sink, filter } = await setup({}, { relay: { maxIdle: 0 } });
    for (let i = 0; i < 2; i++) expect((await send(filter)).code).toBe(250);
    expect(sink.sessions).toBe(2);
  });

  test('a client that leaves while SPF is still being asked leaves no downstream transaction open', async () => {
    const sink = await startSink();
    cleanup.push(() => sink.close());
    const zone = await testZone();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = { ...bind(zone), txt: async (name: string) => { await gate; return zone.txt(name); } };
    const filter = await startFilter(sink.port, {}, { resolver: slow });
    cleanup.push(() => filter.close());
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    client.write('MAIL FROM:<alice@sender.example>\r\n');
    await eventually(() => sink.sessions === 1);
    client.destroy();
    await client.closedByServer();
    release();
    await eventually(() => filter.transactions().some((t) => t['action'] === 'abandoned'));
    expect((await send(filter)).code).toBe(250);
    expect(sink.sessions).toBe(1);
  });

  test('a pooled session the downstream dropped is replaced once, unseen by the client', async () => {
    let mails = 0;
    const { sink, filter } = await setup({ mail: () => (++mails === 2 ? 'close' : undefined) });
    expect((await send(filter)).code).toBe(250);
    expect((await send(filter)).code).toBe(250);
    expect(sink.sessions).toBe(2);
    expect(sink.delivered).toHaveLength(2);
  });

  test('STARTTLS to the downstream when it offers it', async () => {
    const { sink, filter } = await setup({ tls: true });
    expect((await send(filter)).code).toBe(250);
    expect(sink.delivered[0]!.secure).toBe(true);
  });

  test('relay.tls off stays in plaintext', async () => {
    const { sink, filter } = await setup({ tls: true }, { relay: { tls: 'off' } });
    expect((await send(filter)).code).toBe(250);
    expect(sink.delivered[0]!.secure).toBe(false);
  });
});

describe('XCLIENT and XFORWARD: the downstream sees the real client', () => {
  const proxied = { listen: [{ address: '127.0.0.1:0', proxyProtocol: true }], proxy: { trusted: ['127.0.0.1'] } };
  const preamble = formatProxyHeader({ version: 1, command: 'proxy', source: { address: '192.0.2.44', port: 40000 }, destination: { address: '127.0.0.1', port: 25 } });

  test('XCLIENT: one downstream session per client session, told the client address, HELO and name', async () => {
    const { sink, filter } = await setup({ xclient: true }, { ...proxied, relay: { xclient: true } });
    const client = await TestClient.connect(filter.port, { preamble });
    expect((await client.sendMail('x@bank.example', ['bob@authgate.test'], messageFrom('x@bank.example'), { ehlo: 'out.bank.example' })).code).toBe(250);
    await client.send('MAIL FROM:<x@bank.example>');
    await client.send('RCPT TO:<carol@authgate.test>');
    expect((await client.data(messageFrom('x@bank.example'))).code).toBe(250);
    await client.quit();
    expect(sink.delivered).toHaveLength(2);
    for (const delivered of sink.delivered) {
      expect(delivered.remoteAddress).toBe('192.0.2.44');
      expect(delivered.xclient.get('ADDR')).toBe('192.0.2.44');
      expect(delivered.xclient.get('HELO')).toBe('out.bank.example');
    }
    expect(sink.delivered[0]!.session).toBe(sink.delivered[1]!.session);
    const second = await TestClient.connect(filter.port, { preamble });
    expect((await second.sendMail('x@bank.example', ['bob@authgate.test'], messageFrom('x@bank.example'))).code).toBe(250);
    await second.quit();
    expect(sink.delivered[2]!.session).not.toBe(sink.delivered[0]!.session);
  });

  test('XFORWARD: attributes per transaction on shared sessions', async () => {
    const { sink, filter } = await setup({ xforward: true }, { ...proxied, relay: { xforward: true } });
    expect((await send(filter, ['bob@authgate.test'], { preamble })).code).toBe(250);
    expect(sink.delivered[0]!.xforward.get('ADDR')).toBe('192.0.2.44');
    expect(sink.delivered[0]!.xforward.get('PROTO')).toBe('ESMTP');
  });

  test('a downstream that does not offer XCLIENT defers the mail instead of hiding the client', async () => {
    const { sink, filter } = await setup({}, { relay: { xclient: true } });
    expect(await send(filter)).toMatchObject({ code: 451, text: expect.stringMatching(/^4\.4\.1 /) });
    expect(sink.delivered).toHaveLength(0);
  });
});
