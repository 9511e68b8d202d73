import { DnsError, type RecordType, type Resolver } from 'authgate';

/** One DNS question as the metrics count it: its type, how it ended, how long it took. */
export interface DnsObservation {
  type: RecordType;
  /** `ok`, the `DnsError` code in lower case (`nxdomain`, `nodata`, `tempfail`...), or `error`. */
  outcome: string;
  seconds: number;
}

/**
 * `inner`, with every question reported to `observe` once answered. The metrics wrap the event
 * loop's resolver with it, and each verification thread its own (sending what it saw back with
 * each report), so that every question is counted once whichever thread asked it.
 */
export function observedResolver(inner: Resolver, observe: (observation: DnsObservation) => void): Resolver {
  const timed = <T>(type: RecordType, query: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    return query().then(
      (answer) => {
        observe({ type, outcome: 'ok', seconds: seconds() });
        return answer;
      },
      (error: unknown) => {
        observe({ type, outcome: error instanceof DnsError ? error.code.toLowerCase() : 'error', seconds: seconds() });
        throw error;
      },
    );
  };
  return {
    txt: (name) => timed('TXT', () => inner.txt(name)),
    a: (name) => timed('A', () => inner.a(name)),
    aaaa: (name) => timed('AAAA', () => inner.aaaa(name)),
    mx: (name) => timed('MX', () => inner.mx(name)),
    ptr: (ip) => timed('PTR', () => inner.ptr(ip)),
  };
}
