import { copyRecords, lookupRecords, LookupResolver, rejectLater } from './base.js';
import { DnsError, type DnsErrorCode } from './errors.js';
import { normalizeName } from './name.js';
import type { RecordType, RecordsByType, Resolver, TimedAnswer } from './resolver.js';

export interface CachingResolverOptions {
  /** The most answers kept; the least recently used goes first (default 10000). */
  maxEntries?: number;
  /** No answer is kept longer than this, whatever its TTL says (default 3600). */
  maxTtlSeconds?: number;
  /** How long an answer is kept when the transport gives no TTL (TXT, MX, PTR; default 300). */
  defaultTtlSeconds?: number;
  /** How long NXDOMAIN and NODATA are kept (default 60). */
  negativeTtlSeconds?: number;
  /** The clock, in ms since the epoch (default `Date.now`). */
  now?: () => number;
}

export interface CacheStats {
  /** Answers held now, expired ones included until they are asked or evicted. */
  entries: number;
  /** Questions answered from the cache. */
  hits: number;
  /** Questions passed to the inner resolver. */
  misses: number;
  /** Questions that joined an identical one already in flight. */
  joined: number;
}

type Entry =
  | { expires: number; records: RecordsByType[RecordType]; code?: undefined }
  | { expires: number; code: DnsErrorCode; records?: undefined };

/**
 * A cache in front of any resolver, for long-running processes such as the SMTP filter, where
 * one message asks the same names for SPF, DKIM and DMARC and a mail stream asks them again.
 *
 * - Positive answers live for their TTL when the inner resolver reports one, else
 *   `defaultTtlSeconds`, never longer than `maxTtlSeconds`. A TTL of zero is not cached
 *   (RFC 1035 §3.2.1: "zero values ... prohibit caching").
 * - NXDOMAIN and NODATA are cached for `negativeTtlSeconds` (RFC 2308 §5 allows caching negative
 *   answers; `node:dns` does not expose the SOA whose MINIMUM would say for how long).
 * - TEMPFAIL and INVALID_NAME are never cached: the first is worth asking again, the second
 *   costs nothing to recompute.
 * - Identical questions asked while one is in flight share its answer: one query on the wire.
 * - Bounded by `maxEntries`, least recently used first out (a `Map` keeps insertion order, and a
 *   hit moves its entry to the end).
 * Every answer is a copy, so one caller changing it cannot change what the next one sees.
 */
export class CachingResolver extends LookupResolver {
  readonly #inner: Resolver;
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<TimedAnswer<RecordType>>>();
  readonly #maxEntries: number;
  readonly #maxTtl: number;
  readonly #defaultTtl: number;
  readonly #negativeTtl: number;
  readonly #now: () => number;
  #hits = 0;
  #misses = 0;
  #joined = 0;

  constructor(inner: Resolver, options: CachingResolverOptions = {}) {
    super();
    this.#inner = inner;
    this.#maxEntries = atLeast('maxEntries', options.maxEntries ?? 10_000, 1);
    this.#maxTtl = atLeast('maxTtlSeconds', options.maxTtlSeconds ?? 3600, 0);
    this.#defaultTtl = atLeast('defaultTtlSeconds', options.defaultTtlSeconds ?? 300, 0);
    this.#negativeTtl = atLeast('negativeTtlSeconds', options.negativeTtlSeconds ?? 60, 0);
    this.#now = options.now ?? Date.now;
  }

  get stats(): CacheStats {
    return { entries: this.#entries.size, hits: this.#hits, misses: this.#misses, joined: this.#joined };
  }

  /** Forgets every answer (questions in flight still complete). */
  clear(): void {
    this.#entries.clear();
  }

  lookup<T extends RecordType>(type: T, name: string): Promise<TimedAnswer<T>> {
    const key = typeof name === 'string' ? `${type} ${normalizeName(name)}` : undefined;
    if (key === undefined) return lookupRecords(this.#inner, type, name);
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      if (entry.expires > now) return this.#hit(key, entry, type, name, now);
      this.#entries.delete(key);
    }
    let pending = this.#inflight.get(key) as Promise<TimedAnswer<T>> | undefined;
    if (pending !== undefined) {
      this.#joined++;
    } else {
      this.#misses++;
      pending = this.#ask(key, type, name);
    }
    // Object.assign, not `{ ...answer, records }`: Node 20's V8 adds a property after a leading
    // spread through a slow path.
    return pending.then((answer) => Object.assign({}, answer, { records: copyRecords(type, answer.records) }));
  }

  #hit<T extends RecordType>(key: string, entry: Entry, type: T, name: string, now: number): Promise<TimedAnswer<T>> {
    this.#hits++;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (entry.code !== undefined) return rejectLater(new DnsError(entry.code, type, name));
    const ttl = Math.max(0, Math.floor((entry.expires - now) / 1000));
    return Promise.resolve({ records: copyRecords(type, entry.records as RecordsByType[T]), ttl });
  }

  #ask<T extends RecordType>(key: string, type: T, name: string): Promise<TimedAnswer<T>> {
    const pending = lookupRecords(this.#inner, type, name).then(
      (answer) => {
        this.#inflight.delete(key);
        const ttl = Math.min(answer.ttl ?? this.#defaultTtl, this.#maxTtl);
        if (ttl > 0) this.#store(key, { expires: this.#now() + ttl * 1000, records: answer.records });
        return answer.ttl === undefined ? { records: answer.records } : { records: answer.records, ttl };
      },
      (error: unknown) => {
        this.#inflight.delete(key);
        const ttl = Math.min(this.#negativeTtl, this.#maxTtl);
        if (error instanceof DnsError && (error.code === 'NXDOMAIN' || error.code === 'NODATA') && ttl > 0) {
          this.#store(key, { expires: this.#now() + ttl * 1000, code: error.code });
        }
        throw error;
      },
    );
    this.#inflight.set(key, pending as Promise<TimedAnswer<RecordType>>);
    return pending;
  }

  #store(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }
}

function atLeast(option: string, value: number, minimum: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < minimum) {
    throw new TypeError(`dns: CachingResolver ${option} must be a number of at least ${minimum}, not ${String(value)}`);
  }
  return value;
}
