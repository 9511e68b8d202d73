import { pathToFileURL } from 'node:url';
import { authenticate, DnsError, type AuthenticationReport } from 'authgate';
import { describe, expect, test } from 'vitest';
import type { DnsObservation } from '../src/dns-observer.js';
import { VerificationThreads } from '../src/verify/threads.js';
import { closedAfterEach } from './helpers/cleanup.js';
import { fixture, fixturePath } from './helpers/fixtures.js';
import { eventually, filterWithSink, startFilter, testZone } from './helpers/filter.js';
import { headerLines, messageFrom, signedBy } from './helpers/messages.js';
import { startSink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

const cleanup = closedAfterEach();

const setup = (overrides: Record<string, unknown>) => filterWithSink(cleanup, overrides);

/** What the filter made of one message: the fields it stamped and its log line's verdicts. */
async function outcome(threads: number, message: Buffer, overrides: Record<string, unknown> = {}) {
  const { sink, filter } = await setup({ auth: { threads }, ...overrides });
  const client = await TestClient.connect(filter.port);
  const reply = await client.sendMail('alice@sender.example', ['bob@authgate.test'], message);
  await client.quit();
  await eventually(() => filter.transactions().length === 1);
  const delivered = sink.delivered[0];
  const stamped = delivered === undefined ? [] : headerLines(delivered.data).filter((line) => /^(Authentication-Results|Received-SPF):/.test(line));
  const { spf, dkim, dmarc, action, spool } = filter.transactions()[0] ?? {};
  const metrics = await (await fetch(`http://127.0.0.1:${filter.server.metricsAddress!.port}/metrics`)).text();
  const dnsQueries = metrics.split('\n').filter((line) => line.startsWith('authgate_smtpd_dns_queries_total{'));
  return { code: reply.code, stamped, verdicts: { spf, dkim, dmarc, action, spool }, dnsQueries };
}

const messages: Array<[string, () => Promise<Buffer>]> = [
  ['a signed message (DKIM and DMARC pass)', () => signedBy('plain.eml')],
  ['a signed message altered after signing (body hash mismatch)', async () => Buffer.from((await signedBy('plain.eml')).toString('latin1').replace(/\r\n\r\n/, '\r\n\r\nAltered. '), 'latin1')],
  ['an unsigned message', () => fixture('smtpd/messages/plain.eml')],
  ['a header section that does not parse', () => fixture('smtpd/messages/broken-header.eml')],
  ['two From fields', () => fixture('smtpd/messages/two-from.eml')],
  ['forged Authentication-Results', () => fixture('smtpd/messages/forged-ar.eml')],
  ['bare LF line ends', () => fixture('smtpd/messages/bare-lf.eml')],
];

describe('auth.threads: verification off the event loop', () => {
  test.for(messages)('%s is stamped and counted the same on a thread as on the event loop', async ([, make]) => {
    const message = await make();
    const onThread = await outcome(1, message);
    const onLoop = await outcome(0, message);
    expect(onThread.code).toBe(250);
    expect(onThread.stamped.length).toBeGreaterThan(0);
    // Every DNS question is counted in /metrics whichever thread asked it.
    expect(onThread.dnsQueries.length).toBeGreaterThan(0);
    expect(onThread).toEqual(onLoop);
  });

  test('a message larger than spool.memoryLimit is read from the spool file by the thread (or the loop), with the same result', async () => {
    const message = await signedBy('plain.eml');
    const threadFromFile = await outcome(1, message, { spool: { memoryLimit: 64 } });
    const loopFromFile = await outcome(0, message, { spool: { memoryLimit: 64 } });
    const held = await outcome(1, message);
    expect(threadFromFile.verdicts.spool).toBe('file');
    expect(held.verdicts.spool).toBe('memory');
    expect(threadFromFile.verdicts.dkim).toEqual([expect.objectContaining({ result: 'pass' })]);
    expect(threadFromFile).toEqual(loopFromFile);
    expect({ ...threadFromFile, verdicts: { ...threadFromFile.verdicts, spool: 'memory' } }).toEqual(held);
  });

  test('the report crosses to the event loop unchanged (plain data, no class instances)', async () => {
    const resolver = await testZone();
    const reports: AuthenticationReport[] = [];
    for (const [, make] of messages) {
      reports.push(await authenticate(await make(), { ip: '127.0.0.1', helo: 'client.example', mailFrom: 'alice@sender.example', authservId: 'authgate.test', resolver }));
    }
    expect(reports.some((report) => report.dkim.some((signature) => signature.result === 'pass'))).toBe(true);
    for (const report of reports) expect(structuredClone(report)).toStrictEqual(report);
  });

  test('a filter whose threads cannot build their resolver does not start listening', async () => {
    const sink = await startSink();
    cleanup.push(() => sink.close());
    const starting = startFilter(sink.port, { auth: { threads: 1 }, dns: { zoneFile: fixturePath('smtpd/threads/malformed-zone.yaml') } });
    await expect(starting).rejects.toThrow(/^smtpd: verification thread failed: /);
  });

  test('a thread that verifies a message in memory uses its own resolver, built from dns.*', async () => {
    // The event loop's resolver knows nothing; the thread's (from dns.zoneFile) knows the zone.
    const sink = await startSink();
    cleanup.push(() => sink.close());
    const empty = { txt: nothing, a: nothing, aaaa: nothing, mx: nothing, ptr: nothing };
    const filter = await startFilter(sink.port, { auth: { threads: 1 } }, { resolver: empty });
    cleanup.push(() => filter.close());
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], await signedBy('plain.eml'))).code).toBe(250);
    await client.quit();
    const [stamped] = headerLines(sink.delivered[0]!.data).filter((line) => line.startsWith('Authentication-Results:'));
    expect(stamped).toMatch(/spf=temperror/);
    expect(stamped).toMatch(/dkim=pass/);
  });
});

async function nothing(name: string): Promise<never> {
  throw new DnsError('TEMPFAIL', 'TXT', name);
}

describe('VerificationThreads', () => {
  const options = { ip: '127.0.0.1', helo: 'client.example', mailFrom: '', authservId: 'authgate.test', now: 0 };
  const owned = (text: string) => {
    const bytes = Buffer.from(text);
    const head = Buffer.allocUnsafeSlow(bytes.length);
    bytes.copy(head);
    return { head };
  };

  function pool(entry: string, count = 1) {
    const lost: Array<{ error: Error; failedMessages: number }> = [];
    const dns: DnsObservation[] = [];
    const threads = new VerificationThreads({
      count,
      setup: { dns: {} },
      onDns: (observation) => dns.push(observation),
      onLost: (error, failedMessages) => lost.push({ error, failedMessages }),
      entry: pathToFileURL(fixturePath(`smtpd/threads/${entry}`)),
    });
    cleanup.push(() => threads.close());
    return { threads, lost, dns };
  }

  test('a thread that dies fails only the message it held; the next message gets a new thread', async () => {
    const { threads, lost, dns } = pool('crash-on-marker.mjs');
    expect(await threads.verify(owned('first'), options)).toEqual({ ok: true, report: { bytes: 5 } });
    const crashed = await threads.verify(owned('crash-thread'), options);
    expect(crashed).toMatchObject({ ok: false, error: expect.objectContaining({ message: 'smtpd: verification thread exited with code 3' }) });
    expect(lost).toEqual([{ error: expect.any(Error), failedMessages: 1 }]);
    expect(await threads.verify(owned('after'), options)).toEqual({ ok: true, report: { bytes: 5 } });
    expect(dns).toHaveLength(2);
  });

  test('messages go to the thread with the fewest in hand, and a crash fails only that thread\'s', async () => {
    const { threads, lost } = pool('crash-on-marker.mjs', 2);
    const results = await Promise.all([threads.verify(owned('crash-thread'), options), threads.verify(owned('second'), options)]);
    expect(results[0]).toMatchObject({ ok: false });
    expect(results[1]).toEqual({ ok: true, report: { bytes: 6 } });
    expect(lost).toHaveLength(1);
  });

  test('a thread that cannot start fails each message, is retried per message, and never spins', async () => {
    const { threads, lost } = pool('cannot-start.mjs');
    await expect(threads.ready()).rejects.toThrow('smtpd: verification thread failed: no resolver for this thread');
    for (let i = 0; i < 2; i++) {
      const result = await threads.verify(owned('message'), options);
      expect(result).toMatchObject({ ok: false, error: expect.objectContaining({ message: 'smtpd: verification thread failed: no resolver for this thread' }) });
    }
    // One loss at construction (no message in hand), then one per message sent.
    expect(lost.map((loss) => loss.failedMessages)).toEqual([0, 1, 1]);
  });

  test('ready() resolves once every thread has built its resolver', async () => {
    const { threads, lost } = pool('crash-on-marker.mjs', 2);
    await expect(threads.ready()).resolves.toBeUndefined();
    expect(lost).toEqual([]);
  });

  test('a request that cannot be posted fails that message only', async () => {
    const { threads } = pool('crash-on-marker.mjs');
    const unclonable = { ...options, helo: (() => 'x') as unknown as string };
    expect(await threads.verify(owned('first'), unclonable)).toMatchObject({ ok: false, error: expect.objectContaining({ name: 'DataCloneError' }) });
    expect(await threads.verify(owned('after'), options)).toEqual({ ok: true, report: { bytes: 5 } });
  });

  test('after close, messages fail at once instead of waiting', async () => {
    const { threads } = pool('crash-on-marker.mjs');
    await threads.close();
    expect(await threads.verify(owned('late'), options)).toMatchObject({ ok: false, error: expect.objectContaining({ message: 'smtpd: verification threads are closed' }) });
  });
});

test('a message the client sends while the thread is busy with others is answered in order', async () => {
  // Ten clients at once through one thread: every message relayed once, stamped for its sender.
  const { sink, filter } = await setup({ auth: { threads: 1 } });
  await Promise.all(Array.from({ length: 10 }, async (_, i) => {
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example', { subject: `n${i}` }))).code).toBe(250);
    await client.quit();
  }));
  expect(sink.delivered).toHaveLength(10);
  const subjects = sink.delivered.map((mail) => headerLines(mail.data).find((line) => line.startsWith('Subject:'))).sort();
  expect(subjects).toEqual(Array.from({ length: 10 }, (_, i) => `Subject: n${i}`).sort());
});
