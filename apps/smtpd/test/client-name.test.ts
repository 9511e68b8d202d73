import { ZoneResolver } from 'authgate';
import { afterAll, describe, expect, test } from 'vitest';
import { proxyAttributes } from '../src/relay/client-identity.js';
import { confirmClientName } from '../src/relay/confirm-name.js';
import { startFilter, type TestFilter } from './helpers/filter.js';
import { messageFrom } from './helpers/messages.js';
import { startSink, type Sink } from './helpers/sink.js';
import { TestClient } from './helpers/smtp-client.js';

/** Postfix XCLIENT_README: NAME is a verified name; the unverified one is REVERSE_NAME. */
const zone = {
  'good.example': [{ A: '192.0.2.1' }, { AAAA: '2001:db8::1' }],
  'liar.example': [{ A: '198.51.100.9' }],
  'slow.example': ['TIMEOUT'],
  'sender.example': [{ TXT: 'v=spf1 ip4:127.0.0.0/8 -all' }],
} as const;

describe('confirmClientName', () => {
  const resolver = new ZoneResolver(zone as never);
  test.for([
    ['A record leads back', '192.0.2.1', 'good.example', { confirmed: 'good.example', reverse: 'good.example', tempFail: false }],
    ['AAAA record leads back, written differently', '2001:0db8:0:0::1', 'good.example', { confirmed: 'good.example', reverse: 'good.example', tempFail: false }],
    ['IPv4-mapped IPv6 client', '::ffff:192.0.2.1', 'good.example', { confirmed: 'good.example', reverse: 'good.example', tempFail: false }],
    ['A record elsewhere', '192.0.2.1', 'liar.example', { reverse: 'liar.example', tempFail: false }],
    ['no such name', '192.0.2.1', 'nowhere.example', { reverse: 'nowhere.example', tempFail: false }],
    ['DNS timeout', '192.0.2.1', 'slow.example', { reverse: 'slow.example', tempFail: true }],
    ['no PTR name', '192.0.2.1', undefined, { tempFail: false }],
  ] as const)('%s', async ([, ip, name, expected]) => {
    expect(await confirmClientName(resolver, ip, name)).toEqual(expected);
  });

  test('proxyAttributes: NAME only when confirmed, REVERSE_NAME when offered, [TEMPUNAVAIL] on a DNS timeout', () => {
    const client = { ip: '192.0.2.1', port: 4000, helo: 'h', proto: 'ESMTP' as const };
    const offered = 'NAME REVERSE_NAME ADDR';
    expect(proxyAttributes({ ...client, reverseName: 'liar.example' }, offered, false)).toEqual(['NAME=[UNAVAILABLE]', 'REVERSE_NAME=liar.example', 'ADDR=192.0.2.1']);
    expect(proxyAttributes({ ...client, reverseName: 'slow.example', nameTempFail: true }, offered, false)).toEqual(['NAME=[TEMPUNAVAIL]', 'REVERSE_NAME=slow.example', 'ADDR=192.0.2.1']);
    expect(proxyAttributes({ ...client, hostname: 'good.example', reverseName: 'good.example' }, offered, false)).toEqual(['NAME=good.example', 'REVERSE_NAME=good.example', 'ADDR=192.0.2.1']);
    // XFORWARD has no REVERSE_NAME: a server that does not offer it never gets it.
    expect(proxyAttributes({ ...client, reverseName: 'liar.example' }, 'NAME ADDR', true)).toEqual(['NAME=[UNAVAILABLE]', 'ADDR=192.0.2.1']);
  });
});

describe('the downstream is told a client name only when it is forward-confirmed', () => {
  const sinks: Sink[] = [];
  const filters: TestFilter[] = [];
  afterAll(async () => {
    for (const filter of filters) await filter.close();
    for (const sink of sinks) await sink.close();
  });

  async function nameSeen(verb: 'xclient' | 'xforward', ptr: Record<string, unknown>): Promise<unknown> {
    const sink = await startSink({ [verb]: true });
    sinks.push(sink);
    const resolver = new ZoneResolver({ ...zone, ...ptr } as never);
    const filter = await startFilter(sink.port, { relay: { [verb]: true } }, { resolver });
    filters.push(filter);
    const client = await TestClient.connect(filter.port);
    expect((await client.sendMail('alice@sender.example', ['bob@authgate.test'], messageFrom('alice@sender.example'))).code).toBe(250);
    await client.quit();
    const delivered = sink.delivered.at(-1)!;
    return (verb === 'xclient' ? delivered.xclient : delivered.xforward).get('NAME');
  }

  test.for([
    ['xclient', 'a PTR name whose A record is the client', { 'mx.sender.example': [{ A: '127.0.0.1' }] }, 'mx.sender.example'],
    ['xclient', 'a PTR name that does not lead back (the review\'s case)', {}, '[UNAVAILABLE]'],
    ['xforward', 'a PTR name whose A record is the client', { 'mx.sender.example': [{ A: '127.0.0.1' }] }, 'mx.sender.example'],
    ['xforward', 'a PTR name that does not lead back', {}, '[UNAVAILABLE]'],
  ] as const)('%s, %s', async ([verb, , extra, expected]) => {
    const seen = await nameSeen(verb, { '1.0.0.127.in-addr.arpa': [{ PTR: 'mx.sender.example' }], ...extra });
    // smtp-server records NAME=[UNAVAILABLE] as ''.
    expect(seen === '' ? '[UNAVAILABLE]' : seen).toBe(expected);
  });
});
