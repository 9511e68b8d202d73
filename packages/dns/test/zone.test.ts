import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { parseAllDocuments } from 'yaml';
import { describe, expect, test } from 'vitest';
import { DnsError, ZoneResolver, type RecordType, type ZoneData } from '../src/index.js';
import { fixturePath } from './support/fixtures.js';

/** The answer of one question: its records, or the DnsError code it failed with. */
async function answer(resolver: ZoneResolver, type: RecordType, name: string): Promise<unknown> {
  try {
    return (await resolver.lookup(type, name)).records;
  } catch (error) {
    if (error instanceof DnsError) return error.code;
    throw error;
  }
}

describe('ZoneResolver on its own fixture', async () => {
  const zone = await ZoneResolver.fromFile(fixturePath('zones', 'zone-resolver.yaml'));

  test.for([
    ['TXT', 'example.com', [['v=spf1 -all'], ['v=DMARC1; ', 'p=none']], 'TXT strings stay unjoined'],
    ['A', 'example.com', ['192.0.2.1', '192.0.2.2'], 'every A in order'],
    ['AAAA', 'example.com', ['2001:db8::1'], 'IPv6 in RFC 5952 form'],
    ['MX', 'example.com', [{ priority: 10, exchange: 'mx1.example.com' }, { priority: 20, exchange: 'Mx2.Example.com' }], 'MX without trailing dot, case kept'],
    ['MX', 'null-mx.example.com', [{ priority: 0, exchange: '' }], 'null MX (RFC 7505) as an empty exchange'],
    ['A', 'EXAMPLE.com.', ['192.0.2.1', '192.0.2.2'], 'names are case-insensitive, trailing dot optional'],
    ['A', 'upper.example.com', ['192.0.2.3'], 'zone keys are case-insensitive too'],
    ['TXT', 'nowhere.example.com', 'NXDOMAIN', 'an unlisted name'],
    ['TXT', 'null-mx.example.com', 'NODATA', 'a listed name without that type'],
    ['A', 'empty-name.example.com', 'NODATA', 'a name listed with no entries exists'],
    ['TXT', 'spf-only.example.com', [['v=spf1 a -all']], 'SPF entries served as TXT when no TXT entry'],
    ['TXT', 'spf-and-none.example.com', 'NODATA', 'TXT: NONE stops SPF entries being served as TXT'],
    ['TXT', 'txt-then-timeout.example.com', [['v=spf1 -all']], 'a type listed before TIMEOUT answers'],
    ['A', 'txt-then-timeout.example.com', 'TEMPFAIL', 'a type not listed before TIMEOUT times out'],
    ['MX', 'all-timeout.example.com', 'TEMPFAIL', 'a bare TIMEOUT times out every type'],
    ['A', 'a-timeout.example.com', 'TEMPFAIL', 'A: TIMEOUT times out A only'],
    ['TXT', 'a-timeout.example.com', [['TIMEOUT']], 'a TXT list is text even when it says TIMEOUT'],
    ['MX', 'a-timeout.example.com', [{ priority: 5, exchange: 'mail.example.com' }], 'other types still answer'],
    ['A', 'ent.example.com', 'NODATA', 'an empty non-terminal exists (RFC 8020)'],
    ['TXT', 'other.ent.example.com', 'NXDOMAIN', 'a sibling of a listed name does not exist'],
    ['TXT', 'anything.wild.example.com', [['wildcard']], 'a wildcard answers for a missing name (RFC 4592)'],
    ['TXT', 'deep.er.wild.example.com', [['wildcard']], 'a wildcard covers several missing labels'],
    ['TXT', 'exists.wild.example.com', 'NODATA', 'a wildcard does not answer for an existing name'],
    ['TXT', 'below.exists.wild.example.com', 'NXDOMAIN', 'the closest encloser has no wildcard'],
    ['A', 'wild.example.com', 'NODATA', 'the parent of a wildcard is an empty non-terminal'],
    ['A', 'alias.example.com', ['192.0.2.1', '192.0.2.2'], 'a CNAME chain is followed'],
    ['TXT', 'dangling.example.com', 'NXDOMAIN', 'a CNAME to a missing name'],
    ['TXT', 'loop1.example.com', 'TEMPFAIL', 'a CNAME loop is a server failure'],
    ['A', 'self.example.com', 'TEMPFAIL', 'a CNAME to itself'],
    ['A', 'alias-timeout.example.com', 'TEMPFAIL', 'a CNAME with a TIMEOUT times out'],
    ['TXT', 'utf8.example.com', [['caf\u00e9 \u00e2\u0082\u00ac']], 'TXT as octets: Latin-1 kept, U+20AC as its UTF-8 octets'],
    ['TXT', 'empty-record.example.com', [[]], 'an SPF entry with no strings stays empty (openspf null-text)'],
    ['TXT', 'twice.example.com', [['v=spf1 -all'], ['v=spf1 -all']], 'duplicate records are kept'],
    ['PTR', '192.0.2.4', ['example.com'], 'PTR under in-addr.arpa'],
    ['PTR', '::ffff:192.0.2.4', ['example.com'], 'an IPv4-mapped address is asked as IPv4'],
    ['PTR', '2001:db8::1', ['v6.Example.com'], 'PTR under ip6.arpa written in upper case'],
    ['PTR', '192.0.2.5', 'NXDOMAIN', 'an address without PTR'],
    ['PTR', 'example.com', 'INVALID_NAME', 'PTR takes an address'],
    ['A', 'a..example.com', 'INVALID_NAME', 'an empty label'],
    ['A', `${'a'.repeat(64)}.example.com`, 'INVALID_NAME', 'a label over 63 octets'],
    ['A', 'bücher.example', 'INVALID_NAME', 'names are asked in A-label form'],
  ] as const)('%s %s -> %j (%s)', async ([type, name, expected]) => {
    expect(await answer(zone, type, name)).toEqual(expected);
  });

  test('a TXT string over 255 octets is split into 255-octet character-strings', async () => {
    const [record] = await zone.txt('long.example.com');
    expect(record!.map((piece) => piece.length)).toEqual([255, 58]);
    expect(record!.join('')).toMatch(/^v=DKIM1; k=rsa; p=MIIB.*QIDAQAB$/);
  });

  test('every answer is a copy the caller may change', async () => {
    const first = await zone.mx('example.com');
    first.sort((a, b) => b.priority - a.priority);
    first[0]!.exchange = 'changed';
    const txt = await zone.txt('example.com');
    txt[1]!.push('changed');
    expect(await zone.mx('example.com')).toEqual([
      { priority: 10, exchange: 'mx1.example.com' },
      { priority: 20, exchange: 'Mx2.Example.com' },
    ]);
    expect((await zone.txt('example.com'))[1]).toEqual(['v=DMARC1; ', 'p=none']);
  });

  test('the Resolver methods and lookup agree', async () => {
    expect(await zone.a('example.com')).toEqual((await zone.lookup('A', 'example.com')).records);
    expect(await zone.ptr('192.0.2.4')).toEqual(['example.com']);
    await expect(zone.aaaa('nowhere.example.com')).rejects.toMatchObject({ code: 'NXDOMAIN', rrtype: 'AAAA', hostname: 'nowhere.example.com' });
  });
});

describe('ZoneResolver loading', () => {
  test('reads a JSON file holding the zonedata map itself', async () => {
    const zone = await ZoneResolver.fromFile(fixturePath('zones', 'minimal.json'));
    expect(await zone.txt('json.example')).toEqual([['v=spf1 ip4:192.0.2.0/24 -all']]);
  });

  test('refuses a file of several YAML documents, naming the problem', async () => {
    await expect(ZoneResolver.fromFile(fixturePath('openspf', 'rfc7208-tests.yml'))).rejects.toThrow(/YAML documents/);
  });

  test.for([
    [{ 'x.example': [{ NS: 'ns.example' }] }, /unknown type/, 'an unsupported record type'],
    [{ 'x.example': [{ MX: 'mail.example' }] }, /MX entry/, 'MX without a priority'],
    [{ 'x.example': [42] }, /unknown type/, 'an entry that is not a map'],
    [{ 'x.example': { A: '192.0.2.1' } }, /must be a list/, 'entries not in a list'],
  ] as const)('refuses zone data with %j (%s)', ([zonedata, message]) => {
    expect(() => new ZoneResolver(zonedata as unknown as ZoneData)).toThrow(message);
  });

  test('malformed zone data is refused with a TypeError, never another kind of failure', () => {
    const entry = fc.oneof(
      fc.constant('TIMEOUT'),
      fc.dictionary(fc.constantFrom('TXT', 'SPF', 'A', 'AAAA', 'MX', 'PTR', 'CNAME', 'NS'), fc.jsonValue(), { maxKeys: 2 }),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.array(entry, { maxLength: 5 }), fc.jsonValue())), (zonedata) => {
        try {
          new ZoneResolver(zonedata as unknown as ZoneData);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          expect((error as Error).message).toMatch(/^dns: /);
        }
      }),
    );
  });

  test('never answers anything but records or a DnsError, whatever the name', async () => {
    const zone = new ZoneResolver({ 'example.com': [{ A: '192.0.2.1' }], '*.example.com': [{ TXT: 'w' }] });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<RecordType>('TXT', 'A', 'AAAA', 'MX', 'PTR'), fc.string({ maxLength: 300 }), async (type, name) => {
        try {
          const { records } = await zone.lookup(type, name);
          expect(records.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(DnsError);
        }
      }),
    );
  });
});

/** The openspf RFC 7208 suite, every document: its zonedata must answer as the suite intends. */
describe('ZoneResolver on the openspf suite zonedata', () => {
  const documents = parseAllDocuments(readFileSync(fixturePath('openspf', 'rfc7208-tests.yml'), 'utf8'));
  const scenarios = (Array.isArray(documents) ? documents : []).map((document) => {
    const data = document.toJS() as { description: string; zonedata: ZoneData };
    return [data.description, data.zonedata] as const;
  });

  test('the suite has its 16 documents', () => {
    expect(scenarios.length).toBe(16);
  });

  test.for(scenarios)('%s: every name answers what its entries say', async ([, zonedata]) => {
    const zone = new ZoneResolver(zonedata);
    for (const [name, entries] of Object.entries(zonedata)) {
      for (const type of ['TXT', 'A', 'AAAA', 'MX'] as const) {
        const got = await answer(zone, type, name.toLowerCase());
        expect(got, `${type} ${name}`).toEqual(expectedFromEntries(type, entries ?? []));
      }
      const address = addressOfReverseName(name);
      if (address !== undefined) {
        expect(await answer(zone, 'PTR', address), `PTR ${name}`).toEqual(expectedFromEntries('PTR', entries ?? []));
      }
    }
  });

  /** The scenarios whose expected results hinge on how the zone answers, checked one by one. */
  const intents = [
    ['Record lookup', 'TXT', 'both.example.net', [['v=spf1 -all']], 'both: TXT served, SPF not added'],
    ['Record lookup', 'TXT', 'txtonly.example.net', [['v=spf1 -all']], 'txtonly'],
    ['Record lookup', 'TXT', 'spfonly.example.net', 'NODATA', 'spfonly: TXT NONE -> result none'],
    ['Record lookup', 'TXT', 'spftimeout.example.net', [['v=spf1 -all']], 'spftimeout: only the SPF type times out -> fail'],
    ['Record lookup', 'TXT', 'txttimeout.example.net', 'TEMPFAIL', 'txttimeout -> temperror'],
    ['Record lookup', 'TXT', 'nospftxttimeout.example.net', 'TEMPFAIL', 'nospftxttimeout -> temperror'],
    ['Record lookup', 'TXT', 'alltimeout.example.net', 'TEMPFAIL', 'alltimeout -> temperror'],
    ['Initial processing', 'TXT', 'example.com', 'TEMPFAIL', 'toolonglabel helo domain times out'],
    ['Initial processing', 'TXT', 'null.example.com', [['v=spf1 ip4:', '192.0.2.5 -all'], []], 'null-text: the empty record stays'],
    ['Selecting records', 'TXT', 'example7.com', [['v=spf1 -all'], ['v=spf1 -all']], 'two identical records -> permerror'],
    ['Selecting records', 'TXT', 'example5.com', [['v=spf1 -all'], ['v=spf1 +all']], 'SPF ignored when TXT exists'],
    ['PTR mechanism syntax', 'PTR', '192.0.2.4', ['loop4.example.com'], 'ptr-cname-loop: PTR answered'],
    ['PTR mechanism syntax', 'A', 'loop4.example.com', 'TEMPFAIL', 'ptr-cname-loop: the CNAME loops'],
    ['PTR mechanism syntax', 'PTR', 'CAFE:BABE::1', ['e3.example.com'], 'upper-case ip6.arpa name'],
    ['MX mechanism syntax', 'MX', 'mail.example.com', [{ priority: 0, exchange: '' }], 'MX [0, ""]'],
    ['Macro expansion rules', 'A', 'macro%percent  space%20url-space.example.com', ['1.2.3.4'], 'macro-mania-in-domain'],
    ['Processing limits', 'A', 'err.example.com', 'NXDOMAIN', 'names the suite never lists do not exist'],
    ['Test cases from implementation bugs', 'TXT', 'b.example.org', [['Another TXT record.'], ['v=spf1 ip4:192.0.2.225 ?include:webmail.pair.com ?include:relay.pair.com -all'], ['More TXT records.'], ['A third TXT record.']], 'CNAME to a name with several TXT'],
  ] as const;

  test.for(intents)('%s: %s %s -> %j (%s)', async ([description, type, name, expected]) => {
    const zonedata = scenarios.find(([title]) => title === description)?.[1];
    expect(zonedata, description).toBeDefined();
    expect(await answer(new ZoneResolver(zonedata!), type, name)).toEqual(expected);
  });
});

/**
 * An independent, deliberately naive reading of a name's entries for the names where no suite
 * convention beyond "SPF serves as TXT without a TXT entry" applies; the others are checked by
 * the intents table above.
 */
function expectedFromEntries(type: RecordType, entries: unknown[]): unknown {
  const maps = entries.filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null);
  if (entries.includes('TIMEOUT') || maps.some((entry) => 'CNAME' in entry)) return expect.anything();
  const hasTxt = maps.some((entry) => 'TXT' in entry);
  const source = type === 'TXT' && !hasTxt ? 'SPF' : type;
  const values = maps.filter((entry) => source in entry && entry[source] !== 'NONE').map((entry) => entry[source]);
  if (values.length === 0) return 'NODATA';
  return values.map((value) => {
    if (type === 'TXT') return (Array.isArray(value) ? value : [value]).map((text) => String(text));
    if (type === 'MX') {
      const [priority, host] = value as [number, string];
      return { priority, exchange: String(host).replace(/\.$/, '') };
    }
    if (type === 'PTR') return String(value).replace(/\.$/, '');
    return ipaddr.parse(String(value)).toString();
  });
}

/** The address whose reverse name `name` is, for names under in-addr.arpa and ip6.arpa. */
function addressOfReverseName(name: string): string | undefined {
  const labels = name.toLowerCase().split('.');
  if (name.toLowerCase().endsWith('.in-addr.arpa') && labels.length === 6) return labels.slice(0, 4).reverse().join('.');
  if (!name.toLowerCase().endsWith('.ip6.arpa') || labels.length !== 34) return undefined;
  const nibbles = labels.slice(0, 32).reverse().join('');
  return nibbles.match(/.{4}/g)!.join(':');
}
