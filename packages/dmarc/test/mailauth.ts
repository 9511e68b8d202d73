import { createRequire } from 'node:module';
import { DnsError, type Resolver } from '@authgate/dns';

/** mailauth 4.12.0 (an RFC 7489 implementation), for differential tests; CommonJS only. */
const requireFromAuthgate = createRequire(import.meta.url);

interface MailauthDmarcResult {
  status: { result: string };
  policy?: string;
  p?: string;
  sp?: string;
  pct?: number;
}

type MailauthDmarc = (options: {
  headerFrom: string | string[];
  spfDomains: string[];
  dkimDomains: Array<{ domain: string }>;
  resolver: (name: string, type: string) => Promise<unknown>;
}) => Promise<MailauthDmarcResult | false>;

export const mailauthDmarc = (requireFromAuthgate('mailauth/lib/dmarc') as { dmarc: MailauthDmarc }).dmarc;
export const mailauthVersion = (requireFromAuthgate('mailauth/package.json') as { version: string }).version;

/**
 * Serves mailauth from the same fixture data: its resolver is `dns.resolve`-shaped and tells
 * "no record" from failure by the `node:dns` error codes.
 */
export function mailauthResolver(resolver: Resolver): (name: string, type: string) => Promise<unknown> {
  return async (name, type) => {
    try {
      if (type === 'TXT') return await resolver.txt(name);
      if (type === 'A') return await resolver.a(name);
      if (type === 'AAAA') return await resolver.aaaa(name);
      if (type === 'MX') return await resolver.mx(name);
      throw new Error(`unexpected query type ${type}`);
    } catch (error) {
      if (!(error instanceof DnsError)) throw error;
      const codes = { NXDOMAIN: 'ENOTFOUND', NODATA: 'ENODATA', TEMPFAIL: 'ETIMEOUT', INVALID_NAME: 'EBADNAME' } as const;
      throw Object.assign(new Error(error.message), { code: codes[error.code] });
    }
  };
}
