import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ZoneData } from '@authgate/dns';
import { domainName, zoneDataToMasterFile } from '../src/index.js';

/** The record lines of the generated zone, without the SOA/NS header. */
function recordLines(zoneData: ZoneData): string[] {
  return zoneDataToMasterFile(zoneData).text.trim().split('\n').slice(4);
}

describe('zoneDataToMasterFile', () => {
  test('opens with the root zone apex: origin, TTL, SOA and NS', () => {
    const { text } = zoneDataToMasterFile({}, { ttl: 120, negativeTtl: 30 });
    expect(text.split('\n').slice(0, 4)).toEqual([
      '$ORIGIN .',
      '$TTL 120',
      '. SOA ns.authgate.invalid. hostmaster.authgate.invalid. 1 3600 600 86400 30',
      '. NS ns.authgate.invalid.',
    ]);
  });

  test.for([
    [{ 'Example.COM': [{ A: '192.0.2.1' }] }, ['example.com. A 192.0.2.1'], 'names normalized and absolute'],
    [{ 'x.example': [{ AAAA: '2001:DB8::1' }] }, ['x.example. AAAA 2001:db8::1'], 'IPv6 in canonical form'],
    [{ 'x.example': [{ TXT: ['v=spf1 ', '-all'] }] }, ['x.example. TXT "v=spf1 " "-all"'], 'several character-strings'],
    [{ 'x.example': [{ TXT: 'say "hi" \\ bye' }] }, ['x.example. TXT "say \\034hi\\034 \\092 bye"'], 'quotes and backslashes escaped'],
    [{ 'x.example': [{ TXT: 'caf\u00e9\u20ac' }] }, ['x.example. TXT "caf\\233\\226\\130\\172"'], 'octets outside ASCII as \\DDD'],
    [{ 'x.example': [{ TXT: 'a'.repeat(300) }] }, [`x.example. TXT "${'a'.repeat(255)}" "${'a'.repeat(45)}"`], 'strings over 255 octets split'],
    [{ 'x.example': [{ SPF: 'v=spf1 -all' }] }, ['x.example. TXT "v=spf1 -all"', 'x.example. SPF "v=spf1 -all"'], 'SPF served as TXT and as type 99'],
    [{ 'x.example': [{ SPF: 'v=spf1 -all' }, { TXT: 'NONE' }] }, ['x.example. SPF "v=spf1 -all"'], 'TXT: NONE'],
    [{ 'x.example': [{ MX: [10, 'Mail.example.'] }, { MX: [0, ''] }] }, ['x.example. MX 10 Mail.example.', 'x.example. MX 0 .'], 'MX (case kept), null MX as the root'],
    [{ '1.2.0.192.in-addr.arpa': [{ PTR: 'host.example' }] }, ['1.2.0.192.in-addr.arpa. PTR host.example.'], 'PTR'],
    [{ 'www.example': [{ CNAME: 'Example.' }] }, ['www.example. CNAME example.'], 'CNAME'],
    [{ '*.example': [{ TXT: 'w' }] }, ['*.example. TXT "w"'], 'a wildcard label stays a wildcard'],
    [{ 'macro%percent  space.example': [{ A: '1.2.3.4' }] }, ['macro\\037percent\\032\\032space.example. A 1.2.3.4'], 'odd label octets escaped'],
    [{ '_dmarc.x-y.example': [{ TXT: 'v=DMARC1' }] }, ['_dmarc.x-y.example. TXT "v=DMARC1"'], 'underscore and hyphen as they are'],
    [{ 'empty.example': [] }, ['empty.example. TYPE65280 \\# 0'], 'a listed name without records still exists'],
  ] as const)('%j -> %j (%s)', ([zoneData, lines]) => {
    expect(recordLines(zoneData as unknown as ZoneData)).toEqual(lines);
  });

  test.for([
    ['TIMEOUT', { 't.example': [{ TXT: 'v=spf1 -all' }, 'TIMEOUT'] }, ['t.example. TXT "v=spf1 -all"'], /TIMEOUT of A, AAAA, MX, PTR/],
    ['duplicates', { 'd.example': [{ TXT: 'x' }, { TXT: 'x' }] }, ['d.example. TXT "x"'], /duplicate TXT/],
    ['a CNAME beside data', { 'c.example': [{ CNAME: 'x.example' }, { A: '192.0.2.1' }] }, ['c.example. CNAME x.example.'], /CNAME beside other data/],
    ['a TXT of no strings', { 'n.example': [{ SPF: [] }] }, ['n.example. TXT ""', 'n.example. SPF ""'], /no strings/],
    ['a bad address', { 'b.example': [{ A: '192.0.2.300' }] }, ['b.example. TYPE65280 \\# 0'], /not an address/],
    ['an MX priority out of range', { 'm.example': [{ MX: [70000, 'x.example'] }] }, ['m.example. TYPE65280 \\# 0'], /16-bit/],
    ['a name no query could ask', { 'a..example': [{ A: '192.0.2.1' }] }, [], /left out/],
    ['a target that is not a name', { 'p.example': [{ PTR: 'a..example' }, { MX: [1, `${'x'.repeat(64)}.example`] }] }, ['p.example. TYPE65280 \\# 0'], /MX target "x+\.example" is not a domain name[^]*PTR target "a..example"/],
    ['a CNAME loop', { 'l.example': [{ CNAME: 'm.example' }], 'm.example': [{ CNAME: 'l.example' }] }, ['l.example. CNAME m.example.', 'm.example. CNAME l.example.'], /CNAME loop/],
  ] as const)('reports what it cannot serve: %s', ([, zoneData, lines, reason]) => {
    const master = zoneDataToMasterFile(zoneData as unknown as ZoneData);
    expect(master.text.trim().split('\n').slice(4)).toEqual(lines);
    expect(master.unservable.map((item) => item.reason).join('\n')).toMatch(reason);
  });
});

describe('domainName', () => {
  test('writes only safe characters, one escape per octet, and ends in a dot', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 20 }).filter((label) => !label.includes('.')), { minLength: 1, maxLength: 4 }), (labels) => {
        const written = domainName(labels.map((label) => label.replace(/[^\x00-\x7f]/g, 'x')).join('.'));
        expect(written).toMatch(/^(?:(?:\*|(?:[A-Za-z0-9_-]|\\\d{3})+)\.)+$/);
      }),
    );
  });

  test('the root is a lone dot', () => {
    expect(domainName('')).toBe('.');
  });
});
