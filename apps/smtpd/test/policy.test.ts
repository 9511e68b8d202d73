import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixture } from './helpers/fixtures.js';
import { eventually, startFilter, type TestFilter } from './helpers/filter.js';
import { headerLines, messageFrom } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient, type TestReply } from './helpers/smtp-client.js';

let sink: Sink;
const filters = new Map<string, TestFilter>();

beforeAll(async () => {
  sink = await startSink();
});
afterAll(async () => {
  for (const filter of filters.values()) await filter.close();
  await sink.close();
});

/** One filter per configuration, shared by the cases that use it. */
async function filterWith(overrides: Record<string, unknown>): Promise<TestFilter> {
  const key = JSON.stringify(overrides);
  let filter = filters.get(key);
  if (filter === undefined) {
    filter = await startFilter(sink.port, overrides);
    filters.set(key, filter);
  }
  return filter;
}

async function deliver(overrides: Record<string, unknown>, envelopeFrom: string, message: Buffer): Promise<{ reply: TestReply; delivered?: Buffer; filter: TestFilter }> {
  const filter = await filterWith(overrides);
  const before = sink.delivered.length;
  const client = await TestClient.connect(filter.port);
  const reply = await client.sendMail(envelopeFrom, ['bob@authgate.test'], message);
  client.destroy();
  return { reply, filter, ...(sink.delivered.length > before && { delivered: sink.delivered.at(-1)!.data }) };
}

const forgedBank = messageFrom('ceo@bank.example', { subject: 'Wire transfer' });

describe('DMARC policy', () => {
  test.for([
    ['monitor (the default) stamps a DMARC failure and relays it', {}, 250, /^2\.0\.0 /, 'dmarc-fail-reject'],
    ['enforce refuses it with RFC 9989 §7.2 wording, 5.7.26 as SPF failed too (RFC 7372 §4)', { policy: 'enforce' }, 550, /^5\.7\.26 Email rejected per DMARC policy for bank\.example$/, 'dmarc-fail-reject'],
    ['dmarcReject: quarantine marks it instead', { policy: { dmarcReject: 'quarantine' } }, 250, /^2\.0\.0 /, 'dmarc-fail-reject'],
    ['an allow-listed network is never refused', { policy: { dmarcReject: 'reject', allow: { ips: ['127.0.0.0/8'] } } }, 250, /^2\.0\.0 /, 'dmarc-fail-reject'],
  ] as const)('%s', async ([, overrides, code, text, rule]) => {
    const { reply, delivered, filter } = await deliver(overrides, 'ceo@bank.example', forgedBank);
    expect(reply.code).toBe(code);
    expect(reply.text).toMatch(text);
    expect(delivered !== undefined).toBe(code === 250);
    if (delivered !== undefined) expect(headerLines(delivered)[0]).toMatch(/spf=fail .*dmarc=fail \(p=reject .*dis=reject\) header\.from=bank\.example/);
    await eventually(() => filter.transactions().some((t) => t['rule'] === rule));
  });

  test('quarantine disposition with dmarcQuarantine: quarantine adds the configured field', async () => {
    const { reply, delivered } = await deliver({ policy: { dmarcQuarantine: 'quarantine', quarantineHeader: 'X-Spam-Flag: YES' } }, 'x@quarantine.example', messageFrom('x@quarantine.example'));
    expect(reply.code).toBe(250);
    const lines = headerLines(delivered!);
    expect(lines[0]).toMatch(/^Authentication-Results: .*dmarc=fail \(p=quarantine/);
    expect(lines).toContain('X-Spam-Flag: YES');
  });

  test('quarantine disposition with dmarcQuarantine: reject is refused', async () => {
    const { reply } = await deliver({ policy: { dmarcQuarantine: 'reject' } }, 'x@quarantine.example', messageFrom('x@quarantine.example'));
    expect(reply).toMatchObject({ code: 550, text: '5.7.26 Email rejected per DMARC policy for quarantine.example' });
  });

  test('a DMARC failure alone (SPF passed for another domain, no DKIM) is refused with 5.7.1', async () => {
    const { reply } = await deliver({ policy: 'enforce' }, 'alice@sender.example', forgedBank);
    expect(reply).toMatchObject({ code: 550, text: '5.7.1 Email rejected per DMARC policy for bank.example' });
  });

  test('t=y (testing) turns reject into quarantine, which enforce alone does not refuse', async () => {
    const { reply, delivered } = await deliver({ policy: 'enforce' }, 'x@testing.example', messageFrom('x@testing.example'));
    expect(reply.code).toBe(250);
    expect(headerLines(delivered!)[0]).toMatch(/dmarc=fail \(p=reject .*dis=quarantine\)/);
  });

  test('an allow-listed domain that the message authenticated waives the refusal', async () => {
    const overrides = { policy: { dmarcReject: 'reject', allow: { domains: ['.lists.example'] } } };
    const { reply, filter } = await deliver(overrides, 'bounces@lists.example', forgedBank);
    expect(reply.code).toBe(250);
    await eventually(() => filter.transactions().some((t) => t['waived'] === 'domain:lists.example'));
  });

  test('an allow-listed domain that is only claimed (not authenticated) waives nothing', async () => {
    const overrides = { policy: { dmarcReject: 'reject', allow: { domains: ['bank.example'] } } };
    const { reply } = await deliver(overrides, 'ceo@bank.example', forgedBank);
    expect(reply.code).toBe(550);
  });
});

describe('SPF at MAIL FROM', () => {
  test('spfFail: reject refuses with 550 5.7.23 (RFC 7372) and the domain\'s explanation', async () => {
    const filter = await filterWith({ policy: { spfFail: 'reject' } });
    const client = await TestClient.connect(filter.port);
    await client.send('EHLO client.example');
    expect(await client.send('MAIL FROM:<ceo@bank.example>')).toMatchObject({ code: 550, text: '5.7.23 SPF validation failed for bank.example: 127.0.0.1 is not one of our mail servers' });
    expect((await client.send('MAIL FROM:<alice@sender.example>')).code).toBe(250);
    client.destroy();
    await eventually(() => filter.transactions().some((t) => t['rule'] === 'spf-fail' && t['action'] === 'rejected'));
  });

  test.for([
    ['SPF temperror at MAIL FROM: 451 4.7.24', 'x@timeout.example', messageFrom('x@timeout.example'), 451, '4.7.24 Temporary SPF validation error for timeout.example, try again later'],
    ['DMARC temperror at the end of DATA: 451 4.4.3', 'alice@sender.example', messageFrom('x@timeout.example'), 451, '4.4.3 Temporary DNS failure evaluating DMARC policy for timeout.example, try again later'],
  ] as const)('tempError: defer: %s', async ([, envelopeFrom, message, code, text]) => {
    const { reply, delivered } = await deliver({ policy: { tempError: 'defer' } }, envelopeFrom, message);
    expect(reply).toMatchObject({ code, text });
    expect(delivered).toBeUndefined();
  });

  test('tempError: accept (the default) stamps temperror and relays', async () => {
    const { reply, delivered } = await deliver({}, 'x@timeout.example', messageFrom('x@timeout.example'));
    expect(reply.code).toBe(250);
    expect(headerLines(delivered!)[0]).toMatch(/spf=temperror .*dmarc=temperror/);
  });
});

describe('malformed messages', () => {
  test.for([
    ['no From field', 'no-from.eml', /^5\.6\.0 Message is not RFC 5322 compliant: no From field$/],
    ['two From fields', 'two-from.eml', /^5\.6\.0 Message is not RFC 5322 compliant: 2 From fields$/],
    ['a broken header line', 'broken-header.eml', /^5\.6\.0 Message is not RFC 5322 compliant: /],
  ] as const)('malformed: reject refuses %s', async ([, name, text]) => {
    const { reply, delivered } = await deliver({ policy: { malformed: 'reject' } }, 'alice@sender.example', await fixture(`smtpd/messages/${name}`));
    expect(reply.code).toBe(550);
    expect(reply.text).toMatch(text);
    expect(delivered).toBeUndefined();
  });

  test('malformed: accept (the default) relays a broken header with our field on top, bytes untouched', async () => {
    const message = await fixture('smtpd/messages/broken-header.eml');
    const { reply, delivered } = await deliver({}, 'alice@sender.example', message);
    expect(reply.code).toBe(250);
    expect(delivered!.toString()).toMatch(/^Authentication-Results: authgate\.test;/);
    expect(delivered!.subarray(delivered!.length - message.length).equals(message)).toBe(true);
  });

  test('allowMultipleFrom accepts two From fields', async () => {
    const { reply } = await deliver({ policy: { malformed: 'reject', allowMultipleFrom: true } }, 'alice@sender.example', await fixture('smtpd/messages/two-from.eml'));
    expect(reply.code).toBe(250);
  });
});

describe('forged Authentication-Results (RFC 8601 §5)', () => {
  test('a trusted relay keeps its fields', async () => {
    const message = await fixture('smtpd/messages/forged-ar.eml');
    const { delivered } = await deliver({ trustedRelays: ['127.0.0.1'] }, 'alice@sender.example', message);
    expect(delivered!.subarray(delivered!.length - message.length).equals(message)).toBe(true);
  });
});
