import type { DnsError } from './errors.js';
import type { MxRecord, RecordType, RecordsByType, Resolver, TimedAnswer, TtlResolver } from './resolver.js';

/**
 * The shape every authgate resolver shares: one `lookup(type, name)` that may report a TTL, and
 * the five `Resolver` methods derived from it. Subclasses implement `lookup` only.
 */
export abstract class LookupResolver implements TtlResolver {
  abstract lookup<T extends RecordType>(type: T, name: string): Promise<TimedAnswer<T>>;

  txt(name: string): Promise<string[][]> {
    return this.lookup('TXT', name).then(recordsOf);
  }
  a(name: string): Promise<string[]> {
    return this.lookup('A', name).then(recordsOf);
  }
  aaaa(name: string): Promise<string[]> {
    return this.lookup('AAAA', name).then(recordsOf);
  }
  mx(name: string): Promise<MxRecord[]> {
    return this.lookup('MX', name).then(recordsOf);
  }
  /** Takes an IP address, not a name: the reverse name is derived (RFC 1035 §3.5, RFC 3596 §2.5). */
  ptr(ip: string): Promise<string[]> {
    return this.lookup('PTR', ip).then(recordsOf);
  }
}

/**
 * A promise that rejects with `error` one tick from now, once the caller has attached its
 * handlers. A promise already rejected when it is returned makes Node track a possibly unhandled
 * rejection and then untrack it, which costs more than the whole answer; negative answers are
 * common (DMARC's tree walk, SPF's HELO check), so resolvers answer them this way.
 */
export function rejectLater(error: DnsError): Promise<never> {
  return Promise.resolve().then(() => {
    throw error;
  });
}

function recordsOf<T extends RecordType>(answer: TimedAnswer<T>): RecordsByType[T] {
  return answer.records;
}

/**
 * Asks any `Resolver` one question by type, with its TTL when the resolver reports TTLs, so that
 * wrappers (cache, counter, recorder) work over plain resolvers and TTL-aware ones alike.
 */
export function lookupRecords<T extends RecordType>(resolver: Resolver, type: T, name: string): Promise<TimedAnswer<T>> {
  if (hasLookup(resolver)) return resolver.lookup(type, name);
  const ask = METHODS[type] as (resolver: Resolver, name: string) => Promise<RecordsByType[T]>;
  return ask(resolver, name).then((records) => ({ records }));
}

const METHODS: { [T in RecordType]: (resolver: Resolver, name: string) => Promise<RecordsByType[T]> } = {
  TXT: (resolver, name) => resolver.txt(name),
  A: (resolver, name) => resolver.a(name),
  AAAA: (resolver, name) => resolver.aaaa(name),
  MX: (resolver, name) => resolver.mx(name),
  PTR: (resolver, name) => resolver.ptr(name),
};

function hasLookup(resolver: Resolver): resolver is TtlResolver {
  return typeof (resolver as Partial<TtlResolver>).lookup === 'function';
}

/**
 * A copy of an answer that the caller may change freely (sort MX records, splice TXT strings)
 * without changing what a cache or a zone answers next time.
 */
export function copyRecords<T extends RecordType>(type: T, records: RecordsByType[T]): RecordsByType[T] {
  if (type === 'TXT') return (records as string[][]).map((strings) => strings.slice()) as RecordsByType[T];
  if (type === 'MX') {
    return (records as MxRecord[]).map(({ exchange, priority }) => ({ exchange, priority })) as RecordsByType[T];
  }
  return (records as string[]).slice() as RecordsByType[T];
}
