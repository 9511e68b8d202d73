import { DnsError, type Resolver } from '@authgate/dns';
import { problem, type DmarcProblem } from './errors.js';
import { describe, isTransient } from './lookup.js';

export type Existence = { ok: true; exists: boolean } | { ok: false; problem: DmarcProblem };

/**
 * Whether a domain exists, for the `np` tag (RFC 9989 §4.7). RFC 9989 §3.2.13 and Appendix A.4:
 * a domain is non-existent when the DNS answers NXDOMAIN (RFC 8020: then nothing below it exists
 * either); any answer, including NODATA ("no record of this type, but the name exists"), means
 * it exists. The A, AAAA and MX questions are asked in turn, stopping at the first one that shows
 * the name exists, so that one server answering NXDOMAIN for a type it does not serve cannot make
 * a live domain look non-existent.
 */
export async function domainExists(resolver: Resolver, domain: string): Promise<Existence> {
  const questions = [() => resolver.a(domain), () => resolver.aaaa(domain), () => resolver.mx(domain)];
  let transient: unknown;
  for (const ask of questions) {
    try {
      await ask();
      return { ok: true, exists: true };
    } catch (error) {
      if (error instanceof DnsError && error.code === 'NODATA') return { ok: true, exists: true };
      if (isTransient(error)) transient ??= error;
    }
  }
  if (transient !== undefined) {
    return { ok: false, problem: problem('dns-temperror', `existence of ${domain} (for np): ${describe(transient)}`) };
  }
  return { ok: true, exists: false };
}
