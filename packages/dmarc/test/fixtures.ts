import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ZoneResolver, type MxRecord, type Resolver } from '@authgate/dns';
import { parse as parseYaml } from 'yaml';

const FIXTURES = new URL('../../../test-fixtures/dmarc/', import.meta.url);

/** The path of a file in test-fixtures/dmarc. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(name, FIXTURES));
}

/** A YAML fixture from test-fixtures/dmarc. */
export function loadYaml<T>(name: string): T {
  return parseYaml(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

/**
 * One case of evaluate-cases.yaml: the inputs of `evaluateDmarc`, the fields expected in RFC 9989
 * mode, and those that differ in RFC 7489 mode (`legacy`).
 */
export interface EvaluateCase {
  name: string;
  from: string | string[];
  spf?: { result: string; domain: string };
  dkim?: Array<{ result: string; domain?: string }>;
  random?: number;
  expect: Record<string, unknown>;
  legacy?: Record<string, unknown>;
}

/** The cases of evaluate-cases.yaml, which the table test and the mailauth differential share. */
export function evaluateCases(): EvaluateCase[] {
  return loadYaml<EvaluateCase[]>('evaluate-cases.yaml');
}

/** The DMARC fixture zone. */
export function fixtureZone(): Promise<ZoneResolver> {
  return ZoneResolver.fromFile(fixturePath('zone.yaml'));
}

/** A resolver that records every question it is asked, as `TYPE name`. */
export class RecordingResolver implements Resolver {
  readonly asked: string[] = [];
  readonly #inner: Resolver;

  constructor(inner: Resolver) {
    this.#inner = inner;
  }

  txt(name: string): Promise<string[][]> {
    this.asked.push(`TXT ${name}`);
    return this.#inner.txt(name);
  }
  a(name: string): Promise<string[]> {
    this.asked.push(`A ${name}`);
    return this.#inner.a(name);
  }
  aaaa(name: string): Promise<string[]> {
    this.asked.push(`AAAA ${name}`);
    return this.#inner.aaaa(name);
  }
  mx(name: string): Promise<MxRecord[]> {
    this.asked.push(`MX ${name}`);
    return this.#inner.mx(name);
  }
  ptr(ip: string): Promise<string[]> {
    this.asked.push(`PTR ${ip}`);
    return this.#inner.ptr(ip);
  }
}
