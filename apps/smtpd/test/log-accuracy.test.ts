import { describe, expect, test } from 'vitest';
import { hostPort } from '../src/cli/summary.js';
import { problem } from '../src/errors.js';
import { closedAfterEach } from './helpers/cleanup.js';
import { eventually, startFilter, type TestFilter } from './helpers/filter.js';
import { messageFrom } from './helpers/messages.js';
import { startSink, type Sink, type SinkOptions } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

/** The transaction log says what the client was answered, and what the downstream did. */
const cleanup = closedAfterEach();

async function setup(sinkOptions: SinkOptions = {}, overrides: Record<string, unknown> = {}): Promise<{ sink: Sink; filter: TestFilter }> {
  const sink = await startSink(sinkOptions);
  cleanup.push(() => sink.close());
  const filter = await startFilter(sink.port, overrides);
  cleanup.push(() => filter.close());
  return { sink, filter };
}

async function lastTransaction(filter: TestFilter): Promise<Record<string, unknown>> {
  await eventually(() => filter.transactions().length > 0);
  return filter.transactions().at(-1)!;
}

describe('the logged reply is the reply the client got', () => {
  test('a relayed message: 250 2.0.0 on the wire and in the log', async () => {
    const { filter } = await setup();
    const client = await TestClient.connect(filter.port);
    const reply = await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'));
    await client.quit();
    expect(reply.text).toMatch(/^2\.0\.0 Ok: relayed, downstream said: /);
    expect((await lastTransaction(filter))['reply']).toBe(`${reply.code} ${reply.text}`);
  });

  test('a client idle past the DATA timeout: 421 4.4.2 on the wire and in the log', async () => {
    const { filter } = await setup({}, { limits: { dataTimeout: '1s', commandTimeout: '1h' } });
    const client = await TestClient.connect(filter.port);
    expect((await client.openData('alice@sender.example', 'bob@authgate.test')).code).toBe(354);
    client.write('From: <alice@sender.example>\r\n');
    const reply = await client.reply();
    expect(reply).toMatchObject({ code: 421, text: expect.stringMatching(/^4\.4\.2 /) });
    expect(await lastTransaction(filter)).toMatchObject({ action: 'abandoned', reply: `${reply.code} ${reply.text}` });
  });
});

describe('downstream problems', () => {
  test('a 3xx reply to the final dot is not an acceptance: 451 to the client, nothing counted as relayed', async () => {
    const { sink, filter } = await setup({ data: () => ({ code: 354, text: 'more, please' }) });
    const client = await TestClient.connect(filter.port);
    const reply = await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'));
    expect(reply).toMatchObject({ code: 451, text: expect.stringMatching(/^4\.4\.2 /) });
    await client.quit();
    expect(sink.delivered).toHaveLength(0);
    expect(await lastTransaction(filter)).toMatchObject({ action: 'deferred', problem: { code: 'downstream-protocol', message: 'smtpd: unexpected reply to the final dot: 354 more, please' } });
  });

  test('a lost downstream is logged with one package prefix', async () => {
    const { filter } = await setup({ data: () => 'close' });
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(451);
    await client.quit();
    const record = await lastTransaction(filter);
    expect(record).toMatchObject({ problem: { code: 'downstream-lost', message: expect.stringMatching(/^smtpd: /) } });
    expect(JSON.stringify(record)).not.toContain('smtpd: smtpd:');
  });

  test.for([
    ['a detail', 'smtpd: a detail'],
    ['smtpd: already prefixed', 'smtpd: already prefixed'],
  ] as const)('problem(%j) reads %j', ([detail, message]) => {
    expect(problem('internal', detail).message).toBe(message);
  });
});

describe('--check-config addresses', () => {
  test.for([
    ['0.0.0.0', 25, '0.0.0.0:25'],
    ['::', 25, '[::]:25'],
    ['2001:db8::1', 2525, '[2001:db8::1]:2525'],
    ['mx.example', 10025, 'mx.example:10025'],
  ] as const)('%s port %d is %s', ([host, port, expected]) => {
    expect(hostPort(host, port)).toBe(expected);
  });
});
