import { describe, expect, test } from 'vitest';
import { closedAfterEach } from './helpers/cleanup.js';
import { startFilter, type TestFilter } from './helpers/filter.js';
import { messageFrom } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

const cleanup = closedAfterEach();

async function setup(limits: Record<string, unknown>): Promise<{ sink: Sink; filter: TestFilter }> {
  const sink = await startSink();
  cleanup.push(() => sink.close());
  const filter = await startFilter(sink.port, { limits });
  cleanup.push(() => filter.close());
  return { sink, filter };
}

describe('every limit has its reply', () => {
  test('a declared SIZE over the limit: 552 5.3.4 at MAIL FROM (RFC 1870)', async () => {
    const { filter } = await setup({ maxMessageSize: '64k' });
    const client = await TestClient.connect(filter.port);
    expect((await client.send('EHLO client.example')).lines).toContain('SIZE 65536');
    expect(await client.send('MAIL FROM:<alice@sender.example> SIZE=65537')).toMatchObject({ code: 552, text: expect.stringMatching(/^5\.3\.4 /) });
    expect((await client.send('MAIL FROM:<alice@sender.example> SIZE=65536')).code).toBe(250);
    await client.quit();
  });

  test('a message over the limit: 552 5.3.4 after DATA, and nothing relayed', async () => {
    const { sink, filter } = await setup({ maxMessageSize: '64k' });
    const client = await TestClient.connect(filter.port);
    const reply = await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example', { size: 70_000 }));
    expect(reply).toMatchObject({ code: 552, text: '5.3.4 Message size exceeds fixed maximum message size 65536' });
    expect(sink.delivered).toHaveLength(0);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
  });

  test('a header section over the limit: 552 5.3.4', async () => {
    const { sink, filter } = await setup({ maxHeaderSize: '4k' });
    const client = await TestClient.connect(filter.port);
    const message = messageFrom('alice@sender.example', { extra: Array.from({ length: 100 }, (_, i) => `X-Filler-${i}: ${'x'.repeat(60)}`) });
    expect(await client.sendMail('alice@sender.example', ['bob@authgate.test'], message)).toMatchObject({ code: 552, text: '5.3.4 Message header section exceeds 4096 bytes' });
    expect(sink.delivered).toHaveLength(0);
    await client.quit();
  });

  test('recipients beyond the limit: 452 4.5.3 (RFC 5321 §4.5.3.1.10), the accepted ones get the message', async () => {
    const { sink, filter } = await setup({ maxRecipients: 100 });
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    await client.send('MAIL FROM:<alice@sender.example>');
    for (let i = 0; i < 100; i++) expect((await client.send(`RCPT TO:<user${i}@authgate.test>`)).code).toBe(250);
    expect(await client.send('RCPT TO:<user100@authgate.test>')).toMatchObject({ code: 452, text: expect.stringMatching(/^4\.5\.3 /) });
    expect((await client.data(messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    expect(sink.delivered[0]!.to).toHaveLength(100);
  });

  test('connections in total: 421 beyond the limit', async () => {
    const { filter } = await setup({ maxConnections: 2 });
    const first = await TestClient.connect(filter.port);
    const second = await TestClient.connect(filter.port);
    const third = await TestClient.connect(filter.port);
    expect(third.greeting).toMatchObject({ code: 421, text: '4.3.2 Too many connections, try again later' });
    await third.closedByServer();
    await first.quit();
    await second.quit();
  });

  test('connections from one address: 421 4.7.0 beyond the limit, others unaffected', async () => {
    const { filter } = await setup({ maxConnectionsPerIp: 2 });
    const first = await TestClient.connect(filter.port);
    const second = await TestClient.connect(filter.port);
    const third = await TestClient.connect(filter.port);
    expect(third.greeting).toMatchObject({ code: 421, text: '4.7.0 Too many connections from 127.0.0.1, try again later' });
    await third.closedByServer();
    await first.quit();
    const fourth = await TestClient.connect(filter.port);
    expect(fourth.greeting!.code).toBe(220);
    await fourth.quit();
    await second.quit();
  });

  test('an idle client: 421 after the command timeout', async () => {
    const { filter } = await setup({ commandTimeout: '1s' });
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    expect(await client.reply()).toMatchObject({ code: 421, text: expect.stringMatching(/Timeout/) });
    await client.closedByServer();
  });

  test('a client that stalls in DATA: 421 after the data timeout, and nothing relayed', async () => {
    const { sink, filter } = await setup({ dataTimeout: '1s', commandTimeout: '1h' });
    const client = await TestClient.connect(filter.port);
    expect((await client.openData('alice@sender.example', 'bob@authgate.test')).code).toBe(354);
    client.write('From: <alice@sender.example>\r\nSubject: half\r\n\r\nhalf a mess');
    expect(await client.reply()).toMatchObject({ code: 421 });
    await client.closedByServer();
    expect(sink.delivered).toHaveLength(0);
  });

  test('a command line over the limit ends the session with 421', async () => {
    const { filter } = await setup({ maxLineLength: 512 });
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    expect(await client.send(`MAIL FROM:<${'a'.repeat(600)}@sender.example>`)).toMatchObject({ code: 421, text: expect.stringMatching(/line too long/i) });
    await client.closedByServer();
  });
});
