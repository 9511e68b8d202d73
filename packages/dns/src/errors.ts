/**
 * Every way a DNS question can fail, classified once here so that no evaluator ever looks at
 * resolver error strings.
 * - `NXDOMAIN`: the name does not exist (RCODE 3, RFC 1035 §4.1.1 "Name Error").
 * - `NODATA`: the name exists but has no record of the asked type (RCODE 0 with an empty answer).
 *   SPF counts both of these as "void lookups" (RFC 7208 §4.6.4).
 * - `TEMPFAIL`: SERVFAIL, REFUSED or any other RCODE, a timeout, a CNAME loop or a network error:
 *   the answer is unknown, try again later (RFC 7208 §4.4 makes these "temperror").
 * - `INVALID_NAME`: the name cannot be asked at all (a label over 63 octets, a name over 253,
 *   an empty label, a non-ASCII name; RFC 1035 §2.3.4, RFC 8616 §4), or it is not an IP address
 *   where a PTR query needs one.
 */
export const DNS_ERROR_CODES = ['NXDOMAIN', 'NODATA', 'TEMPFAIL', 'INVALID_NAME'] as const;

export type DnsErrorCode = (typeof DNS_ERROR_CODES)[number];

/** The one error type every `Resolver` rejects with. */
export class DnsError extends Error {
  override readonly name = 'DnsError';
  readonly code: DnsErrorCode;
  /** The name that was asked, as given (for PTR, the IP address). */
  readonly hostname: string;
  /** The record type that was asked. */
  readonly rrtype: string;

  constructor(code: DnsErrorCode, rrtype: string, hostname: string, options?: { cause?: unknown }) {
    // A DnsError is an answer (NXDOMAIN, NODATA), not a bug to trace: DMARC's tree walk and SPF
    // meet several per message, and capturing a stack trace for each was the most expensive part
    // of a negative answer. The limit is restored before anything else can run; `cause` keeps
    // the resolver's own error, with its stack, for a TEMPFAIL.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`dns: ${rrtype} ${hostname}: ${code}`, options);
    Error.stackTraceLimit = stackTraceLimit;
    this.code = code;
    this.hostname = hostname;
    this.rrtype = rrtype;
  }
}

/** True for the two answers that mean "nothing there" rather than "could not ask". */
export function isNoRecords(error: unknown): error is DnsError {
  return error instanceof DnsError && (error.code === 'NXDOMAIN' || error.code === 'NODATA');
}

/** True when `error` is a `DnsError`, optionally with the given code. */
export function isDnsError(error: unknown, code?: DnsErrorCode): error is DnsError {
  return error instanceof DnsError && (code === undefined || error.code === code);
}
