import { DnsError, type Resolver } from '@authgate/dns';
import { problem, type DmarcProblem } from './errors.js';
import { parseDmarcRecord, type DmarcRecord } from './record.js';
import type { DmarcMode } from './tags.js';

/** What one `_dmarc.<domain>` TXT query found, after discarding TXT records that are not DMARC. */
export type DmarcQuery =
  | {
      outcome: 'record';
      domain: string;
      /** The name queried, `_dmarc.<domain>`. */
      name: string;
      text: string;
      record: DmarcRecord;
      warnings: string[];
      /** TXT records at the name that are not DMARC records (RFC 9989 §4.10 step 2 discards them). */
      ignored: string[];
    }
  | { outcome: 'malformed'; domain: string; name: string; text: string; problem: DmarcProblem; ignored: string[] }
  | { outcome: 'none'; domain: string; name: string; ignored: string[] }
  | { outcome: 'multiple'; domain: string; name: string; texts: string[]; ignored: string[] }
  | { outcome: 'temperror'; domain: string; name: string; problem: DmarcProblem };

/** A query that found a DMARC record, readable or not. */
export type FoundRecord = Extract<DmarcQuery, { outcome: 'record' | 'malformed' }>;

/**
 * The DNS side of one DMARC evaluation: every `_dmarc` name is asked once, however many tree walks
 * pass through it (author domain, SPF domain, DKIM domains share their upper labels), and each
 * answer is kept in order for explanations.
 */
export class DmarcLookups {
  readonly resolver: Resolver;
  readonly mode: DmarcMode;
  /** Every `_dmarc` query, in the order they were asked. */
  readonly queries: DmarcQuery[] = [];
  readonly #answers = new Map<string, Promise<DmarcQuery>>();
  readonly #memo = new Map<string, Promise<unknown>>();

  constructor(resolver: Resolver, mode: DmarcMode) {
    this.resolver = resolver;
    this.mode = mode;
  }

  /** The DMARC record at `_dmarc.<domain>` (domain normalized by the caller). */
  query(domain: string): Promise<DmarcQuery> {
    let answer = this.#answers.get(domain);
    if (answer === undefined) {
      answer = queryDmarc(this.resolver, domain, this.mode);
      this.#answers.set(domain, answer);
      void answer.then((query) => this.queries.push(query));
    }
    return answer;
  }

  /** Computes a value once per key for this evaluation (organizational domains, existence). */
  remember<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let value = this.#memo.get(key) as Promise<T> | undefined;
    if (value === undefined) {
      value = compute();
      this.#memo.set(key, value);
    }
    return value;
  }
}

async function queryDmarc(resolver: Resolver, domain: string, mode: DmarcMode): Promise<DmarcQuery> {
  const name = `_dmarc.${domain}`;
  let answers: string[][];
  try {
    answers = await resolver.txt(name);
  } catch (error) {
    if (isTransient(error)) {
      return { outcome: 'temperror', domain, name, problem: problem('dns-temperror', `TXT ${name}: ${describe(error)}`) };
    }
    // NXDOMAIN, NODATA, or a name too long to exist (INVALID_NAME): nothing is published there.
    return { outcome: 'none', domain, name, ignored: [] };
  }
  return classify(domain, name, answers.map((strings) => strings.join('')), mode);
}

/**
 * RFC 9989 §4.10 step 2 (and RFC 7489 §6.6.3 steps 2 and 5): records that do not start with
 * `v=DMARC1` are discarded; if several DMARC records remain they are all discarded. RFC 9989 §4.5:
 * the character-strings of one TXT record are concatenated without separators (done above).
 */
function classify(domain: string, name: string, texts: string[], mode: DmarcMode): DmarcQuery {
  const ignored: string[] = [];
  const candidates: Array<{ text: string; parsed: ReturnType<typeof parseDmarcRecord> }> = [];
  for (const text of texts) {
    const parsed = parseDmarcRecord(text, { mode });
    if (!parsed.ok && parsed.kind === 'not-dmarc') ignored.push(text);
    else candidates.push({ text, parsed });
  }
  const [only] = candidates;
  if (only === undefined) return { outcome: 'none', domain, name, ignored };
  if (candidates.length > 1) return { outcome: 'multiple', domain, name, texts: candidates.map((c) => c.text), ignored };
  if (!only.parsed.ok) return { outcome: 'malformed', domain, name, text: only.text, problem: only.parsed.problem, ignored };
  return { outcome: 'record', domain, name, text: only.text, record: only.parsed.record, warnings: only.parsed.warnings, ignored };
}

/** Anything but "no such record" is transient: SERVFAIL, timeouts, and resolvers that break. */
export function isTransient(error: unknown): boolean {
  return !(error instanceof DnsError) || error.code === 'TEMPFAIL';
}

export function describe(error: unknown): string {
  if (error instanceof DnsError) return error.code;
  return error instanceof Error ? error.message : String(error);
}
