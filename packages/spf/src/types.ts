import type { Resolver } from '@authgate/dns';
import type { SpfProblem } from './errors.js';
import type { SpfLimits } from './limits.js';

/** The results of check_host() (RFC 7208 §2.6), as written in Authentication-Results (RFC 8601 §2.7.2). */
export type SpfResult =
  /** §2.6.1: no valid domain could be derived, or the domain publishes no SPF record. */
  | 'none'
  /** §2.6.2: the domain states nothing about the client (`?` qualifier or no match). */
  | 'neutral'
  /** §2.6.3: the client is authorized to use the identity. */
  | 'pass'
  /** §2.6.4: the client is explicitly not authorized. */
  | 'fail'
  /** §2.6.5: the client is probably not authorized (`~` qualifier). */
  | 'softfail'
  /** §2.6.6: a transient (DNS) error; a later retry may succeed. */
  | 'temperror'
  /** §2.6.7: the published records could not be interpreted. */
  | 'permerror';

/** Which SMTP identity a check is about (RFC 7208 §2.3, §2.4). */
export type SpfIdentity = 'mailfrom' | 'helo';

/** The DNS record types SPF asks for (RFC 7208 §4.4, §5). */
export type SpfRecordType = 'TXT' | 'A' | 'AAAA' | 'MX' | 'PTR';

/** How one DNS query ended: `records`, a `DnsError` code, `error` for anything else, or the deadline. */
export type SpfQueryAnswer = 'records' | 'NXDOMAIN' | 'NODATA' | 'TEMPFAIL' | 'INVALID_NAME' | 'error' | 'deadline';

/**
 * One step of an evaluation, recorded when `options.trace` is set. `depth` is 0 for the checked
 * domain and grows by one for every include or redirect.
 */
export type SpfTraceEntry =
  | { type: 'query'; depth: number; rrtype: SpfRecordType; name: string; answer: SpfQueryAnswer; records?: string[] }
  | { type: 'record'; depth: number; domain: string; record: string }
  | { type: 'term'; depth: number; domain: string; term: string; outcome: 'match' | 'no-match' | 'error' }
  | { type: 'result'; depth: number; domain: string; result: SpfResult };

/** What check_host() concluded about one identity. */
export interface SpfOutcome {
  result: SpfResult;
  identity: SpfIdentity;
  /** The domain checked, lower-case A-label ('' when none could be derived). */
  domain: string;
  /** The identity checked, e.g. 'postmaster@helo.example'. */
  sender: string;
  /** The term that decided, e.g. '-all', 'ip4:192.0.2.0/24', or 'default' when none matched. */
  mechanism?: string;
  /** On fail: the expanded exp= text or the default explanation (RFC 7208 §6.2). */
  explanation?: string;
  /** Why the result is permerror, temperror or none. */
  problem?: SpfProblem;
  /** DNS-querying terms counted (RFC 7208 §4.6.4). */
  lookups: number;
  /** Terms whose lookup found nothing (RFC 7208 §4.6.4). */
  voidLookups: number;
  /** DNS queries actually sent to the resolver. */
  queries: number;
  trace?: SpfTraceEntry[];
}

/** The MAIL FROM answer, with the separate HELO identity check beside it. */
export interface SpfVerification extends SpfOutcome {
  helo?: SpfOutcome;
}

/** What every evaluation needs from outside: DNS, the clock, limits (STYLE.md §7). */
export interface SpfOptions {
  resolver: Resolver;
  /** The receiving host's name, for the %{r} macro (RFC 7208 §7.3); 'unknown' when absent. */
  receiver?: string;
  /** Milliseconds since the epoch; used for %{t} and the deadline. Defaults to Date.now. */
  now?: () => number;
  limits?: Partial<SpfLimits>;
  /** An explain-string (macros allowed, RFC 7208 §7.1) used on fail when exp= gives nothing. */
  defaultExplanation?: string;
  /** Record every query, record and term in `trace`. */
  trace?: boolean;
}

export interface CheckHostInput extends SpfOptions {
  /** The SMTP client address (IPv4 or IPv6; IPv4-mapped IPv6 is treated as IPv4). */
  ip: string;
  /** <domain>: where to look for the record. */
  domain: string;
  /** <sender>: the MAIL FROM or HELO identity; a missing local part becomes 'postmaster'. */
  sender: string;
  /** The HELO/EHLO argument, for the %{h} macro. */
  helo: string;
}

export interface VerifySpfInput extends SpfOptions {
  ip: string;
  /** The reverse path: 'user@example.com', '<user@example.com>', or '' / '<>' for a null path. */
  mailFrom: string;
  helo: string;
}
