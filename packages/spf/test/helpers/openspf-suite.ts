import { readFileSync } from 'node:fs';
import { DnsError, ZoneResolver, normalizeName, reverseName } from '@authgate/dns';
import type { MxRecord, Resolver, ZoneData, ZoneEntry } from '@authgate/dns';
import { parseAllDocuments } from 'yaml';

/** One test of the openspf suite, with the fields its YAML uses. */
export interface SuiteTest {
  name: string;
  host: string;
  mailfrom: string;
  helo: string;
  /** One result, or several of which any passes. */
  result: string | string[];
  /** The expected explanation; 'DEFAULT' stands for the checker's default explanation. */
  explanation?: string;
  receiver?: string;
  spec?: string | number;
}

export interface SuiteScenario {
  description: string;
  tests: SuiteTest[];
  zonedata: ZoneData;
}

/** Reads every YAML document of the suite file (each one scenario: description, tests, zonedata). */
export function loadSuite(url: URL): SuiteScenario[] {
  const documents = parseAllDocuments(readFileSync(url, 'utf8'));
  if (!Array.isArray(documents)) throw new Error(`${url.pathname}: no YAML documents`);
  return documents.map((document) => {
    if (document.errors.length > 0) throw new Error(`${url.pathname}: ${document.errors[0]?.message}`);
    const data = document.toJS() as { description: string; tests: Record<string, Omit<SuiteTest, 'name'>>; zonedata: ZoneData };
    const tests = Object.entries(data.tests).map(([name, test]) => ({ name, ...test }));
    return { description: data.description, tests, zonedata: data.zonedata };
  });
}

/**
 * A resolver for a scenario's zonedata that follows the suite's own driver convention for
 * `TIMEOUT` (pyspf's testspf.py): a query times out only when no record of the asked type is
 * listed before the `TIMEOUT` entry (`TXT: NONE` lists nothing). That is what the "Record lookup"
 * scenario means by "TXT record present, but SPF lookup times out" (spftimeout: result fail).
 * `ZoneResolver` alone makes every query of such a name time out, so the entries are split here:
 * the records go to a `ZoneResolver`, the timeouts are applied in front of it.
 */
export function suiteResolver(zonedata: ZoneData): Resolver {
  const records: ZoneData = {};
  const answered = new Map<string, Set<string>>();
  for (const [name, entries] of Object.entries(zonedata)) {
    const kept: ZoneEntry[] = [];
    const seen = new Set<string>();
    for (const entry of entries ?? []) {
      if (entry === 'TIMEOUT') {
        if (!answered.has(normalizeName(name))) answered.set(normalizeName(name), new Set(seen));
        continue;
      }
      kept.push(entry);
      const [type, value] = Object.entries(entry)[0] ?? [];
      if (type !== undefined && value !== 'NONE') seen.add(type);
    }
    records[name] = kept;
  }
  const zone = new ZoneResolver(records);
  const guard = <T>(type: string, name: string, ask: () => Promise<T>): Promise<T> => {
    const types = answered.get(normalizeName(type === 'PTR' ? reverseName(name) : name));
    return types !== undefined && !types.has(type) ? Promise.reject(new DnsError('TEMPFAIL', type, name)) : ask();
  };
  return {
    txt: (name: string): Promise<string[][]> => guard('TXT', name, () => zone.txt(name)),
    a: (name: string): Promise<string[]> => guard('A', name, () => zone.a(name)),
    aaaa: (name: string): Promise<string[]> => guard('AAAA', name, () => zone.aaaa(name)),
    mx: (name: string): Promise<MxRecord[]> => guard('MX', name, () => zone.mx(name)),
    ptr: (ip: string): Promise<string[]> => guard('PTR', ip, () => zone.ptr(ip)),
  };
}
