import { readFileSync } from 'node:fs';
import type { ZoneData } from '@authgate/dns';
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
