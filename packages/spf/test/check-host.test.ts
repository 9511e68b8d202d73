import { DnsError, ZoneResolver } from '@authgate/dns';
import type { Resolver } from '@authgate/dns';
import { beforeAll, describe, expect, test } from 'vitest';
import { SpfError, checkHost, verifySpf } from '../src/index.js';
import type { SpfProblemCode, SpfResult } from '../src/index.js';

const ZONE = new URL('../test-fixtures/zones/scenarios.yaml', import.meta.url).pathname;
const NOW = () => 1_700_000_000_000;

let zone: ZoneResolver;
beforeAll(async () => {
  zone = await ZoneResolver.fromFile(ZONE);
});

/** A resolver that counts what is asked of it, answering from another. */
function counting(inner: Resolver): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const wrap =
    <T>(type: string, ask: (name: string) => Promise<T>) =>
    (name: string): Promise<T> => {
      asked.push(`${type} ${name}`);
      return ask(name);
    };
  return {
    asked,
    txt: wrap('TXT', (n) => inner.txt(n)),
    a: wrap('A', (n) => inner.a(n)),
    aaaa: wrap('AAAA', (n) => inner.aaaa(n)),
    mx: wrap('MX', (n) => inner.mx(n)),
    ptr: wrap('PTR', (n) => inner.ptr(n)),
  };
}

describe('results for the MAIL FROM identity', () => {
  test.for([
    ['u@v6.example', '2001:db8:1::5', 'pass', 'ip6:2001:db8:1::/48', 'an IPv6 client in an ip6 network'],
    ['u@v6.example', '2001:db8:2::10', 'pass', 'a', 'an IPv6 client matches AAAA records of "a"'],
    ['u@v6.example', '2001:db8:3::ffff', 'pass', 'mx//64', 'an IPv6 client matches an MX host with the ip6 CIDR'],
    ['u@v6.example', '192.0.2.10', 'pass', 'a', 'an IPv4 client matches A records'],
    ['u@v6.example', '::ffff:192.0.2.10', 'pass', 'a', 'an IPv4-mapped client is IPv4 (§5)'],
    ['u@v6.example', '::ffff:192.0.2.26', 'fail', '-all', 'mx//64 leaves the IPv4 length at /32'],
    ['u@v6.example', '2001:db8:9::1', 'fail', '-all', 'no mechanism matches'],
    ['u@bücher.example', '192.0.2.77', 'pass', 'ip4:192.0.2.77', 'a U-label domain is looked up as its A-label (RFC 8616 §4)'],
    ['u@BÜCHER.example', '192.0.2.77', 'pass', 'ip4:192.0.2.77', 'U-labels are lower-cased first'],
    ['<u@xn--bcher-kva.example>', '192.0.2.77', 'pass', 'ip4:192.0.2.77', 'angle brackets are dropped'],
    ['<@relay.example:u@xn--bcher-kva.example>', '192.0.2.77', 'pass', 'ip4:192.0.2.77', 'a source route is dropped (§2.2)'],
    ['alice@local.example', '192.0.2.1', 'pass', 'exists:%{l}.users.local.example', '%{l} is the local part'],
    ['jürgen@local.example', '192.0.2.1', 'fail', '-all', 'a non-ASCII %{l} matches nothing (RFC 8616 §4)'],
    ['u@nullmx.example', '192.0.2.1', 'fail', '-all', 'a null MX names no host (RFC 7505)'],
    ['u@manymx.example', '192.0.2.40', 'permerror', 'mx', 'more than 10 MX names, even with a match among them (§4.6.4)'],
    ['u@mxerror.example', '192.0.2.41', 'temperror', 'mx', 'an MX host lookup error before the match (§5)'],
    ['u@mxerror-last.example', '192.0.2.41', 'temperror', 'mx', 'an MX host lookup error after the match: every host is looked up first (§5.4)'],
    ['u@voids.example', '192.0.2.50', 'permerror', 'exists:nx3.voids.example', 'the third void lookup (§4.6.4)'],
    ['u@chain.example', '192.0.2.60', 'pass', 'include:c1.chain.example', 'includes three deep'],
    ['u@repeat.example', '192.0.2.61', 'pass', 'ip4:192.0.2.61', 'the same lookup five times'],
    ['u@inc-temp.example', '192.0.2.70', 'temperror', 'include:down.example', 'an include temperror is returned (§5.2)'],
    ['u@inc-perm.example', '192.0.2.70', 'permerror', 'include:broken.example', 'an include permerror is returned (§5.2)'],
    ['u@inc-none.example', '192.0.2.70', 'permerror', 'include:nothing.example', 'an include without record is a permerror (§5.2)'],
    ['u@nothing.example', '192.0.2.1', 'none', undefined, 'NXDOMAIN (§4.3)'],
    ['u@[192.0.2.1]', '192.0.2.1', 'none', undefined, 'a domain literal (§4.3)'],
    ['u@localhost', '192.0.2.1', 'none', undefined, 'a single label (§4.3)'],
  ] as const satisfies ReadonlyArray<readonly [string, string, SpfResult, string | undefined, string]>)(
    '%s from %s -> %s by %s (%s)',
    async ([mailFrom, ip, result, mechanism]) => {
      const outcome = await verifySpf({ ip, mailFrom, helo: 'helo.example', resolver: zone, now: NOW });
      expect(outcome.result).toBe(result);
      expect(outcome.mechanism).toBe(mechanism);
      expect(outcome.identity).toBe('mailfrom');
    },
  );

  test.for([
    ['u@manymx.example', 'mx-limit'],
    ['u@voids.example', 'void-lookup-limit'],
    ['u@inc-temp.example', 'dns-error'],
    ['u@inc-perm.example', 'invalid-domain-spec'],
    ['u@inc-none.example', 'include-none'],
    ['u@nothing.example', 'no-record'],
    ['u@localhost', 'invalid-domain'],
  ] as const satisfies ReadonlyArray<readonly [string, SpfProblemCode]>)('%s has problem %s', async ([mailFrom, code]) => {
    const outcome = await verifySpf({ ip: '192.0.2.99', mailFrom, helo: 'helo.example', resolver: zone, now: NOW });
    expect(outcome.problem?.code).toBe(code);
    expect(outcome.problem?.message).toMatch(/^spf: /);
  });
});

describe('identities', () => {
  test('the outcome names the checked domain as a lower-case A-label and the sender', async () => {
    const outcome = await verifySpf({ ip: '192.0.2.77', mailFrom: 'Ümit@BÜCHER.example.', helo: 'helo.example', resolver: zone, now: NOW });
    expect(outcome).toMatchObject({ domain: 'xn--bcher-kva.example', sender: 'Ümit@xn--bcher-kva.example' });
  });

  test('the HELO identity is checked separately, as postmaster@HELO (§2.3)', async () => {
    const outcome = await verifySpf({ ip: '192.0.2.20', mailFrom: 'u@mail.example', helo: 'helo.example', resolver: zone, now: NOW });
    expect(outcome).toMatchObject({ result: 'fail', identity: 'mailfrom', domain: 'mail.example', sender: 'u@mail.example' });
    expect(outcome.helo).toMatchObject({ result: 'pass', identity: 'helo', domain: 'helo.example', sender: 'postmaster@helo.example', mechanism: 'a' });
  });

  test('a null reverse path is checked as postmaster@HELO (§2.4), once', async () => {
    const resolver = counting(zone);
    const outcome = await verifySpf({ ip: '192.0.2.20', mailFrom: '<>', helo: 'helo.example', resolver, now: NOW });
    expect(outcome).toMatchObject({ result: 'pass', identity: 'mailfrom', sender: 'postmaster@helo.example' });
    expect(outcome.helo).toMatchObject({ result: 'pass', identity: 'helo' });
    expect(resolver.asked).toEqual(['TXT helo.example', 'A helo.example']);
  });

  test.for(['[192.0.2.20]', '192.0.2.20', 'localhost', '', 'bad helo'])(
    'a HELO of %j is no domain: none without any query',
    async (helo) => {
      const resolver = counting(zone);
      const outcome = await verifySpf({ ip: '192.0.2.20', mailFrom: '', helo, resolver, now: NOW });
      expect(outcome.result).toBe('none');
      expect(outcome.helo?.result).toBe('none');
      expect(resolver.asked).toEqual([]);
    },
  );

  test('checkHost takes <domain> and <sender> apart: %{o} is the sender domain, %{d} the domain', async () => {
    const outcome = await checkHost({ ip: '192.0.2.1', domain: 'local.example', sender: 'alice@elsewhere.example', helo: 'h.example', resolver: zone, now: NOW });
    expect(outcome).toMatchObject({ result: 'pass', domain: 'local.example', sender: 'alice@elsewhere.example' });
  });

  test('a sender without a local part is postmaster (§4.3)', async () => {
    const outcome = await checkHost({ ip: '192.0.2.1', domain: 'local.example', sender: '@local.example', helo: 'h.example', resolver: zone, now: NOW });
    expect(outcome.sender).toBe('postmaster@local.example');
  });
});

describe('explanations (§6.2)', () => {
  test('the exp= text is expanded with the exp-only macros', async () => {
    const outcome = await verifySpf({ ip: '192.0.2.5', mailFrom: 'u@exp.example', helo: 'h.example', resolver: zone, now: NOW, receiver: 'mx.receiver.example' });
    expect(outcome.explanation).toBe('192.0.2.5 may not send for exp.example (checked by mx.receiver.example at 1700000000)');
  });

  test('without exp= the default explanation is expanded', async () => {
    const outcome = await verifySpf({ ip: '192.0.2.5', mailFrom: 'u@mail.example', helo: 'h.example', resolver: zone, now: NOW });
    expect(outcome.explanation).toBe('mail.example does not designate 192.0.2.5 as a permitted sender');
  });

  test('a configured default explanation is a macro-string too', async () => {
    const outcome = await verifySpf({ ip: '192.0.2.5', mailFrom: 'u@mail.example', helo: 'h.example', resolver: zone, now: NOW, defaultExplanation: 'See https://example.org/why?s=%{S}&ip=%{I}' });
    expect(outcome.explanation).toBe('See https://example.org/why?s=u%40mail.example&ip=192.0.2.5');
  });

  test('an explanation is cut to limits.explanationLength', async () => {
    const outcome = await verifySpf({ ip: '192.0.2.5', mailFrom: 'u@exp.example', helo: 'h.example', resolver: zone, now: NOW, limits: { explanationLength: 9 } });
    expect(outcome.explanation).toBe('192.0.2.5');
  });

  test('only a fail carries an explanation', async () => {
    const outcome = await verifySpf({ ip: '192.0.2.30', mailFrom: 'u@mail.example', helo: 'h.example', resolver: zone, now: NOW });
    expect(outcome.result).toBe('pass');
    expect(outcome.explanation).toBeUndefined();
  });
});

describe('counters and the trace', () => {
  test('lookups, void lookups and queries are counted; repeated lookups are asked once', async () => {
    const resolver = counting(zone);
    const outcome = await checkHost({ ip: '192.0.2.61', domain: 'repeat.example', sender: 'u@repeat.example', helo: 'h.example', resolver, now: NOW });
    expect(outcome).toMatchObject({ result: 'pass', lookups: 5, voidLookups: 0, queries: 2 });
    expect(resolver.asked).toEqual(['TXT repeat.example', 'A repeat.example']);
  });

  test('void lookups are counted per term', async () => {
    const outcome = await checkHost({ ip: '192.0.2.99', domain: 'voids.example', sender: 'u@voids.example', helo: 'h.example', resolver: zone, now: NOW, limits: { voidLookups: 5 } });
    expect(outcome).toMatchObject({ result: 'fail', lookups: 3, voidLookups: 3 });
  });

  test('the trace shows every query, record, term and result, with the include depth', async () => {
    const outcome = await checkHost({ ip: '192.0.2.60', domain: 'c2.chain.example', sender: 'u@c2.chain.example', helo: 'h.example', resolver: zone, now: NOW, trace: true });
    expect(outcome.trace).toEqual([
      { type: 'query', depth: 0, rrtype: 'TXT', name: 'c2.chain.example', answer: 'records', records: ['v=spf1 include:c3.chain.example -all'] },
      { type: 'record', depth: 0, domain: 'c2.chain.example', record: 'v=spf1 include:c3.chain.example -all' },
      { type: 'query', depth: 1, rrtype: 'TXT', name: 'c3.chain.example', answer: 'records', records: ['v=spf1 ip4:192.0.2.60 -all'] },
      { type: 'record', depth: 1, domain: 'c3.chain.example', record: 'v=spf1 ip4:192.0.2.60 -all' },
      { type: 'term', depth: 1, domain: 'c3.chain.example', term: 'ip4:192.0.2.60', outcome: 'match' },
      { type: 'result', depth: 1, domain: 'c3.chain.example', result: 'pass' },
      { type: 'term', depth: 0, domain: 'c2.chain.example', term: 'include:c3.chain.example', outcome: 'match' },
      { type: 'result', depth: 0, domain: 'c2.chain.example', result: 'pass' },
    ]);
  });

  test('no trace unless asked for', async () => {
    const outcome = await checkHost({ ip: '192.0.2.60', domain: 'chain.example', sender: 'u@chain.example', helo: 'h.example', resolver: zone, now: NOW });
    expect(outcome.trace).toBeUndefined();
  });

  test('the lookup limit is configurable', async () => {
    const outcome = await checkHost({ ip: '192.0.2.60', domain: 'chain.example', sender: 'u@chain.example', helo: 'h.example', resolver: zone, now: NOW, limits: { lookups: 2 } });
    expect(outcome).toMatchObject({ result: 'permerror', problem: { code: 'lookup-limit' }, mechanism: 'include:c3.chain.example', lookups: 3 });
  });
});

describe('the deadline (§4.6.4: temperror after limits.deadlineMs)', () => {
  test('a clock that passes the deadline between queries stops the evaluation', async () => {
    let time = 0;
    const now = (): number => (time += 6_000);
    const outcome = await checkHost({ ip: '192.0.2.60', domain: 'chain.example', sender: 'u@chain.example', helo: 'h.example', resolver: zone, now, trace: true });
    expect(outcome).toMatchObject({ result: 'temperror', problem: { code: 'deadline' } });
    expect(outcome.trace).toContainEqual(expect.objectContaining({ type: 'query', answer: 'deadline' }));
    expect(outcome.trace?.at(-1)).toMatchObject({ type: 'term', outcome: 'error' });
  });

  test('a resolver that never answers cannot hang the evaluation', async () => {
    const silent: Resolver = {
      txt: () => new Promise(() => {}),
      a: () => new Promise(() => {}),
      aaaa: () => new Promise(() => {}),
      mx: () => new Promise(() => {}),
      ptr: () => new Promise(() => {}),
    };
    const outcome = await verifySpf({ ip: '192.0.2.1', mailFrom: 'u@example.com', helo: 'h.example', resolver: silent, limits: { deadlineMs: 20 } });
    expect(outcome).toMatchObject({ result: 'temperror', problem: { code: 'deadline' } });
    expect(outcome.helo).toMatchObject({ result: 'temperror', problem: { code: 'deadline' } });
  });

  test('an infinite deadline is no deadline (not a timer that fires at once)', async () => {
    const later = <T>(answer: () => Promise<T>): Promise<T> => new Promise((resolve) => setTimeout(resolve, 10)).then(answer);
    const slow: Resolver = { txt: (n) => later(() => zone.txt(n)), a: (n) => later(() => zone.a(n)), aaaa: (n) => later(() => zone.aaaa(n)), mx: (n) => later(() => zone.mx(n)), ptr: (n) => later(() => zone.ptr(n)) };
    const outcome = await checkHost({ ip: '192.0.2.60', domain: 'chain.example', sender: 'u@chain.example', helo: 'h.example', resolver: slow, limits: { deadlineMs: Number.POSITIVE_INFINITY } });
    expect(outcome.result).toBe('pass');
  });

  test('an explanation that cannot be fetched in time falls back to the default, the fail stands', async () => {
    let time = 0;
    // The third query (the exp= TXT) comes after the deadline.
    const now = (): number => (time += 7_000);
    const outcome = await checkHost({ ip: '192.0.2.5', domain: 'exp.example', sender: 'u@exp.example', helo: 'h.example', resolver: zone, now, limits: { deadlineMs: 15_000 } });
    expect(outcome).toMatchObject({ result: 'fail', explanation: 'exp.example does not designate 192.0.2.5 as a permitted sender' });
  });
});

describe('resolvers that misbehave are results, not exceptions', () => {
  test('an error that is no DnsError is a temperror', async () => {
    const broken: Resolver = { ...zone, txt: () => Promise.reject(new Error('socket closed')), a: (n) => zone.a(n), aaaa: (n) => zone.aaaa(n), mx: (n) => zone.mx(n), ptr: (n) => zone.ptr(n) };
    const outcome = await checkHost({ ip: '192.0.2.1', domain: 'mail.example', sender: 'u@mail.example', helo: 'h.example', resolver: broken, now: NOW });
    expect(outcome).toMatchObject({ result: 'temperror', problem: { code: 'dns-error' } });
  });

  test('an empty answer is treated as NODATA', async () => {
    const empty: Resolver = { txt: async () => [], a: async () => [], aaaa: async () => [], mx: async () => [], ptr: async () => [] };
    const outcome = await checkHost({ ip: '192.0.2.1', domain: 'mail.example', sender: 'u@mail.example', helo: 'h.example', resolver: empty, now: NOW });
    expect(outcome).toMatchObject({ result: 'none', problem: { code: 'no-record' } });
  });

  test('INVALID_NAME from the resolver for a mechanism target is no match', async () => {
    const picky: Resolver = { txt: async () => [['v=spf1 a:x.example ?all']], a: (name) => Promise.reject(new DnsError('INVALID_NAME', 'A', name)), aaaa: async () => [], mx: async () => [], ptr: async () => [] };
    const outcome = await checkHost({ ip: '192.0.2.1', domain: 'mail.example', sender: 'u@mail.example', helo: 'h.example', resolver: picky, now: NOW });
    expect(outcome).toMatchObject({ result: 'neutral', mechanism: '?all', voidLookups: 0 });
  });
});

describe('programmer misuse throws SpfError', () => {
  test.for([
    [{ ip: 'not-an-ip' }, 'invalid-ip'],
    [{ ip: '192.0.2.1/24' }, 'invalid-ip'],
    [{ ip: '192.0.2.1', limits: { lookups: -1 } }, 'invalid-option'],
    [{ ip: '192.0.2.1', limits: { deadlineMs: Number.NaN } }, 'invalid-option'],
    [{ ip: '192.0.2.1', defaultExplanation: '100%' }, 'invalid-option'],
    [{ ip: '192.0.2.1', resolver: undefined }, 'invalid-option'],
  ] as const)('%j -> %s', async ([input, code]) => {
    const call = verifySpf({ mailFrom: 'u@mail.example', helo: 'h.example', resolver: zone, ...input } as Parameters<typeof verifySpf>[0]);
    await expect(call).rejects.toBeInstanceOf(SpfError);
    await expect(call).rejects.toMatchObject({ code });
  });
});
