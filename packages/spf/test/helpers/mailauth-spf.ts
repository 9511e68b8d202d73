import { createRequire } from 'node:module';
import type { Resolver } from '@authgate/dns';
import { mailauthResolver } from '@authgate/testkit';
import { spf } from 'mailauth/lib/spf/index.js';
import { DEFAULT_LIMITS } from '../../src/index.js';
import type { SpfResult } from '../../src/index.js';
import type { PeerResult } from './differential.js';

export const mailauthVersion = (createRequire(import.meta.url)('mailauth/package.json') as { version: string }).version;

/** The receiving host for %{r}, the same on both sides. */
export const RECEIVER = 'mx.example.net';

const RESULTS: readonly string[] = ['none', 'neutral', 'pass', 'fail', 'softfail', 'temperror', 'permerror'] satisfies SpfResult[];

/**
 * mailauth's SPF check of the MAIL FROM identity, over our resolver. mailauth has no HELO identity
 * of its own: `helo` only feeds %{h} and stands in for a null reverse path (postmaster@<helo>, as
 * RFC 7208 §2.4 defines it). Its limits are set to ours (§4.6.4: 10 lookups, 2 void lookups).
 */
export async function mailauthSpf(resolver: Resolver, input: { ip: string; mailFrom: string; helo: string }): Promise<PeerResult> {
  const { status } = await spf({
    sender: input.mailFrom,
    ip: input.ip,
    helo: input.helo,
    mta: RECEIVER,
    maxResolveCount: DEFAULT_LIMITS.lookups,
    maxVoidCount: DEFAULT_LIMITS.voidLookups,
    resolver: mailauthResolver(resolver),
  });
  if (!RESULTS.includes(status.result)) throw new Error(`mailauth answered ${status.result}, not an RFC 7208 result`);
  return { result: status.result as SpfResult, detail: status.comment ?? '' };
}
