import { readFile } from 'node:fs/promises';
import ipaddr from 'ipaddr.js';
import { parse as parseYaml } from 'yaml';
import { DnsError } from './errors.js';
import { checkName, normalizeName } from './name.js';
import type { MxRecord, RecordType, RecordsByType, TimedAnswer, TtlResolver } from './resolver.js';
import { reverseName } from './reverse.js';

/**
 * One entry of a name in the openspf test-suite `zonedata` format:
 * `{ TXT: "text" }`, `{ TXT: ["two", "strings"] }`, `{ TXT: NONE }`, `{ SPF: ... }`, `{ A: ip }`,
 * `{ AAAA: ip }`, `{ MX: [priority, host] }`, `{ PTR: host }`, `{ CNAME: host }`, or the bare
 * string `TIMEOUT` (every query for the name times out).
 */
export type ZoneEntry =
  | { TXT: string | string[] }
  | { SPF: string | string[] }
  | { A: string }
  | { AAAA: string }
  | { MX: [number, string] }
  | { PTR: string }
  | { CNAME: string }
  | 'TIMEOUT';

/** Names (any case, trailing dot optional) to their entries. */
export type ZoneData = Record<string, ZoneEntry[]>;

/** How many CNAMEs are followed before the chain counts as a loop (a SERVFAIL in real DNS). */
const MAX_CNAME_HOPS = 8;

interface ZoneName {
  timeout: boolean;
  cname?: string;
  txt: string[][];
  /** `SPF` (type 99) entries, served as TXT only when the name has no TXT entry at all. */
  spf: string[][];
  hasTxtEntry: boolean;
  a: string[];
  aaaa: string[];
  mx: MxRecord[];
  ptr: string[];
}

/**
 * Answers from fixture data instead of the network: the `zonedata` format of the openspf
 * RFC 7208 test suite, so that its scenarios and our own fixtures drive every evaluator offline.
 *
 * As that suite's drivers do, an `SPF` entry is also served as TXT when its name has no `TXT`
 * entry (`TXT: NONE` counts as one and answers nothing).
 */
export class ZoneResolver implements TtlResolver {
  readonly #names = new Map<string, ZoneName>();

  constructor(zonedata: ZoneData) {
    for (const [name, entries] of Object.entries(zonedata)) {
      this.#names.set(normalizeName(name), compileEntries(name, entries ?? []));
    }
  }

  /**
   * Reads zone data from a YAML or JSON file: either the zonedata map itself or a document with
   * a `zonedata` key (as in the openspf suite).
   */
  static async fromFile(path: string): Promise<ZoneResolver> {
    const document: unknown = parseYaml(await readFile(path, 'utf8'));
    return new ZoneResolver(zoneDataOf(document, path));
  }

  async lookup<T extends RecordType>(type: T, name: string): Promise<TimedAnswer<T>> {
    const records = this.#answer(type, type === 'PTR' ? reverseName(name) : name);
    return { records };
  }

  txt(name: string): Promise<string[][]> {
    return this.lookup('TXT', name).then((answer) => answer.records);
  }
  a(name: string): Promise<string[]> {
    return this.lookup('A', name).then((answer) => answer.records);
  }
  aaaa(name: string): Promise<string[]> {
    return this.lookup('AAAA', name).then((answer) => answer.records);
  }
  mx(name: string): Promise<MxRecord[]> {
    return this.lookup('MX', name).then((answer) => answer.records);
  }
  ptr(ip: string): Promise<string[]> {
    return this.lookup('PTR', ip).then((answer) => answer.records);
  }

  #answer<T extends RecordType>(type: T, asked: string): RecordsByType[T] {
    let name = checkName(type, asked);
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      const entry = this.#names.get(name);
      if (entry === undefined) throw new DnsError('NXDOMAIN', type, asked);
      if (entry.timeout) throw new DnsError('TEMPFAIL', type, asked);
      if (entry.cname !== undefined) {
        name = entry.cname;
        continue;
      }
      const records = recordsOf(entry, type);
      if (records.length === 0) throw new DnsError('NODATA', type, asked);
      return records;
    }
    throw new DnsError('TEMPFAIL', type, asked);
  }
}

function recordsOf<T extends RecordType>(entry: ZoneName, type: T): RecordsByType[T] {
  const byType: RecordsByType = {
    TXT: entry.hasTxtEntry ? entry.txt : entry.spf,
    A: entry.a,
    AAAA: entry.aaaa,
    MX: entry.mx,
    PTR: entry.ptr,
  };
  return byType[type];
}

function zoneDataOf(document: unknown, path: string): ZoneData {
  if (isObject(document) && 'zonedata' in document) return zoneDataOf(document.zonedata, path);
  if (!isObject(document)) throw new TypeError(`dns: ${path}: zone data must be a map of names`);
  return document as ZoneData;
}

function compileEntries(name: string, entries: ZoneEntry[]): ZoneName {
  const compiled: ZoneName = {
    timeout: false, txt: [], spf: [], hasTxtEntry: false, a: [], aaaa: [], mx: [], ptr: [],
  };
  for (const entry of entries) {
    if (entry === 'TIMEOUT') compiled.timeout = true;
    else if ('TXT' in entry) {
      compiled.hasTxtEntry = true;
      if (entry.TXT !== 'NONE') compiled.txt.push(characterStrings(entry.TXT));
    } else if ('SPF' in entry) compiled.spf.push(characterStrings(entry.SPF));
    else if ('A' in entry) compiled.a.push(canonicalIp(entry.A));
    else if ('AAAA' in entry) compiled.aaaa.push(canonicalIp(entry.AAAA));
    else if ('MX' in entry) compiled.mx.push({ priority: entry.MX[0], exchange: normalizeHost(entry.MX[1]) });
    else if ('PTR' in entry) compiled.ptr.push(normalizeHost(entry.PTR));
    else if ('CNAME' in entry) compiled.cname = normalizeName(entry.CNAME);
    else throw new TypeError(`dns: zone entry for ${name} has an unknown type: ${JSON.stringify(entry)}`);
  }
  return compiled;
}

function characterStrings(value: string | string[]): string[] {
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** Addresses are answered in canonical form, as a real resolver prints them. */
function canonicalIp(value: string): string {
  const text = String(value);
  return ipaddr.isValid(text) ? ipaddr.parse(text).toString() : text;
}

/** Host names in answers carry no trailing dot, as `node:dns` returns them; case is kept. */
function normalizeHost(value: string): string {
  const text = String(value);
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
