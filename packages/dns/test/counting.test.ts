import { describe, expect, test } from 'vitest';
import { CachingResolver, countQueries, observeQueries, ZoneResolver, type QueryEvent } from '../src/index.js';

const ZONE = new ZoneResolver({
  'example.com': [{ TXT: 'v=spf1 -all' }, { A: '192.0.2.1' }],
  'slow.example.com': ['TIMEOUT'],
  '1.2.0.192.in-addr.arpa': [{ PTR: 'example.com' }],
});

describe('countQueries', () => {
  test('counts every question, answered or not, by type', async () => {
    const counter = countQueries(ZONE);
    await counter.resolver.txt('example.com');
    await counter.a('example.com');
    await counter.aaaa('example.com').catch(() => undefined);
    await counter.txt('nowhere.example').catch(() => undefined);
    await counter.ptr('192.0.2.1');
    expect(counter.count).toBe(5);
    expect(counter.byType).toEqual({ TXT: 2, A: 1, AAAA: 1, MX: 0, PTR: 1 });
  });

  test('counts the questions an evaluation asks even when a cache answers them', async () => {
    const cache = new CachingResolver(ZONE);
    const first = countQueries(cache);
    const second = countQueries(cache);
    await first.txt('example.com');
    await second.txt('example.com');
    await second.txt('example.com');
    expect([first.count, second.count, cache.stats.misses]).toEqual([1, 2, 1]);
  });

  test('passes answers and TTLs through unchanged', async () => {
    const counter = countQueries(ZONE);
    expect(await counter.lookup('A', 'example.com')).toEqual(await ZONE.lookup('A', 'example.com'));
  });
});

describe('observeQueries', () => {
  test('reports each question with its outcome and the clock time it took', async () => {
    const events: QueryEvent[] = [];
    let time = 0;
    const resolver = observeQueries(ZONE, (event) => events.push(event), { now: () => (time += 5) });
    await resolver.txt('Example.com');
    await resolver.aaaa('example.com').catch(() => undefined);
    await resolver.txt('slow.example.com').catch(() => undefined);
    await resolver.ptr('not an ip').catch(() => undefined);
    await resolver.ptr('192.0.2.1');
    expect(events.map(({ type, name, outcome, records, elapsedMs }) => ({ type, name, outcome, records, elapsedMs }))).toEqual([
      { type: 'TXT', name: 'Example.com', outcome: 'answer', records: [['v=spf1 -all']], elapsedMs: 5 },
      { type: 'AAAA', name: 'example.com', outcome: 'NODATA', records: undefined, elapsedMs: 5 },
      { type: 'TXT', name: 'slow.example.com', outcome: 'TEMPFAIL', records: undefined, elapsedMs: 5 },
      { type: 'PTR', name: 'not an ip', outcome: 'INVALID_NAME', records: undefined, elapsedMs: 5 },
      { type: 'PTR', name: '192.0.2.1', outcome: 'answer', records: ['example.com'], elapsedMs: 5 },
    ]);
    expect(events[1]!.error).toMatchObject({ code: 'NODATA' });
  });

  test('reports an error that is not a DnsError as outcome "error" and still rejects with it', async () => {
    const events: QueryEvent[] = [];
    const broken = {
      txt: () => Promise.reject(new RangeError('bug')),
      a: (name: string) => ZONE.a(name),
      aaaa: (name: string) => ZONE.aaaa(name),
      mx: (name: string) => ZONE.mx(name),
      ptr: (ip: string) => ZONE.ptr(ip),
    };
    const resolver = observeQueries(broken, (event) => events.push(event));
    await expect(resolver.txt('example.com')).rejects.toThrow(RangeError);
    expect(events.map((event) => event.outcome)).toEqual(['error']);
  });
});
