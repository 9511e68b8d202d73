import { copyRecords, lookupRecords, LookupResolver } from './base.js';
import { DnsError } from './errors.js';
import { normalizeName } from './name.js';
import type { MxRecord, RecordType, RecordsByType, Resolver, TimedAnswer } from './resolver.js';
import { reverseName } from './reverse.js';
import type { ZoneData, ZoneEntry } from './zone-data.js';

/** What one (name, type) question last got: its records, or the code it failed with. */
type Outcome = { records: RecordsByType[RecordType] } | { code: 'NXDOMAIN' | 'NODATA' | 'TEMPFAIL' };

/**
 * Passes every question to the inner resolver and remembers what came back, so that
 * `new ZoneResolver(recorder.zoneData())` answers the same questions the same way offline: the
 * basis of `authgate --save-zone`, for reproducible bug reports from real DNS.
 *
 * In the `zonedata` format, NXDOMAIN is a name left out, NODATA a name listed without that type,
 * TEMPFAIL a `TIMEOUT` (bare when every recorded question of the name timed out, `{ TYPE:
 * TIMEOUT }` when others were answered), PTR answers are listed under the reverse name and TXT
 * records always as lists of strings. INVALID_NAME is not recorded: the name check reproduces it.
 * When a question is asked twice, the last outcome is kept.
 *
 * One thing cannot round-trip, because no consistent server produces it: an NXDOMAIN for a name
 * that answered another type, or that is the parent of a recorded name, replays as NODATA.
 */
export class RecordingResolver extends LookupResolver {
  readonly #inner: Resolver;
  readonly #names = new Map<string, Map<RecordType, Outcome>>();

  constructor(inner: Resolver) {
    super();
    this.#inner = inner;
  }

  lookup<T extends RecordType>(type: T, name: string): Promise<TimedAnswer<T>> {
    return lookupRecords(this.#inner, type, name).then(
      (answer) => {
        this.#remember(type, name, { records: copyRecords(type, answer.records) });
        return answer;
      },
      (error: unknown) => {
        if (error instanceof DnsError && error.code !== 'INVALID_NAME') this.#remember(type, name, { code: error.code });
        throw error;
      },
    );
  }

  /** Everything seen so far, in the `zonedata` format (a fresh object each call). */
  zoneData(): ZoneData {
    const zone: ZoneData = {};
    for (const [name, outcomes] of this.#names) {
      const entries = entriesOf(outcomes);
      if (entries !== undefined) zone[name] = entries;
    }
    return zone;
  }

  #remember(type: RecordType, name: string, outcome: Outcome): void {
    let owner: string;
    try {
      owner = type === 'PTR' ? reverseName(name) : normalizeName(name);
    } catch {
      return;
    }
    let outcomes = this.#names.get(owner);
    if (outcomes === undefined) this.#names.set(owner, (outcomes = new Map()));
    outcomes.delete(type);
    outcomes.set(type, outcome);
  }
}

/** The entries of one name, or undefined when the name is best left out (all NXDOMAIN). */
function entriesOf(outcomes: Map<RecordType, Outcome>): ZoneEntry[] | undefined {
  const entries: ZoneEntry[] = [];
  const timedOut: RecordType[] = [];
  let exists = false;
  for (const [type, outcome] of outcomes) {
    if ('records' in outcome) {
      entries.push(...recordEntries(type, outcome.records));
      exists = true;
    } else if (outcome.code === 'TEMPFAIL') {
      timedOut.push(type);
    } else if (outcome.code === 'NODATA') {
      exists = true;
    }
  }
  if (timedOut.length > 0 && timedOut.length === outcomes.size) return ['TIMEOUT'];
  for (const type of timedOut) entries.push(timeoutEntry(type));
  return exists || entries.length > 0 ? entries : undefined;
}

function recordEntries(type: RecordType, records: RecordsByType[RecordType]): ZoneEntry[] {
  switch (type) {
    case 'TXT':
      return (records as string[][]).map((strings) => ({ TXT: strings }));
    case 'MX':
      return (records as MxRecord[]).map(({ priority, exchange }) => ({ MX: [priority, exchange] }));
    case 'A':
      return (records as string[]).map((address) => ({ A: address }));
    case 'AAAA':
      return (records as string[]).map((address) => ({ AAAA: address }));
    case 'PTR':
      return (records as string[]).map((host) => ({ PTR: host }));
  }
}

function timeoutEntry(type: RecordType): ZoneEntry {
  switch (type) {
    case 'TXT':
      return { TXT: 'TIMEOUT' };
    case 'MX':
      return { MX: 'TIMEOUT' };
    case 'A':
      return { A: 'TIMEOUT' };
    case 'AAAA':
      return { AAAA: 'TIMEOUT' };
    case 'PTR':
      return { PTR: 'TIMEOUT' };
  }
}
