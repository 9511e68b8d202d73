import { isIPv4, isIPv6 } from 'node:net';
import { checkName, compileZoneData, type MxRecord, type RecordType, type ZoneData, type ZoneNode } from '@authgate/dns';

/** Something in the zone data a real server cannot serve the way `ZoneResolver` answers it. */
export interface Unservable {
  name: string;
  reason: string;
}

export interface MasterFile {
  /** The root zone `.` in RFC 1035 §5 master-file syntax. */
  text: string;
  unservable: Unservable[];
}

export interface MasterFileOptions {
  /** The TTL of every record (default 300). */
  ttl?: number;
  /** The SOA MINIMUM, i.e. the negative-caching TTL (RFC 2308 §4; default 60). */
  negativeTtl?: number;
}

/** The zone's own name server; `.invalid` (RFC 6761 §6.4) so it can never be mistaken for data. */
const NAME_SERVER = 'ns.authgate.invalid.';

/**
 * Writes zone data as one root zone holding every name, so one authoritative server answers all
 * of them and any name not listed is an authoritative NXDOMAIN. The records are the ones
 * `ZoneResolver` answers (the `compileZoneData` reading of the openspf conventions), so a
 * fixture means the same thing offline and on the wire.
 *
 * What DNS itself cannot carry is served as closely as it can and reported in `unservable`:
 * `TIMEOUT` (a server answers or it does not; the types still answer NODATA), duplicate records
 * (an RRset is a set: RFC 2181 §5), a CNAME beside other data (RFC 1034 §3.6.2: the CNAME wins),
 * a TXT record of no strings (RFC 1035 §3.3.14 needs one: served as one empty string), addresses
 * that are not addresses, and names no query could ask. Host names in MX, PTR and CNAME data come
 * back lower-cased from Knot.
 */
export function zoneDataToMasterFile(zoneData: ZoneData, options: MasterFileOptions = {}): MasterFile {
  const ttl = options.ttl ?? 300;
  const lines = [
    '$ORIGIN .',
    `$TTL ${ttl}`,
    `. SOA ${NAME_SERVER} hostmaster.authgate.invalid. 1 3600 600 86400 ${options.negativeTtl ?? 60}`,
    `. NS ${NAME_SERVER}`,
  ];
  const unservable: Unservable[] = [];
  const nodes = compileZoneData(zoneData);
  const aliases = new Map(nodes.filter((node) => node.cname !== undefined).map((node) => [node.name, node.cname!]));
  for (const node of nodes) {
    const note = (reason: string) => unservable.push({ name: node.name, reason });
    if (!askable(node.name)) {
      note('not a name a query can ask: left out');
      continue;
    }
    if (loops(node.name, aliases)) note('a CNAME loop: Knot answers the chain (NODATA) where a recursive resolver says SERVFAIL');
    const records = nodeLines(node, note);
    // A listed name exists even with no records: a private-use type (RFC 6895 §3.1) that
    // authgate never asks keeps it from being NXDOMAIN.
    lines.push(...(records.length > 0 ? records : [`${domainName(node.name)} TYPE65280 \\# 0`]));
  }
  return { text: `${lines.join('\n')}\n`, unservable };
}

/** Whether following CNAMEs from `name` comes back round (RFC 1034 §3.6.2 asks resolvers to catch it). */
function loops(name: string, aliases: Map<string, string>): boolean {
  const seen = new Set<string>();
  for (let current: string | undefined = name; current !== undefined; current = aliases.get(current)) {
    if (seen.has(current)) return true;
    seen.add(current);
  }
  return false;
}

function askable(name: string): boolean {
  try {
    checkName('TXT', name);
    return true;
  } catch {
    return false;
  }
}

function nodeLines(node: ZoneNode, note: (reason: string) => void): string[] {
  const owner = domainName(node.name);
  if (node.timeouts.size > 0) note(`TIMEOUT of ${[...node.timeouts].join(', ')} cannot be served: answered as it stands`);
  if (node.cname !== undefined) {
    if (recordCount(node) > 0) note('CNAME beside other data: only the CNAME is served');
    const target = hostName('CNAME', node.cname, note);
    return target === undefined ? [] : [`${owner} CNAME ${target}`];
  }
  const lines: string[] = [];
  for (const type of ['TXT', 'A', 'AAAA', 'MX', 'PTR'] as const) {
    const rdatas = node.records[type].map((record) => rdataOf(type, record, note)).filter((rdata) => rdata !== undefined);
    if (new Set(rdatas).size < rdatas.length) note(`duplicate ${type} records are served once (an RRset is a set)`);
    lines.push(...[...new Set(rdatas)].map((rdata) => `${owner} ${type} ${rdata}`));
  }
  lines.push(...node.spf.map((strings) => `${owner} SPF ${characterStrings(strings, note)}`));
  return lines;
}

function recordCount(node: ZoneNode): number {
  return Object.values(node.records).reduce((sum, records) => sum + records.length, 0);
}

function rdataOf(type: RecordType, record: string | string[] | MxRecord, note: (reason: string) => void): string | undefined {
  switch (type) {
    case 'TXT':
      return characterStrings(record as string[], note);
    case 'A':
    case 'AAAA':
      return address(type, record as string, note);
    case 'MX': {
      const { priority, exchange } = record as MxRecord;
      if (!Number.isInteger(priority) || priority < 0 || priority > 0xffff) {
        note(`MX priority ${priority} is not a 16-bit number: left out`);
        return undefined;
      }
      const host = hostName('MX', exchange, note);
      return host === undefined ? undefined : `${priority} ${host}`;
    }
    case 'PTR':
      return hostName('PTR', record as string, note);
  }
}

/** A host name in RDATA, if it is a name at all (the root, for a null MX, is). */
function hostName(type: string, name: string, note: (reason: string) => void): string | undefined {
  if (name === '' || askable(name)) return domainName(name);
  note(`${type} target ${JSON.stringify(name)} is not a domain name: left out`);
  return undefined;
}

function address(type: 'A' | 'AAAA', text: string, note: (reason: string) => void): string | undefined {
  const valid = type === 'A' ? isIPv4(text) : isIPv6(text) && !text.includes('%');
  if (valid) return text;
  note(`${type} ${JSON.stringify(text)} is not an address: left out`);
  return undefined;
}

/** TXT-DATA (RFC 1035 §3.3.14): quoted character-strings, octets outside printable ASCII as \DDD. */
function characterStrings(strings: string[], note: (reason: string) => void): string {
  if (strings.length === 0) {
    note('a TXT record of no strings is served as one empty string');
    return '""';
  }
  return strings.map((octets) => `"${escapeText(octets, /[^\x20-\x7e]|["\\]/)}"`).join(' ');
}

/**
 * A domain name in master-file form (RFC 1035 §5.1): absolute, each label's octets outside
 * letters, digits, hyphen and underscore written \DDD, so `%`, spaces or dots inside no label can
 * break the syntax; a label of just `*` stays a wildcard (RFC 4592 §2.1.1).
 */
export function domainName(name: string): string {
  if (name === '') return '.';
  return `${name
    .split('.')
    .map((label) => (label === '*' ? '*' : escapeText(label, /[^A-Za-z0-9_-]/)))
    .join('.')}.`;
}

function escapeText(octets: string, special: RegExp): string {
  let out = '';
  for (const character of octets) {
    const code = character.charCodeAt(0);
    out += special.test(character) ? `\\${String(code).padStart(3, '0')}` : character;
  }
  return out;
}
