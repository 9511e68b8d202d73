import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import type { ConfigResult } from '../src/config/validate.js';
import { validateConfig } from '../src/config/validate.js';
import { mergeLayers } from '../src/config/load.js';
import { handleSignals } from '../src/signals.js';
import { closedAfterEach } from './helpers/cleanup.js';
import { eventually, filterWithSink, type TestFilter } from './helpers/filter.js';
import { messageFrom } from './helpers/messages.js';
import type { SinkOptions } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

const cleanup = closedAfterEach();

const setup = (overrides: Record<string, unknown> = {}, sinkOptions: SinkOptions = {}) => filterWithSink(cleanup, overrides, sinkOptions);

async function get(filter: TestFilter, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${filter.server.metricsAddress!.port}${path}`);
  return { status: response.status, body: await response.text() };
}

/** The configuration the test filter runs with, changed by `overrides`. */
function configWith(filter: TestFilter, overrides: Record<string, unknown>): ConfigResult {
  const current = filter.server.config;
  return validateConfig(mergeLayers([{
    hostname: current.hostname, authservId: current.authservId, domains: current.domains, listen: '127.0.0.1:0',
    relay: { address: `${current.relay.host}:${current.relay.port}` }, metrics: { listen: 'off' },
  }, overrides]));
}

describe('metrics and health', () => {
  test('/metrics counts messages by verdict and action, connections, DNS queries and relay latency', async () => {
    const { filter } = await setup();
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test', 'x@elsewhere.example'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    const { status, body } = await get(filter, '/metrics');
    expect(status).toBe(200);
    expect(body).toMatch(/authgate_smtpd_messages_total\{spf="pass",dkim="none",dmarc="pass",action="accept"\} 1/);
    expect(body).toMatch(/authgate_smtpd_mail_from_total\{spf="pass",action="accept"\} 1/);
    expect(body).toMatch(/authgate_smtpd_recipients_total\{outcome="accepted"\} 1/);
    expect(body).toMatch(/authgate_smtpd_recipients_total\{outcome="relay_denied"\} 1/);
    expect(body).toMatch(/authgate_smtpd_connections_total\{outcome="accepted"\} 1/);
    expect(body).toMatch(/authgate_smtpd_dns_queries_total\{type="TXT",outcome="ok"\} \d+/);
    expect(body).toMatch(/authgate_smtpd_dns_query_duration_seconds_count\{type="TXT"\} \d+/);
    expect(body).toMatch(/authgate_smtpd_relay_duration_seconds_count\{outcome="2xx"\} 1/);
    expect(body).toMatch(/authgate_smtpd_process_resident_memory_bytes/);
  });

  test('/health is 200 while accepting mail and 503 once draining', async () => {
    const { filter } = await setup();
    expect(await get(filter, '/health')).toMatchObject({ status: 200, body: expect.stringContaining('"status":"ok"') });
    expect((await get(filter, '/nowhere')).status).toBe(404);
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    await client.send('MAIL FROM:<alice@sender.example>');
    const draining = filter.server.drain(5_000);
    await eventually(() => filter.logs.some((line) => line['event'] === 'draining'));
    expect(await get(filter, '/health')).toMatchObject({ status: 503, body: expect.stringContaining('"status":"draining"') });
    await client.send('RCPT TO:<bob@authgate.test>');
    await client.data(messageFrom('alice@sender.example'));
    await client.quit();
    await draining;
  });
});

describe('SIGTERM: drain', () => {
  test('a transaction in flight finishes, an idle session gets 421, new connections are refused', async () => {
    const { sink, filter } = await setup();
    const idle = await TestClient.connect(filter.port);
    await idle.send('EHLO idle.example');
    const busy = await TestClient.connect(filter.port);
    await busy.send('EHLO busy.example');
    await busy.send('MAIL FROM:<alice@sender.example>');
    const drained = filter.server.drain(10_000);
    expect(await idle.reply()).toMatchObject({ code: 421, text: '4.3.2 Service shutting down, try again later' });
    expect((await busy.send('RCPT TO:<bob@authgate.test>')).code).toBe(250);
    expect((await busy.data(messageFrom('alice@sender.example'))).code).toBe(250);
    expect(await busy.reply()).toMatchObject({ code: 421 });
    await expect(drained).resolves.toBe(true);
    expect(sink.delivered).toHaveLength(1);
    await expect(TestClient.connect(filter.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  test('past the deadline the remaining sessions are cut with 421, and no message is half-relayed', async () => {
    const { sink, filter } = await setup();
    const slow = await TestClient.connect(filter.port);
    await slow.send('EHLO slow.example');
    await slow.send('MAIL FROM:<alice@sender.example>');
    await slow.send('RCPT TO:<bob@authgate.test>');
    await slow.send('DATA');
    slow.write('From: <alice@sender.example>\r\n\r\nunfinished');
    await expect(filter.server.drain(300)).resolves.toBe(false);
    expect(await slow.reply()).toMatchObject({ code: 421 });
    expect(sink.delivered).toHaveLength(0);
  });

  test('handleSignals: SIGTERM drains, then exits 0', async () => {
    const { sink, filter } = await setup();
    const target = new EventEmitter();
    const exited = new Promise<number>((resolve) => handleSignals({ server: filter.server, reloadConfig: async () => configWith(filter, {}), exit: resolve, target: target as unknown as NodeJS.Process }));
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO x.example');
    await client.send('MAIL FROM:<alice@sender.example>');
    target.emit('SIGTERM');
    await client.send('RCPT TO:<bob@authgate.test>');
    expect((await client.data(messageFrom('alice@sender.example'))).code).toBe(250);
    await expect(exited).resolves.toBe(0);
    expect(sink.delivered).toHaveLength(1);
  });

  test('handleSignals: a second SIGTERM exits at once with 1', async () => {
    const { filter } = await setup();
    const target = new EventEmitter();
    const codes: number[] = [];
    handleSignals({ server: filter.server, reloadConfig: async () => configWith(filter, {}), exit: (code) => codes.push(code), target: target as unknown as NodeJS.Process });
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO x.example');
    await client.send('MAIL FROM:<alice@sender.example>');
    target.emit('SIGTERM');
    target.emit('SIGTERM');
    expect(codes).toEqual([1]);
    client.destroy();
  });
});

describe('SIGHUP: reload', () => {
  test('a valid configuration applies to the next command of an open session', async () => {
    const { filter } = await setup();
    const target = new EventEmitter();
    let next: ConfigResult = configWith(filter, { domains: ['authgate.test', 'added.example'] });
    handleSignals({ server: filter.server, reloadConfig: async () => next, exit: () => undefined, target: target as unknown as NodeJS.Process });
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    await client.send('MAIL FROM:<alice@sender.example>');
    expect((await client.send('RCPT TO:<x@added.example>')).code).toBe(550);
    target.emit('SIGHUP');
    await eventually(() => filter.logs.some((line) => line['event'] === 'reloaded'));
    expect((await client.send('RCPT TO:<x@added.example>')).code).toBe(250);
    next = { ok: false, problems: [{ code: 'config-required', path: 'domains', message: 'list the recipient domains' }] };
    target.emit('SIGHUP');
    await eventually(() => filter.logs.some((line) => line['event'] === 'reload-refused'));
    expect((await client.send('RCPT TO:<y@added.example>')).code).toBe(250);
    expect(filter.logs.find((line) => line['event'] === 'reload-refused')).toMatchObject({ level: 'error', msg: expect.stringContaining('domains: list the recipient domains [config-required]') });
    const metrics = await get(filter, '/metrics');
    expect(metrics.body).toMatch(/authgate_smtpd_config_reloads_total\{outcome="applied"\} 1/);
    expect(metrics.body).toMatch(/authgate_smtpd_config_reloads_total\{outcome="refused"\} 1/);
    await client.quit();
  });

  test.for([
    ['nothing that needs a restart', {}, []],
    ['DNS servers (the resolver is built once, by the caller)', { dns: { servers: ['192.0.2.53'] } }, ['dns']],
    ['the DNS timeout', { dns: { timeout: '1s' } }, ['dns']],
    ['a listen address', { listen: '127.0.0.1:1' }, ['listen']],
    ['the number of verification threads (started once)', { auth: { threads: 2 } }, ['auth.threads']],
    ['the DMARC mode (given with each message)', { auth: { dmarcMode: 'rfc7489' } }, []],
  ] as const)('a reload changing %s reports it and warns in the log', async ([, overrides, expected]) => {
    const { filter } = await setup();
    const result = configWith(filter, {});
    const changed = configWith(filter, overrides);
    if (!result.ok || !changed.ok) throw new Error('test configuration invalid');
    filter.server.reload(result.config);
    const outcome = filter.server.reload(changed.config);
    expect(outcome).toEqual({ restartNeeded: expected.length > 0, restartNeededFor: expected });
    expect(filter.logs.filter((line) => line['event'] === 'reloaded').at(-1)).toMatchObject({
      level: expected.length > 0 ? 'warn' : 'info', restartNeeded: expected.length > 0, restartNeededFor: expected,
    });
  });

  test('reloaded limits apply to new connections without dropping existing ones', async () => {
    const { filter } = await setup();
    const open = await TestClient.connect(filter.port);
    await open.send('EHLO client.example');
    const next = configWith(filter, { limits: { maxConnectionsPerIp: 1 } });
    if (!next.ok) throw new Error('test config');
    filter.server.reload(next.config);
    const refused = await TestClient.connect(filter.port);
    expect(refused.greeting!.code).toBe(421);
    expect((await open.send('NOOP')).code).toBe(250);
    await open.quit();
  });
});
