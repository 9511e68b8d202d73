import { DnsError } from '@authgate/dns';
import type { RecordsByType, Resolver } from '@authgate/dns';
import { problem } from './errors.js';
import type { SpfProblem } from './errors.js';
import type { SpfLimits } from './limits.js';
import type { SpfQueryAnswer, SpfRecordType, SpfTraceEntry } from './types.js';

/**
 * Ends a whole evaluation early with an error result. RFC 7208 §4.6.2, §5.2: an exception in any
 * term, however deeply included, becomes the result of the topmost check_host(), so it travels
 * up as a throw and is turned into a result once, at the top. It never leaves this package.
 */
export class Abort {
  /** The term being evaluated when it happened (the innermost one). */
  term?: string;
  constructor(
    readonly result: 'permerror' | 'temperror',
    readonly problem: SpfProblem,
  ) {}
}

/** One DNS answer: records, or why there are none. */
export type Answer<T extends SpfRecordType> =
  | { ok: true; records: RecordsByType[T] }
  | { ok: false; code: Exclude<SpfQueryAnswer, 'records' | 'deadline'> };

const DEADLINE = Symbol('deadline');
const MAX_TIMER_MS = 2_147_483_647;

/**
 * What one check_host() evaluation shares across its includes and redirects: the DNS lookup
 * limits, "tracked as a single global limit for all evaluations" (RFC 7208 §4.1), the deadline,
 * the answers already fetched and the trace.
 */
export class Session {
  lookups = 0;
  voidLookups = 0;
  queries = 0;
  readonly trace: SpfTraceEntry[] | undefined;
  readonly #resolver: Resolver;
  readonly #limits: SpfLimits;
  readonly #now: () => number;
  readonly #deadlineAt: number;
  readonly #answers = new Map<string, Promise<Answer<SpfRecordType>>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expiry: Promise<typeof DEADLINE> | undefined;

  constructor(resolver: Resolver, limits: SpfLimits, now: () => number, trace: boolean) {
    this.#resolver = resolver;
    this.#limits = limits;
    this.#now = now;
    this.#deadlineAt = now() + limits.deadlineMs;
    this.trace = trace ? [] : undefined;
  }

  get limits(): SpfLimits {
    return this.#limits;
  }

  /** RFC 7208 §4.6.4: count a DNS-querying term; the 11th is a permerror. */
  countLookup(): void {
    if (++this.lookups > this.#limits.lookups) {
      throw new Abort('permerror', problem('lookup-limit', `more than ${this.#limits.lookups} DNS-querying terms (RFC 7208 §4.6.4)`));
    }
  }

  /** RFC 7208 §4.6.4: count a term whose lookup found nothing; the 3rd is a permerror. */
  countVoid(): void {
    if (++this.voidLookups > this.#limits.voidLookups) {
      throw new Abort('permerror', problem('void-lookup-limit', `more than ${this.#limits.voidLookups} void lookups (RFC 7208 §4.6.4)`));
    }
  }

  /**
   * Asks the resolver once per name and type for the whole evaluation. Throws an Abort when the
   * deadline has passed, before or while asking (RFC 7208 §4.6.4: "If such a limit is exceeded,
   * the result of authorization SHOULD be temperror").
   */
  query<T extends SpfRecordType>(rrtype: T, name: string, depth: number): Promise<Answer<T>> {
    const key = `${rrtype} ${name.toLowerCase()}`;
    let answer = this.#answers.get(key) as Promise<Answer<T>> | undefined;
    if (answer === undefined) {
      answer = this.#ask(rrtype, name, depth);
      this.#answers.set(key, answer);
    }
    return answer;
  }

  async #ask<T extends SpfRecordType>(rrtype: T, name: string, depth: number): Promise<Answer<T>> {
    const remaining = this.#deadlineAt - this.#now();
    if (remaining <= 0) throw this.#deadlineAbort(rrtype, name, depth);
    this.queries++;
    const settled = await Promise.race([this.#send(rrtype, name), this.#expire(remaining)]);
    if (settled === DEADLINE) throw this.#deadlineAbort(rrtype, name, depth);
    if (this.trace !== undefined) this.#traceAnswer(rrtype, name, depth, settled);
    return settled;
  }

  async #send<T extends SpfRecordType>(rrtype: T, name: string): Promise<Answer<T>> {
    try {
      const records = (await this.#call(rrtype, name)) as RecordsByType[T];
      // The Resolver contract promises at least one record; an empty answer still means NODATA.
      return records.length > 0 ? { ok: true, records } : { ok: false, code: 'NODATA' };
    } catch (error) {
      return { ok: false, code: error instanceof DnsError ? error.code : 'error' };
    }
  }

  #call(rrtype: SpfRecordType, name: string): Promise<RecordsByType[SpfRecordType]> {
    switch (rrtype) {
      case 'TXT':
        return this.#resolver.txt(name);
      case 'A':
        return this.#resolver.a(name);
      case 'AAAA':
        return this.#resolver.aaaa(name);
      case 'MX':
        return this.#resolver.mx(name);
      case 'PTR':
        return this.#resolver.ptr(name);
    }
  }

  /** One timer per evaluation, armed at the first query, so a resolver that never answers cannot hang it. */
  #expire(remaining: number): Promise<typeof DEADLINE> {
    this.#expiry ??= new Promise((resolve) => {
      // setTimeout fires at once for delays past 2^31-1 ms; a longer (or infinite) deadline waits that long.
      this.#timer = setTimeout(resolve, Math.min(remaining, MAX_TIMER_MS), DEADLINE);
      this.#timer.unref?.();
    });
    return this.#expiry;
  }

  #deadlineAbort(rrtype: SpfRecordType, name: string, depth: number): Abort {
    this.trace?.push({ type: 'query', depth, rrtype, name, answer: 'deadline' });
    return new Abort('temperror', problem('deadline', `evaluation exceeded ${this.#limits.deadlineMs} ms (RFC 7208 §4.6.4)`));
  }

  #traceAnswer(rrtype: SpfRecordType, name: string, depth: number, answer: Answer<SpfRecordType>): void {
    if (!answer.ok) {
      this.trace?.push({ type: 'query', depth, rrtype, name, answer: answer.code });
      return;
    }
    const records = (answer.records as unknown[]).map((record) =>
      typeof record === 'string' ? record : Array.isArray(record) ? record.join('') : `${(record as { priority: number }).priority} ${(record as { exchange: string }).exchange}`,
    );
    this.trace?.push({ type: 'query', depth, rrtype, name, answer: 'records', records });
  }

  /** Releases the deadline timer; call when the evaluation is over. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}
