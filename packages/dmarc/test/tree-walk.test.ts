import fc from 'fast-check';
import type { ZoneResolver } from '@authgate/dns';
import { beforeAll, describe, expect, test } from 'vitest';
import { MAX_TREE_WALK_QUERIES, organizationalDomain, parseDmarcRecord, walkTargets, type DmarcMode } from '../src/index.js';
import type { FoundRecord } from '../src/lookup.js';
import { selectOrganizationalDomain } from '../src/tree-walk.js';
import { fixtureZone } from './fixtures.js';

describe('walkTargets (RFC 9989 §4.10)', () => {
  test.for([
    ['com', ['com']],
    ['example.com', ['example.com', 'com']],
    ['a.mail.example.com', ['a.mail.example.com', 'mail.example.com', 'example.com', 'com']],
    // Eight labels: the next target already has seven, so nothing is skipped; eight queries.
    ['a.b.c.d.e.f.example.com', ['a.b.c.d.e.f.example.com', 'b.c.d.e.f.example.com', 'c.d.e.f.example.com', 'd.e.f.example.com', 'e.f.example.com', 'f.example.com', 'example.com', 'com']],
    // The RFC's own illustration: thirteen labels, still eight queries.
    ['a.b.c.d.e.f.g.h.i.j.mail.example.com', [
      'a.b.c.d.e.f.g.h.i.j.mail.example.com', 'g.h.i.j.mail.example.com', 'h.i.j.mail.example.com', 'i.j.mail.example.com',
      'j.mail.example.com', 'mail.example.com', 'example.com', 'com',
    ]],
  ] as const)('%s', ([domain, targets]) => {
    expect(walkTargets(domain)).toEqual(targets);
  });

  test('never more than eight names, each a suffix of the start with fewer labels than the last', () => {
    const label = fc.stringMatching(/^[a-z0-9]{1,5}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 40 }), (labels) => {
        const start = labels.join('.');
        const targets = walkTargets(start);
        expect(targets[0]).toBe(start);
        expect(targets).toHaveLength(Math.min(labels.length, MAX_TREE_WALK_QUERIES));
        expect(targets[targets.length - 1]).toBe(labels[labels.length - 1]);
        for (let i = 1; i < targets.length; i++) {
          expect(start.endsWith(`.${targets[i]}`)).toBe(true);
          expect(targets[i]!.split('.').length).toBeLessThan(targets[i - 1]!.split('.').length);
        }
      }),
    );
  });
});

function found(domain: string, text: string): FoundRecord {
  const parsed = parseDmarcRecord(text);
  if (parsed.ok) return { outcome: 'record', domain, name: `_dmarc.${domain}`, text, record: parsed.record, warnings: [], ignored: [] };
  return { outcome: 'malformed', domain, name: `_dmarc.${domain}`, text, problem: parsed.problem, ignored: [] };
}

describe('selectOrganizationalDomain (RFC 9989 §4.10.2)', () => {
  test.for([
    ['records at mail.example.com and example.com: the fewest labels', 'a.mail.example.com',
      [['mail.example.com', 'v=DMARC1; p=none'], ['example.com', 'v=DMARC1; p=none']], 'example.com', 'fewest-labels'],
    ['psd=n at mail.example.com', 'a.mail.example.com', [['mail.example.com', 'v=DMARC1; p=none; psd=n']], 'mail.example.com', 'psd=n'],
    ['only _dmarc.com, with psd=y', 'a.mail.example.com', [['com', 'v=DMARC1; p=none; psd=y']], 'example.com', 'psd=y'],
    ['psd=y right above the start', 'mail.example.com', [['mail.example.com', 'v=DMARC1; p=none'], ['example.com', 'v=DMARC1; p=none; psd=y']], 'mail.example.com', 'psd=y'],
    ['psd=y at the start itself: the start', 'example.com', [['example.com', 'v=DMARC1; p=none; psd=y']], 'example.com', 'fewest-labels'],
    ['psd=n at the start', 'example.com', [['example.com', 'v=DMARC1; p=none; psd=n']], 'example.com', 'psd=n'],
    ['no record at all: the start', 'a.b.example', [], 'a.b.example', 'no-record'],
    ['a malformed record still marks a published name', 'a.b.example', [['b.example', 'v=DMARC1; p=none; p=none']], 'b.example', 'fewest-labels'],
    ['psd=y far above a skipped name: one label below it on the start branch', 'a.b.c.d.e.f.g.h.i.example',
      [['g.h.i.example', 'v=DMARC1; p=none; psd=y']], 'f.g.h.i.example', 'psd=y'],
  ] as const)('%s', ([, start, records, domain, rule]) => {
    const selection = selectOrganizationalDomain(start, records.map(([name, text]) => found(name, text)));
    expect(selection).toEqual({ domain, rule });
  });
});

describe('organizationalDomain', () => {
  let zone: ZoneResolver;
  beforeAll(async () => {
    zone = await fixtureZone();
  });

  test.for([
    ['example.com', 'rfc9989', 'example.com'], // B.4.1
    ['signing.example.com', 'rfc9989', 'example.com'], // B.4.1: example.com has the fewest labels
    ['a.b.c.d.e.f.g.h.i.j.k.example.com', 'rfc9989', 'example.com'], // B.4.2
    ['giant.bank.example', 'rfc9989', 'giant.bank.example'], // B.4.3
    ['mail.giant.bank.example', 'rfc9989', 'giant.bank.example'], // B.4.3
    ['mail.mega.bank.example', 'rfc9989', 'mega.bank.example'], // B.4.3
    ['x.dept.corp.example', 'rfc9989', 'dept.corp.example'],
    ['other.corp.example', 'rfc9989', 'corp.example'],
    ['news.example.co.uk', 'rfc9989', 'example.co.uk'],
    ['orphan.co.uk', 'rfc9989', 'orphan.co.uk'],
    ['alice.github.io', 'rfc9989', 'github.io'],
    ['unpublished.example', 'rfc9989', 'unpublished.example'],
    ['Signing.Example.COM.', 'rfc9989', 'example.com'],
    ['signing.example.com', 'rfc7489', 'example.com'],
    ['mail.mega.bank.example', 'rfc7489', 'bank.example'],
    ['x.dept.corp.example', 'rfc7489', 'corp.example'],
    ['news.example.co.uk', 'rfc7489', 'example.co.uk'], // ICANN section, two-label suffix
    ['alice.github.io', 'rfc7489', 'alice.github.io'], // PRIVATE section
    ['www.city.kawasaki.jp', 'rfc7489', 'city.kawasaki.jp'], // exception rule !city.kawasaki.jp
    ['a.foo.kawasaki.jp', 'rfc7489', 'a.foo.kawasaki.jp'], // wildcard rule *.kawasaki.jp
    ['co.uk', 'rfc7489', 'co.uk'], // a public suffix is its own Organizational Domain
    ['a.b.unknown-tld-xyz', 'rfc7489', 'b.unknown-tld-xyz'], // the implicit "*" rule
    ['bücher.example', 'rfc7489', 'xn--bcher-kva.example'],
  ] as const)('%s (%s) -> %s', async ([domain, mode, expected]) => {
    const result = await organizationalDomain(domain, { resolver: zone, mode: mode as DmarcMode });
    expect(result).toMatchObject({ ok: true, organizationalDomain: expected, method: mode === 'rfc9989' ? 'tree-walk' : 'psl' });
  });

  test('reports the queries of the walk', async () => {
    const result = await organizationalDomain('mail.giant.bank.example', { resolver: zone });
    expect(result.queries.map((q) => [q.name, q.outcome])).toEqual([
      ['_dmarc.mail.giant.bank.example', 'none'],
      ['_dmarc.giant.bank.example', 'record'],
      ['_dmarc.bank.example', 'record'],
    ]);
    expect(result).toMatchObject({ rule: 'psd=y' });
  });

  test('legacy mode asks no DNS', async () => {
    const result = await organizationalDomain('mail.giant.bank.example', { resolver: zone, mode: 'rfc7489' });
    expect(result).toMatchObject({ ok: true, rule: 'psl', queries: [] });
  });

  test('a timeout during the walk is a temperror, not an exception', async () => {
    const result = await organizationalDomain('x.align.example', { resolver: zone });
    expect(result).toMatchObject({ ok: false, problem: { code: 'dns-temperror' } });
  });

  test.for(['', '.', 'a..b', 'exa mple.com', `${'a'.repeat(64)}.example`, '[192.0.2.1]'])('rejects %j as a domain', async (domain) => {
    const result = await organizationalDomain(domain, { resolver: zone });
    expect(result).toMatchObject({ ok: false, problem: { code: 'invalid-domain' } });
  });
});
