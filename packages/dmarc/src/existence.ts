import { DnsError, type Resolver } from '@authgate/dns';
import { problem, type DmarcProblem } from './errors.js';
import { describe, isTransient } from './lookup.js';

export type Existence = { ok: true; exists: boolean } | { ok: false; problem: DmarcProblem };

/**
 * Whether a domain exists, for the `np` tag (RFC 9989 §4.7). RFC 9989 §3.2.13 and Appendix A.4:
 * any answer for any type, including NODATA ("no record of this type, but the name exists"),
 * means the name exists; an NXDOMAIN answer means it does not (RFC 8020: nor does anything below
 * it). RFC 9091's broader rule (NODATA for A, AAAA and MX also meant non-existent) is gone.
 *
 * The A, AAAA and MX questions are asked in turn, stopping at the first answer that shows the name
 * exists, so that a server answering NXDOMAIN for a type it does not serve cannot make a live
 * domain look non-existent. Once one question was answered NXDOMAIN and none showed the name, the
 * name does not exist, even if another question failed transiently: that NXDOMAIN is conclusive
 * (§3.2.13), and a timeout proves nothing. Only when no question got an answer at all is the
 * outcome a temporary failure.
 */
export async function domainExists(resolver: Resolver, domain: string): Promise<Existence> {
  const questions = [() => resolver.a(domain), () => resolver.aaaa(domain), () => resolver.mx(domain)];
  let transient: unknown;
  let nxdomain = false;
  for (const ask of questions) {
    try {
      await ask();
      return { ok: true, exists: true };
    } catch (error) {
      if (error instanceof DnsError && error.code === 'NODATA') return { ok: true, exists: true };
      if (error instanceof DnsError && error.code === 'NXDOMAIN') nxdomain = true;
      else if (isTransient(error)) transient ??= error;
    }
  }
  if (!nxdomain && transient !== undefined) {
    return { ok: false, problem: problem('dns-temperror', `existence of ${domain} (for np): ${describe(transient)}`) };
  }
  return { ok: true, exists: false };
}
