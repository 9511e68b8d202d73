import { copyRecords, LookupResolver } from './base.js';
import { DnsError } from './errors.js';
import { checkName } from './name.js';
import type { RecordType, RecordsByType, TimedAnswer } from './resolver.js';
import { reverseName } from './reverse.js';
import { compileZoneData, readZoneData, type ZoneData, type ZoneNode } from './zone-data.js';

/**
 * How many CNAMEs are followed before the chain counts as a loop. Recursive resolvers answer
 * SERVFAIL for a loop (RFC 1034 §3.6.2 asks them to detect one), hence TEMPFAIL.
 */
const MAX_CNAME_HOPS = 8;

/**
 * Answers from fixture data instead of the network: the `zonedata` format of the openspf
 * RFC 7208 test suite, so that its scenarios and our own fixtures drive every evaluator offline.
 *
 * Beyond that format's own conventions (see `compileZoneData`), it answers the way one
 * authoritative server for the whole tree would, so the same fixture gives the same answers here
 * and from `@authgate/testkit`'s real server:
 * - names compare ASCII case-insensitively (RFC 4343);
 * - a name that only exists as the parent of listed names answers NODATA, not NXDOMAIN
 *   (RFC 8020 §2: NXDOMAIN means nothing exists at or below the name);
 * - a `*` label is a wildcard for names that do not exist (RFC 4592 §3.3.1);
 * - CNAMEs are followed, a loop is a TEMPFAIL;
 * - TXT answers are wire character-strings: at most 255 octets each, one character per octet
 *   (see `characterStrings`).
 * Every answer is a fresh copy, so callers may sort or change it.
 */
export class ZoneResolver extends LookupResolver {
  readonly #nodes = new Map<string, ZoneNode>();
  /** Every listed name and all of their ancestors, i.e. every name that exists in the tree. */
  readonly #existing = new Set<string>(['']);

  constructor(zonedata: ZoneData) {
    super();
    for (const node of compileZoneData(zonedata)) {
      this.#nodes.set(node.name, node);
      for (let name = node.name; name !== ''; name = parentOf(name)) this.#existing.add(name);
    }
  }

  /** Reads zone data from a YAML or JSON file (see `readZoneData`). */
  static async fromFile(path: string): Promise<ZoneResolver> {
    return new ZoneResolver(await readZoneData(path));
  }

  async lookup<T extends RecordType>(type: T, name: string): Promise<TimedAnswer<T>> {
    // Settle only once the caller has attached its handlers (see `rejectLater`).
    await undefined;
    const asked = type === 'PTR' ? reverseName(name) : name;
    return { records: copyRecords(type, this.#answer(type, asked, name)) };
  }

  #answer<T extends RecordType>(type: T, asked: string, original: string): RecordsByType[T] {
    let name = checkName(type, asked);
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      const node = this.#find(name);
      if (node === undefined) {
        throw new DnsError(this.#existing.has(name) ? 'NODATA' : 'NXDOMAIN', type, original);
      }
      if (node.timeouts.has(type)) throw new DnsError('TEMPFAIL', type, original);
      if (node.cname !== undefined) {
        name = node.cname;
        continue;
      }
      const records = node.records[type];
      if (records.length === 0) throw new DnsError('NODATA', type, original);
      return records;
    }
    throw new DnsError('TEMPFAIL', type, original);
  }

  /** The node answering for `name`: its own, or for a name that does not exist, a wildcard's. */
  #find(name: string): ZoneNode | undefined {
    const own = this.#nodes.get(name);
    if (own !== undefined || this.#existing.has(name)) return own;
    // RFC 4592 §3.3.1: the source of synthesis is "*." + the closest encloser, the longest
    // existing ancestor; nothing else can match.
    let encloser = parentOf(name);
    while (!this.#existing.has(encloser)) encloser = parentOf(encloser);
    return this.#nodes.get(encloser === '' ? '*' : `*.${encloser}`);
  }
}

function parentOf(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1);
}
