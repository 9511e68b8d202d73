import { DnsError, type DnsErrorCode } from './errors.js';

/**
 * Every error code `node:dns` (c-ares) reports for a query, and what it means for authgate: the
 * one place resolver error strings are read.
 *
 * RFC 7208 §4.4 (and DKIM/DMARC alike): RCODE 3 is "no such name", RCODE 0 without an answer is
 * "no such record", and anything else — another RCODE, a timeout, a network failure — leaves the
 * answer unknown, so it is a TEMPFAIL. Codes c-ares raises because it cannot put the name in a
 * query at all are INVALID_NAME.
 *
 * Known c-ares limitation (measured with c-ares 1.34.6): RCODEs it has no error for (e.g. 6,
 * YXDOMAIN) come back as ENODATA, so they are indistinguishable from NODATA here.
 */
export const CARES_CODES: Readonly<Record<string, DnsErrorCode>> = {
  ENOTFOUND: 'NXDOMAIN', // RCODE 3, Name Error
  ENODATA: 'NODATA', // RCODE 0 and no record of the type
  EBADNAME: 'INVALID_NAME', // c-ares refuses the characters or the shape of the name
  EBADQUERY: 'INVALID_NAME', // c-ares could not build the query for the name
  EBADSTR: 'INVALID_NAME', // the name is not a string c-ares can encode
  EFORMERR: 'TEMPFAIL', // RCODE 1: the server says our query was malformed
  ESERVFAIL: 'TEMPFAIL', // RCODE 2
  ENOTIMP: 'TEMPFAIL', // RCODE 4
  EREFUSED: 'TEMPFAIL', // RCODE 5
  EBADRESP: 'TEMPFAIL', // a malformed reply
  ETIMEOUT: 'TEMPFAIL', // no reply after every try
  ECONNREFUSED: 'TEMPFAIL', // nothing listens at the server's port (ICMP port unreachable)
  EOF: 'TEMPFAIL', // the server closed a TCP connection mid-reply
  EFILE: 'TEMPFAIL', // resolv.conf or similar unreadable
  ENOMEM: 'TEMPFAIL',
  EDESTRUCTION: 'TEMPFAIL', // the channel was destroyed while the query ran
  ECANCELLED: 'TEMPFAIL', // Resolver#cancel()
  EBADFAMILY: 'TEMPFAIL', // not produced by the query types used here
  EBADFLAGS: 'TEMPFAIL',
  EBADHINTS: 'TEMPFAIL',
  ENONAME: 'TEMPFAIL',
  ENOTINITIALIZED: 'TEMPFAIL',
  ELOADIPHLPAPI: 'TEMPFAIL', // Windows only
  EADDRGETNETWORKPARAMS: 'TEMPFAIL', // Windows only
};

/**
 * The `DnsError` for an error thrown by `node:dns`; any code not in the table (a future c-ares,
 * a system error) is a TEMPFAIL, since it says nothing about what the DNS holds.
 */
export function classifyCaresError(error: unknown, rrtype: string, hostname: string): DnsError {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const classified = typeof code === 'string' && Object.hasOwn(CARES_CODES, code) ? CARES_CODES[code] : undefined;
  return new DnsError(classified ?? 'TEMPFAIL', rrtype, hostname, { cause: error });
}
