import { ZoneResolver, type ZoneData } from '@authgate/dns';
import { describe, expect, test } from 'vitest';
import { evaluateDmarc, organizationalDomain, parseDmarcRecord, walkTargets, type DmarcEvaluation } from '../src/index.js';
import { loadYaml, RecordingResolver } from './fixtures.js';

/** The worked examples of RFC 9989, one table per kind, from test-fixtures/dmarc/rfc9989-examples.yaml. */
interface Examples {
  walks: Array<{ section: string; domain: string; queries: string[] }>;
  organizational: Array<{ section: string; zone: ZoneData; domain: string; expect: Record<string, unknown>; queries?: string[] }>;
  evaluations: Array<{
    section: string;
    zone: ZoneData;
    from: string;
    spf?: { result: string; domain: string };
    dkim?: Array<{ result: string; domain?: string }>;
    expect: Partial<DmarcEvaluation>;
    queries?: string[];
  }>;
  records: Array<{ section: string; text: string[]; expect: Record<string, unknown> }>;
}

const examples = loadYaml<Examples>('rfc9989-examples.yaml');

/** The `_dmarc` TXT names a recording resolver was asked, without the prefix. */
function dmarcNames(resolver: RecordingResolver): string[] {
  return resolver.asked.filter((q) => q.startsWith('TXT _dmarc.')).map((q) => q.slice('TXT _dmarc.'.length));
}

describe('RFC 9989 worked examples', () => {
  test.for(examples.walks)('§$section: the Tree Walk from $domain', ({ domain, queries }) => {
    expect(walkTargets(domain)).toEqual(queries);
  });

  test.for(examples.organizational)('§$section: Organizational Domain of $domain', async ({ zone, domain, expect: expected, queries }) => {
    const resolver = new RecordingResolver(new ZoneResolver(zone));
    const result = await organizationalDomain(domain, { resolver });
    expect(result).toMatchObject({ ok: true, method: 'tree-walk', ...expected });
    if (queries !== undefined) expect(dmarcNames(resolver)).toEqual(queries);
  });

  test.for(examples.evaluations)('§$section: $from', async ({ zone, from, spf, dkim, expect: expected, queries }) => {
    const resolver = new RecordingResolver(new ZoneResolver(zone));
    const evaluation = await evaluateDmarc({ from, spf: spf ?? { result: 'none', domain: '' }, dkim: dkim ?? [], resolver });
    expect(evaluation).toMatchObject(expected);
    if (queries !== undefined) expect(dmarcNames(resolver)).toEqual(queries);
  });

  test.for(examples.records)('§$section: $text', ({ text, expect: expected }) => {
    // RFC 9989 §4.5: the character-strings of one TXT record are joined without a separator.
    const result = parseDmarcRecord(text.join(''));
    expect(result).toMatchObject({ ok: true, record: expected });
  });
});
