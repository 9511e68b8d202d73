import { readFile } from 'node:fs/promises';
import ipaddr from 'ipaddr.js';
import { parseAllDocuments } from 'yaml';
import { characterStrings } from './character-string.js';
import { normalizeName } from './name.js';
import type { RecordType, RecordsByType } from './resolver.js';

/**
 * One entry of a name in the openspf test-suite `zonedata` format:
 * `{ TXT: "text" }`, `{ TXT: ["two", "strings"] }`, `{ TXT: NONE }`, `{ SPF: ... }`, `{ A: ip }`,
 * `{ AAAA: ip }`, `{ MX: [priority, host] }`, `{ PTR: host }`, `{ CNAME: host }`, or the bare
 * string `TIMEOUT`. A scalar `TIMEOUT` as the value of a type (`{ A: TIMEOUT }`) makes only that
 * type time out; a list (`{ TXT: [TIMEOUT] }`) is always record text.
 */
export type ZoneEntry =
  | { TXT: string | string[] }
  | { SPF: string | string[] }
  | { A: string }
  | { AAAA: string }
  | { MX: [number, string] | 'TIMEOUT' }
  | { PTR: string }
  | { CNAME: string }
  | 'TIMEOUT';

/** Names (any case, trailing dot optional) to their entries. */
export type ZoneData = Record<string, ZoneEntry[]>;

/** What one name of a zone answers, once the `zonedata` conventions are applied. */
export interface ZoneNode {
  /** The name, normalized (ASCII lower case, no trailing dot). */
  name: string;
  /** The normalized target when the name is an alias; it then answers nothing itself. */
  cname?: string;
  /** The records each type answers, in entry order; TXT as wire character-strings. */
  records: RecordsByType;
  /** The types whose queries time out (every type when the name is an alias with a TIMEOUT). */
  timeouts: Set<RecordType>;
  /** The `SPF` (type 99) entries, as wire character-strings, for servers that publish them. */
  spf: string[][];
}

export const RECORD_TYPES: readonly RecordType[] = ['TXT', 'A', 'AAAA', 'MX', 'PTR'];

/**
 * Applies the conventions of the openspf suite's own driver to each name:
 * - An `SPF` entry is also served as TXT when the name has no `TXT` entry at all (`TXT: NONE`
 *   counts as one and answers nothing): the suite predates RFC 7208 §3.1 dropping type SPF.
 * - A bare `TIMEOUT` cuts the list: a type answers the records listed before it, and times out
 *   if none were (so `TXT: ..., TIMEOUT` answers TXT and times out the rest, which is what the
 *   `spftimeout` scenario needs). TXT derived from `SPF` entries counts as listed last.
 * - Duplicate records are kept: the suite uses them for "more than one SPF record" scenarios.
 */
export function compileZoneData(zoneData: ZoneData): ZoneNode[] {
  return Object.entries(zoneData).map(([name, entries]) => compileName(name, entries ?? []));
}

function compileName(name: string, entries: ZoneEntry[]): ZoneNode {
  if (!Array.isArray(entries)) throw new TypeError(`dns: zone entries of ${name} must be a list`);
  const node: ZoneNode = { name: normalizeName(String(name)), records: emptyRecords(), timeouts: new Set(), spf: [] };
  let hasTxtEntry = false;
  let cut = false;
  let spfTimeout = false;
  for (const entry of entries) {
    if (entry === 'TIMEOUT') {
      if (!cut) for (const type of RECORD_TYPES) if (node.records[type].length === 0) node.timeouts.add(type);
      cut = true;
      continue;
    }
    const [type, value] = entryParts(name, entry);
    if (type === 'TXT') hasTxtEntry = true;
    if (cut || value === 'NONE') continue;
    if (value === 'TIMEOUT') {
      if (type === 'SPF') spfTimeout = true;
      else if (type !== 'CNAME') node.timeouts.add(type);
      continue;
    }
    addRecord(node, name, type, value);
  }
  if (!hasTxtEntry) {
    node.records.TXT = node.spf.map((strings) => strings.slice());
    if (cut || spfTimeout) node.timeouts.add('TXT');
    else node.timeouts.delete('TXT');
  }
  if (node.cname !== undefined) node.timeouts = cut ? new Set(RECORD_TYPES) : new Set();
  return node;
}

type EntryType = RecordType | 'SPF' | 'CNAME';
const ENTRY_TYPES: readonly EntryType[] = ['TXT', 'SPF', 'A', 'AAAA', 'MX', 'PTR', 'CNAME'];

function entryParts(name: string, entry: unknown): [EntryType, unknown] {
  if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
    const type = ENTRY_TYPES.find((candidate) => candidate in entry);
    if (type !== undefined) return [type, (entry as Record<string, unknown>)[type]];
  }
  throw new TypeError(`dns: zone entry for ${name} has an unknown type: ${JSON.stringify(entry)}`);
}

function addRecord(node: ZoneNode, name: string, type: EntryType, value: unknown): void {
  switch (type) {
    case 'TXT':
      node.records.TXT.push(characterStrings(textList(value)));
      return;
    case 'SPF':
      node.spf.push(characterStrings(textList(value)));
      return;
    case 'A':
    case 'AAAA':
      node.records[type].push(canonicalIp(value));
      return;
    case 'MX':
      node.records.MX.push(mxRecord(name, value));
      return;
    case 'PTR':
      node.records.PTR.push(hostOf(value));
      return;
    case 'CNAME':
      node.cname = normalizeName(hostOf(value));
  }
}

function emptyRecords(): RecordsByType {
  return { TXT: [], A: [], AAAA: [], MX: [], PTR: [] };
}

function textList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function mxRecord(name: string, value: unknown): { priority: number; exchange: string } {
  if (!Array.isArray(value) || value.length !== 2 || !Number.isInteger(Number(value[0]))) {
    throw new TypeError(`dns: MX entry for ${name} must be [priority, host]: ${JSON.stringify(value)}`);
  }
  return { priority: Number(value[0]), exchange: hostOf(value[1]) };
}

/** Addresses are answered in canonical form (RFC 5952 for IPv6), as a real resolver prints them. */
function canonicalIp(value: unknown): string {
  const text = String(value);
  return ipaddr.isValid(text) ? ipaddr.parse(text).toString() : text;
}

/**
 * Host names in answers carry no trailing dot, as `node:dns` returns them; case is kept. The
 * empty name stands for the root, e.g. the null MX of RFC 7505.
 */
function hostOf(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

/**
 * Reads zone data from a YAML or JSON file: either the zonedata map itself or a document with a
 * `zonedata` key (as each document of the openspf suite). A file of several YAML documents is
 * refused, since their zones would clash: load those documents one by one.
 */
export async function readZoneData(path: string): Promise<ZoneData> {
  const documents = parseAllDocuments(await readFile(path, 'utf8'));
  if (!Array.isArray(documents)) throw new TypeError(`dns: ${path}: not a YAML or JSON document`);
  if (documents.length !== 1) {
    throw new TypeError(`dns: ${path}: holds ${documents.length} YAML documents; zone data must be one`);
  }
  const [document] = documents;
  if (document!.errors.length > 0) throw new TypeError(`dns: ${path}: ${document!.errors[0]!.message}`);
  return zoneDataOf(document!.toJS(), path);
}

/** The zone data of a parsed document: the map itself or its `zonedata` key. */
export function zoneDataOf(document: unknown, source = 'zone data'): ZoneData {
  if (isObject(document) && 'zonedata' in document) return zoneDataOf(document.zonedata, source);
  if (!isObject(document)) throw new TypeError(`dns: ${source}: zone data must be a map of names`);
  return document as ZoneData;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
