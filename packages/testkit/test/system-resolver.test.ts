import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CachingResolver,
  countQueries,
  DnsError,
  RecordingResolver,
  SystemResolver,
  ZoneResolver,
  type RecordType,
  type ZoneData,
} from '@authgate/dns';
import { freePort, loadZoneData, startAuthoritativeDns, type AuthoritativeDns } from '../src/index.js';

/**
 * @authgate/dns's SystemResolver against a real authoritative server (Knot on 127.0.0.1) serving
 * test-fixtures/zones/system-resolver.yaml. These tests live here because the dns package sits
 * below testkit; its own tests use a scripted UDP server for the error classification.
 */
describe('SystemResolver against Knot', () => {
  let server: AuthoritativeDns;
  let zoneData: ZoneData;
  let resolver: SystemResolver;

  beforeAll(async () => {
    zoneData = await loadZoneData('zones/system-resolver.yaml');
    server = await startAuthoritativeDns({ zoneData });
    resolver = new SystemResolver({ servers: [server.address], timeoutMs: 500, tries: 2 });
  });
  afterAll(() => server.stop());

  async function outcome(type: RecordType, name: string): Promise<unknown> {
    try {
      return (await resolver.lookup(type, name)).records;
    } catch (error) {
      return error instanceof DnsError ? error.code : error;
    }
  }

  test('serves the whole fixture', () => {
    expect(server.unservable).toEqual([]);
  });

  test.for([
    ['A', 'example.com', ['192.0.2.1', '192.0.2.2'], 'several A records'],
    ['AAAA', 'example.com', ['2001:db8::1'], 'AAAA'],
    ['AAAA', 'ipv6-only.example.com', ['2001:db8:0:1::25'], 'AAAA in RFC 5952 form'],
    ['MX', 'example.com', [{ exchange: 'mx1.example.com', priority: 10 }, { exchange: 'mx2.example.com', priority: 20 }], 'MX'],
    ['MX', 'null-mx.example.com', [{ exchange: '', priority: 0 }], 'null MX (RFC 7505)'],
    ['TXT', '_dmarc.example.com', [['v=DMARC1; p=reject; rua=mailto:dmarc@example.com']], 'a TXT under an underscore label'],
    ['TXT', 'www.example.com', [['google-site-verification=', 'abc123'], ['v=spf1 ip4:192.0.2.0/24 -all']], 'through a CNAME'],
    ['TXT', 'anything.wild.example.com', [['from the wildcard']], 'a wildcard (RFC 4592)'],
    ['TXT', 'octets.example.com', [['caf\u00e9 \u00e2\u0082\u00ac']], 'TXT octets one character per octet (U+20AC as its UTF-8 octets)'],
    ['PTR', '192.0.2.1', ['example.com'], 'PTR of an IPv4 address'],
    ['PTR', '2001:db8::1', ['v6.example.com'], 'PTR of an IPv6 address'],
    ['TXT', 'absent.example.com', 'NXDOMAIN', 'a name that does not exist'],
    ['TXT', 'a-only.example.com', 'NODATA', 'a name with only an A record, asked TXT'],
    ['AAAA', 'a-only.example.com', 'NODATA', 'asked AAAA'],
    ['MX', 'a-only.example.com', 'NODATA', 'asked MX'],
    ['A', 'ent.example.com', 'NODATA', 'an empty non-terminal'],
    ['PTR', '192.0.2.99', 'NXDOMAIN', 'an address without PTR'],
  ] as const)('%s %s -> %j (%s)', async ([type, name, expected]) => {
    const got = await outcome(type, name);
    // An RRset has no order (RFC 2181 §5): Knot returns it in canonical order.
    expect(Array.isArray(got) ? sorted(got) : got).toEqual(Array.isArray(expected) ? sorted(expected) : expected);
  });

  test('several character-strings come back unjoined', async () => {
    const records = await resolver.txt('example.com');
    expect(records).toContainEqual(['google-site-verification=', 'abc123']);
  });

  test('a TXT over 255 octets arrives as 255-octet character-strings that join to the record', async () => {
    const [record] = await resolver.txt('sel2048._domainkey.example.com');
    const published = (zoneData['sel2048._domainkey.example.com']![0] as { TXT: string }).TXT;
    expect(record!.length).toBeGreaterThan(1);
    expect(record!.every((piece) => piece.length <= 255)).toBe(true);
    expect(record!.join('')).toBe(published);
  });

  test('a TXT too big for a 1232-octet UDP answer comes back whole (over TCP after truncation)', async () => {
    const published = (zoneData['big.example.com']![0] as { TXT: string }).TXT;
    expect(published.length).toBeGreaterThan(1232);
    const [record] = await resolver.txt('big.example.com');
    expect(record!.join('')).toBe(published);
  });

  test('A and AAAA answers carry the TTL the server gives', async () => {
    expect((await resolver.lookup('A', 'example.com')).ttl).toBe(300);
    expect((await resolver.lookup('AAAA', 'example.com')).ttl).toBe(300);
  });

  test('asks over IPv6 when the server listens on [::1]', async () => {
    for (const address of server.addresses) {
      const overAddress = new SystemResolver({ servers: [address], timeoutMs: 500, tries: 2 });
      expect(sorted(await overAddress.a('example.com'))).toEqual(['192.0.2.1', '192.0.2.2']);
    }
  });

  test('a port where nothing answers is a TEMPFAIL', async () => {
    const port = await freePort(['127.0.0.1']);
    const nowhere = new SystemResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 100, tries: 1 });
    await expect(nowhere.txt('example.com')).rejects.toMatchObject({ code: 'TEMPFAIL' });
  });

  test('behind CachingResolver, a repeated question is asked once', async () => {
    const wire = countQueries(resolver);
    const cache = new CachingResolver(wire);
    const first = await cache.lookup('A', 'example.com');
    const second = await cache.lookup('A', 'EXAMPLE.COM');
    expect(sorted(second.records)).toEqual(sorted(first.records));
    expect(second.ttl).toBeLessThanOrEqual(300);
    await expect(cache.txt('absent.example.com')).rejects.toMatchObject({ code: 'NXDOMAIN' });
    await expect(cache.txt('absent.example.com')).rejects.toMatchObject({ code: 'NXDOMAIN' });
    expect(wire.count).toBe(2);
  });

  test('what RecordingResolver records from real DNS answers the same offline', async () => {
    const recorder = new RecordingResolver(resolver);
    const questions: Array<[RecordType, string]> = [
      ['TXT', 'example.com'], ['A', 'example.com'], ['AAAA', 'example.com'], ['MX', 'example.com'],
      ['TXT', 'sel2048._domainkey.example.com'], ['TXT', 'octets.example.com'], ['MX', 'null-mx.example.com'],
      ['TXT', 'absent.example.com'], ['TXT', 'a-only.example.com'], ['PTR', '192.0.2.1'], ['PTR', '2001:db8::1'],
      ['TXT', 'www.example.com'], ['A', 'ent.example.com'],
    ];
    const live = [];
    for (const [type, name] of questions) live.push(await settle(recorder.lookup(type, name)));
    const offline = new ZoneResolver(recorder.zoneData());
    for (const [index, [type, name]] of questions.entries()) {
      expect(await settle(offline.lookup(type, name)), `${type} ${name}`).toEqual(live[index]);
    }
  });
});

function sorted<T>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function settle(promise: Promise<{ records: unknown }>): Promise<unknown> {
  try {
    return (await promise).records;
  } catch (error) {
    return (error as DnsError).code;
  }
}
