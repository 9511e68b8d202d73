import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  CachingResolver,
  countQueries,
  DnsError,
  LookupResolver,
  ZoneResolver,
  type RecordType,
  type Resolver,
  type TimedAnswer,
} from '../src/index.js';

const ZONE = new ZoneResolver({
  'example.com': [{ TXT: 'v=spf1 -all' }, { A: '192.0.2.1' }, { MX: [10, 'mx.example.com'] }],
  'timeout.example.com': ['TIMEOUT'],
  '1.2.0.192.in-addr.arpa': [{ PTR: 'example.com' }],
});

/** A resolver whose answers carry the TTL given per name, and that counts what it is asked. */
class TtlZone extends LookupResolver {
  asked = 0;
  constructor(readonly ttls: Record<string, number | undefined>) {
    super();
  }
  async lookup<T extends RecordType>(type: T, name: string): Promise<TimedAnswer<T>> {
    this.asked++;
    const answer = await ZONE.lookup(type, 'example.com');
    const ttl = this.ttls[name];
    return ttl === undefined ? answer : { ...answer, ttl };
  }
}

/** A clock the test moves by hand. */
function clock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

describe('CachingResolver', () => {
  test('answers a repeated question from the cache, whatever its case or trailing dot', async () => {
    const inner = countQueries(ZONE);
    const cache = new CachingResolver(inner);
    expect(await cache.txt('example.com')).toEqual([['v=spf1 -all']]);
    expect(await cache.txt('EXAMPLE.com.')).toEqual([['v=spf1 -all']]);
    expect(await cache.a('example.com')).toEqual(['192.0.2.1']);
    expect(inner.count).toBe(2);
    expect(cache.stats).toEqual({ entries: 2, hits: 1, misses: 2, joined: 0 });
  });

  test.for([
    [{ ttl: 10 }, {}, 9_999, 10_000, 'the TTL the transport gives'],
    [{ ttl: undefined }, { defaultTtlSeconds: 30 }, 29_999, 30_000, 'defaultTtlSeconds when there is no TTL'],
    [{ ttl: 86_400 }, { maxTtlSeconds: 60 }, 59_999, 60_000, 'maxTtlSeconds caps a long TTL'],
    [{ ttl: undefined }, { defaultTtlSeconds: 900, maxTtlSeconds: 120 }, 119_999, 120_000, 'maxTtlSeconds caps the default too'],
  ] as const)('keeps an answer for %j with %j: hit at %i ms, gone at %i ms (%s)', async ([{ ttl }, options, hitAt, goneAt]) => {
    const time = clock();
    const inner = new TtlZone({ 'example.com': ttl });
    const cache = new CachingResolver(inner, { ...options, now: time.now });
    await cache.a('example.com');
    time.advance(hitAt);
    await cache.a('example.com');
    expect(inner.asked).toBe(1);
    time.advance(goneAt - hitAt);
    await cache.a('example.com');
    expect(inner.asked).toBe(2);
  });

  test('a TTL of zero is not cached (RFC 1035 §3.2.1)', async () => {
    const inner = new TtlZone({ 'example.com': 0 });
    const cache = new CachingResolver(inner);
    await cache.a('example.com');
    await cache.a('example.com');
    expect(inner.asked).toBe(2);
  });

  test('a hit reports the TTL that remains', async () => {
    const time = clock();
    const cache = new CachingResolver(new TtlZone({ 'example.com': 100 }), { now: time.now });
    expect((await cache.lookup('A', 'example.com')).ttl).toBe(100);
    time.advance(40_500);
    expect((await cache.lookup('A', 'example.com')).ttl).toBe(59);
  });

  test.for([
    ['TXT', 'missing.example.com', 'NXDOMAIN'],
    ['AAAA', 'example.com', 'NODATA'],
  ] as const)('caches %s %s -> %s for negativeTtlSeconds', async ([type, name, code]) => {
    const time = clock();
    const inner = countQueries(ZONE);
    const cache = new CachingResolver(inner, { negativeTtlSeconds: 5, now: time.now });
    await expect(cache.lookup(type, name)).rejects.toMatchObject({ code });
    time.advance(4_999);
    const again = await cache.lookup(type, name.toUpperCase()).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(DnsError);
    expect(again).toMatchObject({ code, rrtype: type, hostname: name.toUpperCase() });
    expect(inner.count).toBe(1);
    time.advance(1);
    await expect(cache.lookup(type, name)).rejects.toMatchObject({ code });
    expect(inner.count).toBe(2);
  });

  test.for([
    ['TXT', 'timeout.example.com', 'TEMPFAIL', 'worth asking again'],
    ['TXT', 'a..example.com', 'INVALID_NAME', 'cheap to recompute'],
    ['PTR', 'not-an-ip', 'INVALID_NAME', 'PTR of a non-address'],
  ] as const)('never caches %s %s -> %s (%s)', async ([type, name, code]) => {
    const inner = countQueries(ZONE);
    const cache = new CachingResolver(inner);
    await expect(cache.lookup(type, name)).rejects.toMatchObject({ code });
    await expect(cache.lookup(type, name)).rejects.toMatchObject({ code });
    expect(inner.count).toBe(2);
  });

  test('joins identical questions in flight into one', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inner = countQueries({ ...plain(ZONE), txt: (name) => gate.then(() => ZONE.txt(name)) });
    const cache = new CachingResolver(inner);
    const answers = Promise.all([cache.txt('example.com'), cache.txt('Example.com'), cache.txt('example.com.')]);
    const other = cache.a('example.com');
    release();
    expect(await answers).toEqual([[['v=spf1 -all']], [['v=spf1 -all']], [['v=spf1 -all']]]);
    expect(await other).toEqual(['192.0.2.1']);
    expect(inner.count).toBe(2);
    expect(cache.stats).toMatchObject({ misses: 2, joined: 2 });
  });

  test('a failure in flight reaches every joined question, and is not kept', async () => {
    const inner = countQueries(ZONE);
    const cache = new CachingResolver(inner);
    const results = await Promise.allSettled([cache.txt('timeout.example.com'), cache.txt('timeout.example.com')]);
    expect(results.map((result) => result.status === 'rejected' && (result.reason as DnsError).code)).toEqual(['TEMPFAIL', 'TEMPFAIL']);
    await expect(cache.txt('timeout.example.com')).rejects.toMatchObject({ code: 'TEMPFAIL' });
    expect(inner.count).toBe(2);
  });

  test('evicts the least recently used answer beyond maxEntries', async () => {
    const zone = new ZoneResolver({ 'a.example': [{ A: '192.0.2.1' }], 'b.example': [{ A: '192.0.2.2' }], 'c.example': [{ A: '192.0.2.3' }] });
    const inner = countQueries(zone);
    const cache = new CachingResolver(inner, { maxEntries: 2 });
    await cache.a('a.example');
    await cache.a('b.example');
    await cache.a('a.example'); // a is now the most recently used
    await cache.a('c.example'); // evicts b
    expect(cache.stats.entries).toBe(2);
    await cache.a('a.example');
    expect(inner.count).toBe(3);
    await cache.a('b.example');
    expect(inner.count).toBe(4);
  });

  test('hands out copies: changing one answer does not change the next', async () => {
    const cache = new CachingResolver(ZONE);
    const first = await cache.mx('example.com');
    first[0]!.exchange = 'changed';
    first.push({ priority: 0, exchange: 'added' });
    expect(await cache.mx('example.com')).toEqual([{ priority: 10, exchange: 'mx.example.com' }]);
  });

  test('works over a plain Resolver without lookup()', async () => {
    const inner = countQueries(plain(ZONE));
    const cache = new CachingResolver(inner);
    expect(await cache.ptr('192.0.2.1')).toEqual(['example.com']);
    expect(await cache.ptr('192.0.2.1')).toEqual(['example.com']);
    expect(inner.count).toBe(1);
  });

  test('clear() forgets every answer', async () => {
    const inner = countQueries(ZONE);
    const cache = new CachingResolver(inner);
    await cache.a('example.com');
    cache.clear();
    await cache.a('example.com');
    expect(inner.count).toBe(2);
  });

  test.for([
    [{ maxEntries: 0 }, 'maxEntries'],
    [{ maxTtlSeconds: -1 }, 'maxTtlSeconds'],
    [{ defaultTtlSeconds: Number.NaN }, 'defaultTtlSeconds'],
    [{ negativeTtlSeconds: -5 }, 'negativeTtlSeconds'],
  ] as const)('refuses %j', ([options, name]) => {
    expect(() => new CachingResolver(ZONE, options)).toThrow(name);
  });

  test('answers exactly what the inner resolver answers, for any sequence of questions', async () => {
    const zone = new ZoneResolver({
      'a.example': [{ A: '192.0.2.1' }, { TXT: 'a' }],
      'b.example': [{ MX: [1, 'a.example'] }],
      'c.example': ['TIMEOUT'],
      '1.2.0.192.in-addr.arpa': [{ PTR: 'a.example' }],
    });
    const question = fc.tuple(
      fc.constantFrom<RecordType>('TXT', 'A', 'AAAA', 'MX', 'PTR'),
      fc.constantFrom('a.example', 'B.example.', 'c.example', 'd.example', '192.0.2.1', 'x..y'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(question, { maxLength: 20 }), fc.integer({ min: 1, max: 4 }), async (questions, maxEntries) => {
        const cache = new CachingResolver(zone, { maxEntries });
        for (const [type, name] of questions) {
          expect(await settle(cache.lookup(type, name).then((answer) => answer.records))).toEqual(
            await settle(zone.lookup(type, name).then((answer) => answer.records)),
          );
        }
      }),
    );
  });
});

/** The five Resolver methods of `resolver` alone, without `lookup`. */
function plain(resolver: Resolver): Resolver {
  return {
    txt: (name) => resolver.txt(name),
    a: (name) => resolver.a(name),
    aaaa: (name) => resolver.aaaa(name),
    mx: (name) => resolver.mx(name),
    ptr: (ip) => resolver.ptr(ip),
  };
}

async function settle(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    return (error as DnsError).code;
  }
}
