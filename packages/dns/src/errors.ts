/**
 * How a DNS query failed, classified once here so that no evaluator ever looks at resolver
 * error strings.
 * - `NXDOMAIN`: the name does not exist (RCODE 3).
 * - `NODATA`: the name exists but has no record of the asked type. SPF counts both of these as
 *   "void lookups" (RFC 7208 §4.6.4).
 * - `TEMPFAIL`: SERVFAIL, REFUSED, a timeout or a network error: try again later.
 * - `INVALID_NAME`: the name cannot be asked at all (a label over 63 octets, a name over 253,
 *   an empty label; RFC 1035 §2.3.4).
 */
export type DnsErrorCode = 'NXDOMAIN' | 'NODATA' | 'TEMPFAIL' | 'INVALID_NAME';

/** The one error type every `Resolver` rejects with. */
export class DnsError extends Error {
  override readonly name = 'DnsError';
  readonly code: DnsErrorCode;
  /** The name that was asked, as given. */
  readonly hostname: string;
  /** The record type that was asked. */
  readonly rrtype: string;

  constructor(code: DnsErrorCode, rrtype: string, hostname: string, options?: { cause?: unknown }) {
    super(`dns: ${rrtype} ${hostname}: ${code}`, options);
    this.code = code;
    this.hostname = hostname;
    this.rrtype = rrtype;
  }
}

/** True for the two answers that mean "nothing there" rather than "could not ask". */
export function isNoRecords(error: unknown): error is DnsError {
  return error instanceof DnsError && (error.code === 'NXDOMAIN' || error.code === 'NODATA');
}
