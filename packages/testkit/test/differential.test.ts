import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, test } from 'vitest';
import { DnsError, SystemResolver, ZoneResolver, type RecordType, type ZoneData } from '@authgate/dns';
import { fixturePath, loadZoneData, startAuthoritativeDns } from '../src/index.js';

/**
 * The same fixture must mean the same thing offline and on the wire: for every name of every
 * zone fixture, ZoneResolver and SystemResolver asking Knot (serving that fixture through
 * testkit) give the same answer, except where testkit reports the data as unservable.
 */

type Outcome = unknown;

async function outcome(resolver: ZoneResolver | SystemResolver, type: RecordType, name: string): Promise<Outcome> {
  try {
    const { records } = await resolver.lookup(type, name);
    // An RRset has no order (RFC 2181 §5) and Knot writes host names in RDATA in lower case.
    return records.map((record) => JSON.stringify(record).toLowerCase()).sort();
  } catch (error) {
    if (error instanceof DnsError) return error.code;
    throw error;
  }
}

function addressOfReverseName(name: string): string | undefined {
  const labels = name.toLowerCase().split('.');
  if (name.toLowerCase().endsWith('.in-addr.arpa') && labels.length === 6) return labels.slice(0, 4).reverse().join('.');
  if (!name.toLowerCase().endsWith('.ip6.arpa') || labels.length !== 34) return undefined;
  return labels.slice(0, 32).reverse().join('').match(/.{4}/g)!.join(':');
}

/**
 * The only questions SystemResolver may refuse where ZoneResolver answers: names with octets
 * c-ares will not put in a query (measured: controls, space and most punctuation; see the dns
 * README), which the openspf suite uses for its macro-expansion scenarios.
 */
function refusedByCares(question: string): boolean {
  const name = question.slice(question.indexOf(' ') + 1);
  return /[^a-z0-9._*\/-]/.test(name);
}

async function compare(zoneData: ZoneData): Promise<{ differences: string[]; skipped: string[] }> {
  const server = await startAuthoritativeDns({ zoneData });
  const differences: string[] = [];
  const skipped: string[] = [];
  try {
    const offline = new ZoneResolver(zoneData);
    const online = new SystemResolver({ servers: [server.address], timeoutMs: 500, tries: 2 });
    const unservable = new Set(server.unservable.map((item) => item.name));
    for (const listed of [...Object.keys(zoneData), 'not-listed.example']) {
      const name = listed.toLowerCase().replace(/\.$/, '');
      if (unservable.has(name)) continue;
      const questions: Array<[RecordType, string]> = (['TXT', 'A', 'AAAA', 'MX'] as const).map((type) => [type, name]);
      const address = addressOfReverseName(name);
      if (address !== undefined) questions.push(['PTR', address]);
      for (const [type, asked] of questions) {
        const [want, got] = [await outcome(offline, type, asked), await outcome(online, type, asked)];
        if (got === 'INVALID_NAME' && want !== 'INVALID_NAME') skipped.push(`${type} ${asked}`);
        else if (JSON.stringify(want) !== JSON.stringify(got)) differences.push(`${type} ${asked}: zone ${JSON.stringify(want)}, knot ${JSON.stringify(got)}`);
      }
    }
  } finally {
    await server.stop();
  }
  return { differences, skipped };
}

describe('ZoneResolver and Knot agree on every fixture', () => {
  const documents = parseAllDocuments(readFileSync(fixturePath('openspf', 'rfc7208-tests.yml'), 'utf8'));
  const scenarios = (Array.isArray(documents) ? documents : []).map((document) => {
    const data = document.toJS() as { description: string; zonedata: ZoneData };
    return [data.description, data.zonedata] as const;
  });

  test.for(scenarios)('openspf "%s"', async ([, zonedata]) => {
    const { differences, skipped } = await compare(zonedata);
    expect(differences).toEqual([]);
    expect(skipped.filter((question) => !refusedByCares(question))).toEqual([]);
  });

  test.for(['zones/zone-resolver.yaml', 'zones/system-resolver.yaml'])('%s', async (file) => {
    const { differences, skipped } = await compare(await loadZoneData(file));
    expect(differences).toEqual([]);
    expect(skipped).toEqual([]);
  });
});
