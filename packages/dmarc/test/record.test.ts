import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatDmarcRecord, parseDmarcRecord, type DmarcMode, type DmarcRecord } from '../src/index.js';

const MODES: DmarcMode[] = ['rfc9989', 'rfc7489'];

describe('parseDmarcRecord: records that parse', () => {
  test.for([
    ['v=DMARC1; p=none', 'rfc9989', { v: 'DMARC1', p: 'none' }],
    ['v=DMARC1; p=reject; sp=quarantine; np=none', 'rfc9989', { p: 'reject', sp: 'quarantine', np: 'none' }],
    ['v=DMARC1;p=quarantine;adkim=s;aspf=r', 'rfc9989', { p: 'quarantine', adkim: 's', aspf: 'r' }],
    ['v=DMARC1; p=reject; psd=y; t=y', 'rfc9989', { psd: 'y', t: 'y' }],
    ['v=DMARC1; p=reject; psd=u; t=n', 'rfc9989', { psd: 'u', t: 'n' }],
    ['v = DMARC1 ; p = reject ;', 'rfc9989', { p: 'reject' }], // WSP around "=" and ";" (§4.8 equals, dmarc-sep)
    ['\tv=DMARC1;\tp=none\t', 'rfc9989', { p: 'none' }],
    ['V=DMARC1; P=Reject; ADKIM=S', 'rfc9989', { p: 'reject', adkim: 's' }], // ABNF literals are case-insensitive
    ['v=DMARC1; p=none; fo=1:d:s', 'rfc9989', { fo: ['1', 'd', 's'] }],
    ['v=DMARC1; p=none; fo=d', 'rfc9989', { fo: ['d'] }],
    ['v=DMARC1; p=none; fo=0:1', 'rfc7489', { fo: ['0', '1'] }], // any sequence in RFC 7489 §6.4
    ['v=DMARC1; p=none; pct=0; rf=afrf; ri=3600', 'rfc7489', { pct: 0, rf: ['afrf'], ri: 3600 }],
    ['v=DMARC1; p=none; pct=100', 'rfc7489', { pct: 100 }],
    ['v=DMARC1; p=none; pct=007', 'rfc7489', { pct: 7 }],
    ['v=DMARC1; p=none; ri=4294967295', 'rfc7489', { ri: 4294967295 }],
    ['v=DMARC1; p=none; rua=mailto:a@example.com', 'rfc9989', { rua: [{ uri: 'mailto:a@example.com', scheme: 'mailto', addresses: ['a@example.com'] }] }],
    ['v=DMARC1; p=none; rua=mailto:a@example.com , https://r.example/x!10m', 'rfc9989', { rua: [{ scheme: 'mailto' }, { scheme: 'https', maxSize: { count: 10, unit: 'm', bytes: 10485760 } }] }],
    ['v=DMARC1', 'rfc9989', { v: 'DMARC1' }],
    ['v=DMARC1;', 'rfc9989', { v: 'DMARC1' }],
  ] as const)('%s (%s)', ([text, mode, expected]) => {
    const result = parseDmarcRecord(text, { mode });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.record).toMatchObject(expected);
  });

  test('a record with every tag keeps only what it says; defaults stay implicit', () => {
    const result = parseDmarcRecord('v=DMARC1; p=reject');
    expect(result).toEqual({ ok: true, record: { v: 'DMARC1', p: 'reject' }, warnings: [] });
  });
});

describe('parseDmarcRecord: not DMARC and malformed', () => {
  test.for([
    ['', 'empty'],
    ['v=spf1 -all', 'another record type'],
    ['p=reject; v=DMARC1', 'v not first (§4.7)'],
    ['v=DMARC2; p=none', 'another version'],
    ['v=dmarc1; p=none', 'the version value is case-sensitive (%s"DMARC1")'],
    ['v=DMARC1 p=reject', 'no separator: the v value is "DMARC1 p=reject"'],
    ['v:DMARC1; p=none', 'not tag=value'],
    ['v=DMARC1x; p=none', 'v value with a suffix'],
    ['; v=DMARC1; p=none', 'empty first tag'],
  ] as const)('not-dmarc: %j (%s)', ([text]) => {
    for (const mode of MODES) {
      const result = parseDmarcRecord(text, { mode });
      expect(result).toMatchObject({ ok: false, kind: 'not-dmarc', problem: { code: 'not-dmarc' } });
    }
  });

  test.for([
    ['v=DMARC1; p=none; p=reject', MODES, 'dup'],
    ['v=DMARC1; p=none; P=reject', MODES, 'dup, case-insensitive'],
    ['v=DMARC1; p=none; v=DMARC1', MODES, 'dup v'],
    ['v=DMARC1; p=none; rua=mailto:a@a.example; rua=mailto:b@b.example', MODES, 'dup rua'],
    ['v=DMARC1; p=none; sp=bogus; sp=none', MODES, 'dup even when one value is invalid'],
    ['v=DMARC1; p=none; np=none; np=reject', ['rfc9989'], 'dup np (an RFC 9989 tag)'],
    ['v=DMARC1; p=none; pct=10; pct=20', ['rfc7489'], 'dup pct (an RFC 7489 tag)'],
  ] as const)('malformed: %s (%s)', ([text, modes]) => {
    for (const mode of modes) {
      expect(parseDmarcRecord(text, { mode })).toMatchObject({ ok: false, kind: 'malformed', problem: { code: 'duplicate-tag' } });
    }
  });

  test.for([
    ['v=DMARC1; p=none; pct=10; pct=20', 'rfc9989'],
    ['v=DMARC1; p=none; np=none; np=reject', 'rfc7489'],
    ['v=DMARC1; p=none; x=1; x=2', 'rfc9989'],
  ] as const)('a repeated unknown tag is only a warning: %s (%s)', ([text, mode]) => {
    const result = parseDmarcRecord(text, { mode });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.warnings.join('\n')).toMatch(/repeated/);
  });
});

describe('parseDmarcRecord: syntax errors fall back to defaults with a warning (RFC 9989 §4.8)', () => {
  test.for([
    ['v=DMARC1; p=none; adkim=x', 'rfc9989', { adkim: undefined, invalid: { adkim: 'x' } }, /adkim=x/],
    ['v=DMARC1; p=reject; sp=maybe', 'rfc9989', { sp: undefined, invalid: { sp: 'maybe' } }, /sp=maybe/],
    ['v=DMARC1; p=', 'rfc9989', { p: undefined, invalid: { p: '' } }, /p=/],
    ['v=DMARC1; p=none; psd=maybe', 'rfc9989', { invalid: { psd: 'maybe' } }, /psd/],
    ['v=DMARC1; p=none; t=yes', 'rfc9989', { invalid: { t: 'yes' } }, /t=yes/],
    ['v=DMARC1; p=none; fo=0:1', 'rfc9989', { invalid: { fo: '0:1' } }, /not both 0 and 1/],
    ['v=DMARC1; p=none; fo=d:d', 'rfc9989', { invalid: { fo: 'd:d' } }, /at most once/],
    ['v=DMARC1; p=none; fo=x', 'rfc7489', { invalid: { fo: 'x' } }, /fo=x/],
    ['v=DMARC1; p=none; pct=101', 'rfc7489', { invalid: { pct: '101' } }, /0 to 100/],
    ['v=DMARC1; p=none; pct=-1', 'rfc7489', { invalid: { pct: '-1' } }, /0 to 100/],
    ['v=DMARC1; p=none; pct=1000', 'rfc7489', { invalid: { pct: '1000' } }, /0 to 100/],
    ['v=DMARC1; p=none; ri=4294967296', 'rfc7489', { invalid: { ri: '4294967296' } }, /32-bit/],
    ['v=DMARC1; p=none; rf=afrf:iodef', 'rfc7489', { rf: ['afrf', 'iodef'] }, /unregistered report format iodef/],
    ['v=DMARC1; p=none; rua=bogus', 'rfc9989', { invalid: { rua: 'bogus' } }, /no valid URI/],
    ['v=DMARC1; p=none; rua=mailto:a@a.example,bogus', 'rfc9989', { rua: [{ addresses: ['a@a.example'] }] }, /bogus.*ignored/],
    // RFC 9989 §4.8: the obsolete size has no bound; RFC 7489 §6.4 bounds it to 64 bits.
    ['v=DMARC1; p=none; rua=mailto:a@a.example!99999999999999999999', 'rfc9989', { rua: [{ uri: 'mailto:a@a.example' }] }, /^$/],
    ['v=DMARC1; p=none; rua=mailto:a@a.example!99999999999999999999', 'rfc7489', { invalid: { rua: 'mailto:a@a.example!99999999999999999999' } }, /64-bit/],
    ['v=DMARC1; p=none; foo=bar', 'rfc9989', {}, /unknown tag foo/],
    ['v=DMARC1; p=none; pct=50', 'rfc9989', { pct: undefined }, /removed \(Appendix C\.5\.2\)/],
    ['v=DMARC1; p=none; np=reject', 'rfc7489', { np: undefined }, /not an RFC 7489 tag/],
    ['v=DMARC1; p=none;; adkim=s', 'rfc9989', { adkim: 's' }, /"" is not tag=value/],
    ['v=DMARC1; p=none; junk; adkim=s', 'rfc9989', { adkim: 's' }, /"junk" is not tag=value/],
    ['v=DMARC1; p=none; 9x=1', 'rfc9989', {}, /alphabetic tag name/],
    ['v=DMARC1; sp=none', 'rfc9989', { p: undefined }, /treated as p=none/],
    ['v=DMARC1; sp=none', 'rfc7489', { p: undefined }, /p is required/],
    ['v=DMARC1; rua=mailto:a@a.example; p=none', 'rfc7489', { p: 'none' }, /p should directly follow v/],
  ] as const)('%s (%s)', ([text, mode, expected, warning]) => {
    const result = parseDmarcRecord(text, { mode });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const present = Object.fromEntries(Object.entries(expected).filter(([, value]) => value !== undefined));
    expect(result.record).toMatchObject(present);
    for (const [key, value] of Object.entries(expected)) if (value === undefined) expect(result.record).not.toHaveProperty(key);
    expect(result.warnings.join('\n')).toMatch(warning);
  });
});

describe('formatDmarcRecord', () => {
  test.for([
    ['v=DMARC1;p=reject', 'v=DMARC1; p=reject'],
    ['v=DMARC1; rua=mailto:a@a.example!10M; adkim=S; p=Quarantine', 'v=DMARC1; p=quarantine; adkim=s; rua=mailto:a@a.example!10m'],
    ['v=DMARC1; p=bogus; sp=none', 'v=DMARC1; p=bogus; sp=none'],
    ['v=DMARC1; p=none; fo = 1 : d', 'v=DMARC1; p=none; fo=1:d'],
    ['v=DMARC1; p=none; foo=bar', 'v=DMARC1; p=none'],
    ['v=DMARC1', 'v=DMARC1'],
  ] as const)('%s -> %s', ([text, formatted]) => {
    const result = parseDmarcRecord(text);
    expect(result.ok && formatDmarcRecord(result.record)).toBe(formatted);
  });
});

const wsp = fc.constantFrom('', ' ', '\t', '  ');
const knownTag = fc.constantFrom('p', 'sp', 'np', 'adkim', 'aspf', 'psd', 't', 'fo', 'rua', 'ruf', 'pct', 'rf', 'ri', 'P', 'Adkim');
const tagName = fc.oneof(knownTag, fc.constantFrom('v', 'x', 'foo', '9'), fc.string({ maxLength: 4 }));
const tagValue = fc.oneof(
  fc.constantFrom('none', 'reject', 'Quarantine', 'r', 's', 'y', 'n', 'u', '0', '1:d', 'd:s', '0:1', '50', '101', 'afrf', '86400', ''),
  fc.constantFrom('mailto:a@example.com', 'mailto:a@example.com!5k', 'https://r.example/x', 'mailto:a@example.com, bogus', 'mailto:%2C@x.example!9999999999999999999'),
  fc.string({ maxLength: 12 }).map((s) => s.replaceAll(';', '')),
);
const tag = fc.tuple(tagName, wsp, tagValue).map(([name, space, value]) => `${name}${space}=${space}${value}`);
const dmarcText = fc
  .tuple(fc.constantFrom('v=DMARC1', 'V = DMARC1', 'v=DMARC1 '), fc.array(fc.tuple(wsp, fc.oneof(tag, fc.string({ maxLength: 6 }))), { maxLength: 8 }), fc.boolean())
  .map(([version, tags, trailing]) => version + tags.map(([space, t]) => `;${space}${t}`).join('') + (trailing ? ';' : ''));

describe('parseDmarcRecord properties', () => {
  test('never throws, on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), dmarcText), fc.constantFrom(...MODES), (text, mode) => {
        const result = parseDmarcRecord(text, { mode });
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(['not-dmarc', 'malformed']).toContain(result.kind);
      }),
      { numRuns: 3000 },
    );
  });

  test('parse -> format -> parse gives back the record', () => {
    fc.assert(
      fc.property(dmarcText, fc.constantFrom(...MODES), (text, mode) => {
        const first = parseDmarcRecord(text, { mode });
        if (!first.ok) return;
        const again = parseDmarcRecord(formatDmarcRecord(first.record), { mode });
        expect(again.ok && again.record).toEqual(first.record);
      }),
      { numRuns: 3000 },
    );
  });

  const policy = fc.constantFrom('none', 'quarantine', 'reject' as const);
  const uri = fc.record(
    { local: fc.stringMatching(/^[a-z0-9.+-]{1,8}$/), domain: fc.stringMatching(/^[a-z0-9]{1,6}\.example$/), size: fc.option(fc.nat({ max: 99999 })) },
    { requiredKeys: ['local', 'domain'] },
  );
  const record: fc.Arbitrary<DmarcRecord> = fc.record(
    {
      v: fc.constant('DMARC1' as const), p: policy, sp: policy, np: policy,
      adkim: fc.constantFrom('r', 's' as const), aspf: fc.constantFrom('r', 's' as const),
      psd: fc.constantFrom('y', 'n', 'u' as const), t: fc.constantFrom('y', 'n' as const),
      fo: fc.constantFrom(['0'], ['1'], ['d'], ['0', 'd', 's'], ['s', '1']) as fc.Arbitrary<DmarcRecord['fo'] & object>,
      rua: fc.array(uri, { minLength: 1, maxLength: 3 }).map((list) => list.map(({ local, domain, size }) => ({
        uri: `mailto:${local}@${domain}`, scheme: 'mailto', addresses: [`${local}@${domain}`],
        ...(size != null && { maxSize: { count: size, unit: 'k' as const, bytes: size * 1024 } }),
      }))),
    },
    { requiredKeys: ['v'] },
  );

  test('format -> parse gives back any well-formed RFC 9989 record', () => {
    fc.assert(
      fc.property(record, (r) => {
        const parsed = parseDmarcRecord(formatDmarcRecord(r));
        expect(parsed).toMatchObject({ ok: true, record: r });
        expect(parsed.ok && parsed.record).toEqual(r);
      }),
      { numRuns: 1000 },
    );
  });
});
