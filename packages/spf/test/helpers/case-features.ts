import { isDnsError } from '@authgate/dns';
import type { Resolver } from '@authgate/dns';
import type { SpfOutcome, SpfTraceEntry } from '../../src/index.js';

/**
 * Features of a judged case read from our trace and the zone, which the known-difference lists of
 * the differential tests (pyspf, mailauth) test to tie a disagreement to its cause.
 */

export type RecordEntry = Extract<SpfTraceEntry, { type: 'record' }>;
export type TermEntry = Extract<SpfTraceEntry, { type: 'term' }>;

/** The records our evaluation selected and parsed, with their <domain>. */
export function recordsReached(outcome: SpfOutcome): RecordEntry[] {
  return (outcome.trace ?? []).filter((entry): entry is RecordEntry => entry.type === 'record');
}

/** The terms our evaluation evaluated, in order. */
export function termsEvaluated(outcome: SpfOutcome): TermEntry[] {
  return (outcome.trace ?? []).filter((entry): entry is TermEntry => entry.type === 'term');
}

export function termsOf(record: string): string[] {
  return record.split(' ').slice(1).filter((term) => term !== '');
}

/** The v=spf1 records our evaluation fetched, whether or not they parsed, with the name and depth they were found at. */
export function recordsFetched(outcome: SpfOutcome): { name: string; depth: number; record: string }[] {
  return (outcome.trace ?? []).flatMap((entry) => (entry.type === 'query' && entry.rrtype === 'TXT' ? (entry.records ?? []).map((record) => ({ name: entry.name, depth: entry.depth, record })) : []))
    .filter(({ record }) => /^v=spf1( |$)/i.test(record));
}

/** Resolves to the records: [] for NXDOMAIN, NODATA and an unusable name, undefined for a timeout. */
export async function answer<T>(query: () => Promise<T[]>): Promise<T[] | undefined> {
  try {
    return await query();
  } catch (error) {
    if (isDnsError(error)) return error.code === 'TEMPFAIL' ? undefined : [];
    throw error;
  }
}

/** The address family SPF compares in (RFC 7208 §5: an IPv4-mapped IPv6 client is an IPv4 one). */
export function clientFamily(ip: string): 4 | 6 {
  return ip.includes(':') && !ip.toLowerCase().startsWith('::ffff:') ? 6 : 4;
}

/** The addresses of `host` of one family: [] when there are none, undefined on a timeout. */
export async function addresses(resolver: Resolver, host: string, family: 4 | 6): Promise<string[] | undefined> {
  return answer(() => (family === 4 ? resolver.a(host) : resolver.aaaa(host)));
}
