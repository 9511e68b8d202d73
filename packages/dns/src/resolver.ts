/** An MX record: lower `priority` is preferred (RFC 5321 §5.1). */
export interface MxRecord {
  exchange: string;
  priority: number;
}

/** The record types authgate asks for. */
export type RecordType = 'TXT' | 'A' | 'AAAA' | 'MX' | 'PTR';

/** What each record type answers with. */
export interface RecordsByType {
  TXT: string[][];
  A: string[];
  AAAA: string[];
  MX: MxRecord[];
  PTR: string[];
}

/**
 * The DNS questions SPF, DKIM and DMARC need, and nothing more.
 *
 * Every method resolves to at least one record, or rejects with a `DnsError` whose `code` says
 * why there is none (`NXDOMAIN`, `NODATA`, `TEMPFAIL`, `INVALID_NAME`). Names are given
 * without a trailing dot and compared case-insensitively (RFC 4343).
 */
export interface Resolver {
  /** TXT records, each as its list of character-strings, unjoined: callers decide how to join. */
  txt(name: string): Promise<string[][]>;
  /** IPv4 addresses in dotted-quad form. */
  a(name: string): Promise<string[]>;
  /** IPv6 addresses in RFC 5952 compressed form. */
  aaaa(name: string): Promise<string[]>;
  mx(name: string): Promise<MxRecord[]>;
  /** Reverse lookup of an IPv4 or IPv6 address: the PTR names of its in-addr/ip6.arpa name. */
  ptr(ip: string): Promise<string[]>;
}

/** An answer together with how long it may be reused, in seconds, when the transport says so. */
export interface TimedAnswer<T extends RecordType> {
  records: RecordsByType[T];
  ttl?: number;
}

/** A resolver that can report TTLs, which the cache honours. */
export interface TtlResolver extends Resolver {
  lookup<T extends RecordType>(type: T, name: string): Promise<TimedAnswer<T>>;
}
