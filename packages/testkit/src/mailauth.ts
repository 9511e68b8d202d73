import { DnsError, type Resolver } from '@authgate/dns';

// mailauth declares string records only, yet reads MX objects too: whatever dns.promises.resolve gives.
type MailauthResolver = (name: string, rrtype: string) => Promise<any>;

/** mailauth reads node:dns error codes; ours are classified, so translate them back. */
const NODE_CODE = { NXDOMAIN: 'ENOTFOUND', NODATA: 'ENODATA', TEMPFAIL: 'ETIMEOUT', INVALID_NAME: 'EBADNAME' } as const;

/**
 * mailauth's resolver signature, `(name, rrtype) => records` as `dns.promises.resolve` answers,
 * over one of our resolvers, so that both libraries read the same DNS data in the differential
 * tests and the benchmark.
 */
export function mailauthResolver(resolver: Resolver): MailauthResolver {
  return async (name, rrtype) => {
    try {
      switch (rrtype) {
        case 'TXT': return await resolver.txt(name);
        case 'A': return await resolver.a(name);
        case 'AAAA': return await resolver.aaaa(name);
        case 'MX': return await resolver.mx(name);
        case 'PTR': return await resolver.ptr(ptrAddress(name));
        default: throw nodeError(`${rrtype} not served`, 'ENODATA');
      }
    } catch (error) {
      if (error instanceof DnsError) throw nodeError(error.message, NODE_CODE[error.code]);
      throw error;
    }
  };
}

/** An error as node:dns rejects with, built without a stack trace as authgate's are, so neither side pays for one. */
function nodeError(message: string, code: string): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error = Object.assign(new Error(message), { code });
  Error.stackTraceLimit = limit;
  return error;
}

/** mailauth asks PTR by the reverse name; our resolver takes the address. */
function ptrAddress(name: string): string {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa\.?$/i.exec(name);
  if (v4) return [v4[4], v4[3], v4[2], v4[1]].join('.');
  const nibbles = name.replace(/\.ip6\.arpa\.?$/i, '').split('.').reverse().join('');
  return nibbles.match(/.{4}/g)?.join(':') ?? name;
}
