import { createRequire } from 'node:module';

/** mailauth 4.12.0 (an RFC 7489 implementation), for differential tests; CommonJS only. */
const requireMailauth = createRequire(import.meta.url);

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

export const mailauthDmarc = (requireMailauth('mailauth/lib/dmarc') as { dmarc: MailauthDmarc }).dmarc;
export const mailauthVersion = (requireMailauth('mailauth/package.json') as { version: string }).version;

export { mailauthResolver } from '@authgate/testkit';
