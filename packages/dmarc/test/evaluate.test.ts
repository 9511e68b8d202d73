import type { ZoneResolver } from '@authgate/dns';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { evaluateDmarc, MAX_AUTHOR_DOMAINS, type DmarcEvaluation, type DmarcMode } from '../src/index.js';
import { evaluateCases, fixtureZone, RecordingResolver, type EvaluateCase } from './fixtures.js';

const cases = evaluateCases();
const runs = cases.flatMap((c) => [
  { ...c, mode: 'rfc9989' as DmarcMode, expected: c.expect },
  { ...c, mode: 'rfc7489' as DmarcMode, expected: { ...c.expect, ...c.legacy } },
]);

let zone: ZoneResolver;
beforeAll(async () => {
  zone = await fixtureZone();
});

function evaluate(c: EvaluateCase, mode: DmarcMode, resolver = zone as ConstructorParameters<typeof RecordingResolver>[0]) {
  return evaluateDmarc({
    from: c.from,
    spf: c.spf ?? { result: 'none', domain: '' },
    dkim: c.dkim ?? [],
    resolver,
    mode,
    random: () => c.random ?? 0.5,
  });
}

/** Compares the listed fields; `null` in a case means "absent". */
function expectFields(actual: DmarcEvaluation, expected: Record<string, unknown>): void {
  const present = Object.fromEntries(Object.entries(expected).filter(([, value]) => value !== null));
  expect(actual).toMatchObject(present);
  for (const [key, value] of Object.entries(expected)) {
    if (value === null) expect(actual[key as keyof DmarcEvaluation], key).toBeUndefined();
  }
}

describe('evaluateDmarc on the fixture zone', () => {
  test.for(runs)('$mode: $name', async (run) => {
    expectFields(await evaluate(run, run.mode), run.expected);
  });
});

describe('evaluateDmarc invariants', () => {
  test.for(runs)('$mode: $name: disposition is none unless the message fails', async (run) => {
    const result = await evaluate(run, run.mode);
    if (result.result !== 'fail') expect(result.disposition).toBe('none');
    if (result.result === 'pass' || result.result === 'fail') expect(result.policy).toBeDefined();
    expect(result.mode).toBe(run.mode);
  });

  test('a deep author domain costs at most eight _dmarc queries per walk (RFC 9989 §4.10)', async () => {
    const resolver = new RecordingResolver(zone);
    const result = await evaluateDmarc({
      from: 'a@a.b.c.d.e.f.g.h.i.j.k.l.m.deep.example', spf: { result: 'none', domain: '' }, dkim: [], resolver,
    });
    expect(result).toMatchObject({ result: 'fail', policyDomain: 'deep.example' });
    expect(resolver.asked).toEqual([
      'TXT _dmarc.a.b.c.d.e.f.g.h.i.j.k.l.m.deep.example',
      'TXT _dmarc.i.j.k.l.m.deep.example',
      'TXT _dmarc.j.k.l.m.deep.example',
      'TXT _dmarc.k.l.m.deep.example',
      'TXT _dmarc.l.m.deep.example',
      'TXT _dmarc.m.deep.example',
      'TXT _dmarc.deep.example',
      'TXT _dmarc.example',
    ]);
  });

  test('legacy mode asks the author domain, then the PSL Organizational Domain, and nothing more', async () => {
    const resolver = new RecordingResolver(zone);
    await evaluateDmarc({
      from: 'a@a.b.c.d.e.f.g.h.i.j.k.l.m.deep.example', spf: { result: 'none', domain: '' }, dkim: [], resolver, mode: 'rfc7489',
    });
    expect(resolver.asked).toEqual(['TXT _dmarc.a.b.c.d.e.f.g.h.i.j.k.l.m.deep.example', 'TXT _dmarc.deep.example']);
  });

  test('each _dmarc name is asked once however many walks pass through it', async () => {
    const resolver = new RecordingResolver(zone);
    await evaluateDmarc({
      from: 'a@news.example.com',
      spf: { result: 'pass', domain: 'bounce.example.com' },
      dkim: [{ result: 'pass', domain: 'mail.example.com' }],
      resolver,
    });
    expect(new Set(resolver.asked).size).toBe(resolver.asked.length);
  });

  test('strict alignment and identical identifiers need no tree walk beyond discovery', async () => {
    const resolver = new RecordingResolver(zone);
    await evaluateDmarc({ from: 'a@strict.example', spf: { result: 'pass', domain: 'mail.strict.example' }, dkim: [], resolver });
    // Discovery at the author domain, and the author's own Organizational Domain (for reporting).
    expect(resolver.asked).toEqual(['TXT _dmarc.strict.example', 'TXT _dmarc.example']);
  });

  test('an unrelated identifier is not walked', async () => {
    const resolver = new RecordingResolver(zone);
    await evaluateDmarc({ from: 'a@example.com', spf: { result: 'pass', domain: 'a.b.c.unrelated.example' }, dkim: [], resolver });
    expect(resolver.asked.filter((q) => q.includes('unrelated'))).toEqual([]);
  });

  test('existence is only asked for a failing message under a record with np', async () => {
    const resolver = new RecordingResolver(zone);
    await evaluateDmarc({ from: 'a@ghost.example.com', spf: { result: 'none', domain: '' }, dkim: [], resolver });
    expect(resolver.asked.filter((q) => !q.startsWith('TXT'))).toEqual([]);
    const withNp = new RecordingResolver(zone);
    await evaluateDmarc({ from: 'a@ghost.np.example', spf: { result: 'none', domain: '' }, dkim: [], resolver: withNp });
    expect(withNp.asked.filter((q) => !q.startsWith('TXT'))).toEqual(['A ghost.np.example', 'AAAA ghost.np.example', 'MX ghost.np.example']);
  });

  test('random is drawn only when legacy pct sampling decides something', async () => {
    let draws = 0;
    const random = () => {
      draws++;
      return 0.99;
    };
    const base = { spf: { result: 'none', domain: '' }, dkim: [], resolver: zone, random };
    await evaluateDmarc({ ...base, from: 'a@example.com', mode: 'rfc7489' });
    await evaluateDmarc({ ...base, from: 'a@pct.example', mode: 'rfc9989' });
    await evaluateDmarc({ ...base, from: 'a@pct.example', mode: 'rfc7489', dkim: [{ result: 'pass', domain: 'pct.example' }] });
    expect(draws).toBe(0);
    const sampled = await evaluateDmarc({ ...base, from: 'a@pct.example', mode: 'rfc7489' });
    expect(draws).toBe(1);
    expect(sampled.disposition).toBe('quarantine');
  });

  test('several author domains report each evaluation in From order', async () => {
    const result = await evaluateDmarc({
      from: 'a@example.com, b@attacker.example', spf: { result: 'pass', domain: 'attacker.example' }, dkim: [], resolver: zone,
    });
    expect(result.evaluations?.map((e) => [e.authorDomain, e.result])).toEqual([['example.com', 'fail'], ['attacker.example', 'pass']]);
  });

  test(`more than ${MAX_AUTHOR_DOMAINS} author domains is a permerror (RFC 9989 §11.5)`, async () => {
    const from = Array.from({ length: MAX_AUTHOR_DOMAINS + 1 }, (_, i) => `u@d${i}.example`).join(', ');
    const resolver = new RecordingResolver(zone);
    const result = await evaluateDmarc({ from, spf: { result: 'none', domain: '' }, dkim: [], resolver });
    expect(result).toMatchObject({ result: 'permerror', problem: { code: 'too-many-author-domains' } });
    expect(resolver.asked).toEqual([]);
    const atLimit = Array.from({ length: MAX_AUTHOR_DOMAINS }, (_, i) => `u@d${i}.example`).join(', ');
    expect((await evaluateDmarc({ from: atLimit, spf: { result: 'none', domain: '' }, dkim: [], resolver: zone })).result).toBe('none');
  });

  test('a _dmarc name too long to exist is skipped, and the walk goes on', async () => {
    const long = `${['a', 'b', 'c', 'd'].map((c) => c.repeat(58)).join('.')}.example.com`;
    expect(long.length).toBe(247); // _dmarc. makes 254 octets: over RFC 1035's 253
    const result = await evaluateDmarc({ from: `u@${long}`, spf: { result: 'none', domain: '' }, dkim: [], resolver: zone });
    expect(result).toMatchObject({ result: 'fail', authorDomain: long, policyDomain: 'example.com', policy: 'quarantine' });
  });

  test('never rejects, whatever the From value and the identifiers', async () => {
    const domain = fc.constantFrom(
      'example.com', 'news.example.com', 'strict.example', 'ghost.np.example', 'orphan.co.uk', 'slow.example', 'duptag.example',
      'a.b.c.d.e.f.g.h.i.deep.example', 'x.align.example', 'EXAMPLE.COM', 'bücher.example', '[192.0.2.1]', 'co.uk', 'com', '',
    );
    const address = fc.tuple(fc.constantFrom('a', '"quoted local"', 'x.y'), domain).map(([local, d]) => `${local}@${d}`);
    const from = fc.oneof(
      fc.string(),
      fc.array(address, { maxLength: 4 }).map((list) => list.join(', ')),
      fc.array(fc.oneof(address, fc.string()), { maxLength: 3 }),
    );
    const result = fc.constantFrom('pass', 'fail', 'none', 'PASS', ' pass ', 'temperror', '');
    const identifiers = fc.record({
      spf: fc.record({ result, domain: fc.oneof(domain, fc.string()) }),
      dkim: fc.array(fc.record({ result, domain: fc.option(fc.oneof(domain, fc.string()), { nil: undefined }) }), { maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(from, identifiers, fc.constantFrom<DmarcMode>('rfc9989', 'rfc7489'), async (value, { spf, dkim }, mode) => {
        const evaluation = await evaluateDmarc({ from: value, spf, dkim, resolver: zone, mode });
        expect(['pass', 'fail', 'none', 'temperror', 'permerror']).toContain(evaluation.result);
        if (evaluation.result !== 'fail') expect(evaluation.disposition).toBe('none');
      }),
      { numRuns: 400 },
    );
  });

  test('a resolver that throws something other than DnsError counts as a temporary failure', async () => {
    const broken = { ...zone, txt: () => Promise.reject(new Error('socket closed')) } as unknown as ZoneResolver;
    const result = await evaluateDmarc({ from: 'a@example.com', spf: { result: 'none', domain: '' }, dkim: [], resolver: broken });
    expect(result).toMatchObject({ result: 'temperror', problem: { code: 'dns-temperror' } });
  });

  test.for([
    ['no resolver', { resolver: undefined }],
    ['an unknown mode', { mode: 'rfc4408' }],
    ['dkim not an array', { dkim: 'pass' }],
  ] as const)('throws TypeError for programmer misuse: %s', async ([, change]) => {
    const input = { from: 'a@example.com', spf: { result: 'none', domain: '' }, dkim: [], resolver: zone, ...change };
    await expect(evaluateDmarc(input as never)).rejects.toThrow(TypeError);
  });
});
