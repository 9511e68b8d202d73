import type { ZoneResolver } from '@authgate/dns';
import { beforeAll, describe, expect, test } from 'vitest';
import { discoverPolicy, type PolicyDiscovery } from '../src/index.js';
import { fixtureZone } from './fixtures.js';

let zone: ZoneResolver;
beforeAll(async () => {
  zone = await fixtureZone();
});

const names = (discovery: PolicyDiscovery) => discovery.queries.map((q) => `${q.name} ${q.outcome}`);

describe('discoverPolicy', () => {
  test('the author domain publishes its own record: p applies, no walk for the policy', async () => {
    const discovery = await discoverPolicy('example.com', { resolver: zone });
    expect(discovery).toMatchObject({
      result: 'found', domain: 'example.com', policyDomain: 'example.com', source: 'author', organizationalDomain: 'example.com',
      policies: { p: 'reject', sp: 'quarantine' }, warnings: [],
    });
    // The policy needed one query; the Organizational Domain walk continued to the TLD.
    expect(names(discovery)).toEqual(['_dmarc.example.com record', '_dmarc.com none']);
  });

  test('a subdomain finds the Organizational Domain record by the tree walk', async () => {
    const discovery = await discoverPolicy('a.news.example.com', { resolver: zone });
    expect(discovery).toMatchObject({ result: 'found', policyDomain: 'example.com', source: 'organizational', organizationalDomain: 'example.com' });
    expect(names(discovery)).toEqual(['_dmarc.a.news.example.com none', '_dmarc.news.example.com none', '_dmarc.example.com record', '_dmarc.com none']);
  });

  test('a registrant under a PSD without its own record gets the PSD record', async () => {
    const discovery = await discoverPolicy('orphan.co.uk', { resolver: zone });
    expect(discovery).toMatchObject({ result: 'found', policyDomain: 'co.uk', source: 'psd', organizationalDomain: 'orphan.co.uk', policies: { p: 'quarantine', np: 'reject' } });
  });

  test('psd=n stops the walk', async () => {
    const discovery = await discoverPolicy('x.dept.corp.example', { resolver: zone });
    expect(names(discovery)).toEqual(['_dmarc.x.dept.corp.example none', '_dmarc.dept.corp.example record']);
    expect(discovery).toMatchObject({ policyDomain: 'dept.corp.example', organizationalDomain: 'dept.corp.example' });
  });

  test('legacy mode: the author domain, then the PSL Organizational Domain', async () => {
    const discovery = await discoverPolicy('x.dept.corp.example', { resolver: zone, mode: 'rfc7489' });
    expect(names(discovery)).toEqual(['_dmarc.x.dept.corp.example none', '_dmarc.corp.example record']);
    expect(discovery).toMatchObject({ mode: 'rfc7489', result: 'found', policyDomain: 'corp.example', source: 'organizational', organizationalDomain: 'corp.example' });
  });

  test('explains a TXT record that looks like DMARC but is not', async () => {
    const discovery = await discoverPolicy('notdmarc.example', { resolver: zone });
    expect(discovery).toMatchObject({ result: 'none', problem: { code: 'no-policy' } });
    expect(discovery.warnings).toEqual([expect.stringMatching(/"v=DMARC1 p=reject" ignored/)]);
    expect(discovery.queries[0]).toMatchObject({ outcome: 'none', ignored: ['v=spf1 -all', 'v=DMARC1 p=reject'] });
  });

  test('several records at the author domain: discarded, and said so', async () => {
    const discovery = await discoverPolicy('dup.example', { resolver: zone });
    expect(discovery).toMatchObject({ result: 'none', problem: { code: 'multiple-records' } });
    expect(discovery.warnings).toEqual([expect.stringMatching(/_dmarc\.dup\.example: 2 DMARC records, all discarded/)]);
  });

  test('several records at a subdomain: RFC 9989 walks on, RFC 7489 stops', async () => {
    const current = await discoverPolicy('multi.dupparent.example', { resolver: zone });
    expect(current).toMatchObject({ result: 'found', policyDomain: 'dupparent.example' });
    const legacy = await discoverPolicy('multi.dupparent.example', { resolver: zone, mode: 'rfc7489' });
    expect(legacy).toMatchObject({ result: 'none', problem: { code: 'multiple-records' } });
  });

  test('an invalid p with a valid rua is read as p=none, with a warning', async () => {
    const discovery = await discoverPolicy('badp-rua.example', { resolver: zone });
    expect(discovery).toMatchObject({ result: 'found', policies: { p: 'none' } });
    expect(discovery.warnings.join('\n')).toMatch(/p=bogus: expected none, quarantine, reject/);
    expect(discovery.warnings.join('\n')).toMatch(/read as p=none because rua is valid/);
  });

  test('mode-specific tags are explained', async () => {
    const current = await discoverPolicy('mixed.example', { resolver: zone });
    expect(current.warnings.join('\n')).toMatch(/pct is an RFC 7489 tag that RFC 9989 removed/);
    const legacy = await discoverPolicy('mixed.example', { resolver: zone, mode: 'rfc7489' });
    expect(legacy).toMatchObject({ result: 'found', record: { pct: 20 } });
  });

  test.for([
    ['duptag.example', 'permerror', 'malformed-record'],
    ['badp.example', 'permerror', 'invalid-policy'],
    ['slow.example', 'temperror', 'dns-temperror'],
    ['a.slowparent.example', 'temperror', 'dns-temperror'],
    ['nopolicy.example', 'none', 'no-policy'],
    ['not a domain', 'none', 'invalid-domain'],
  ] as const)('%s -> %s (%s)', async ([domain, result, code]) => {
    expect(await discoverPolicy(domain, { resolver: zone })).toMatchObject({ result, problem: { code } });
  });

  test('the Organizational Domain walk failing leaves a warning, not an error', async () => {
    const discovery = await discoverPolicy('x.align.example', { resolver: zone });
    expect(discovery).toMatchObject({ result: 'temperror' });
    expect(discovery.organizationalDomain).toBeUndefined();
  });
});
