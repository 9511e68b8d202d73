import { lookupRecords, LookupResolver } from './base.js';
import { DnsError, type DnsErrorCode } from './errors.js';
import type { RecordType, RecordsByType, Resolver, TimedAnswer } from './resolver.js';

/** One question and how it ended, as seen by `observeQueries` / `countQueries`. */
export interface QueryEvent {
  type: RecordType;
  /** The name as asked (for PTR, the IP address). */
  name: string;
  /** `'answer'`, the `DnsError` code, or `'error'` for anything else the inner resolver threw. */
  outcome: 'answer' | DnsErrorCode | 'error';
  records?: RecordsByType[RecordType];
  ttl?: number;
  error?: unknown;
  /** Milliseconds from the question to its outcome, on the observer's clock. */
  elapsedMs: number;
}

export type QueryObserver = (event: QueryEvent) => void;

export interface ObserveOptions {
  /** Called once per question when it settles. It must not throw. */
  onQuery?: QueryObserver;
  /** The clock for `elapsedMs`, in ms (default `performance.now`). */
  now?: () => number;
}

/**
 * Passes every question to the inner resolver unchanged, counting the questions and telling an
 * observer how each one ended: how one evaluation knows the queries it made (SPF reports them
 * beside its RFC 7208 §4.6.4 term counts), and what `authgate --trace` prints.
 */
export class CountingResolver extends LookupResolver {
  readonly #inner: Resolver;
  readonly #onQuery: QueryObserver | undefined;
  readonly #now: () => number;
  #count = 0;
  readonly #byType: Record<RecordType, number> = { TXT: 0, A: 0, AAAA: 0, MX: 0, PTR: 0 };

  constructor(inner: Resolver, options: ObserveOptions = {}) {
    super();
    this.#inner = inner;
    this.#onQuery = options.onQuery;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Questions asked so far, answered or not (one per call, even if a cache answers it). */
  get count(): number {
    return this.#count;
  }

  /** `count`, by record type. */
  get byType(): Readonly<Record<RecordType, number>> {
    return { ...this.#byType };
  }

  /** This resolver, for code written against `countQueries(inner).resolver`. */
  get resolver(): CountingResolver {
    return this;
  }

  lookup<T extends RecordType>(type: T, name: string): Promise<TimedAnswer<T>> {
    this.#count++;
    this.#byType[type]++;
    const onQuery = this.#onQuery;
    const pending = lookupRecords(this.#inner, type, name);
    if (onQuery === undefined) return pending;
    const started = this.#now();
    return pending.then(
      (answer) => {
        onQuery({ type, name, outcome: 'answer', records: answer.records, ...ttlOf(answer), elapsedMs: this.#now() - started });
        return answer;
      },
      (error: unknown) => {
        const outcome = error instanceof DnsError ? error.code : 'error';
        onQuery({ type, name, outcome, error, elapsedMs: this.#now() - started });
        throw error;
      },
    );
  }
}

function ttlOf(answer: TimedAnswer<RecordType>): { ttl?: number } {
  return answer.ttl === undefined ? {} : { ttl: answer.ttl };
}

/** Counts the questions asked through the returned resolver (see `CountingResolver`). */
export function countQueries(inner: Resolver, options: ObserveOptions = {}): CountingResolver {
  return new CountingResolver(inner, options);
}

/** Reports every question asked through the returned resolver to `onQuery` as it settles. */
export function observeQueries(inner: Resolver, onQuery: QueryObserver, options: Omit<ObserveOptions, 'onQuery'> = {}): CountingResolver {
  return new CountingResolver(inner, { ...options, onQuery });
}
