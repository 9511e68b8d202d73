import type { Resolver } from '@authgate/dns';
import { normalizeDomain } from './domain.js';
import { problem, type DmarcProblem } from './errors.js';
import { DmarcLookups, type DmarcQuery } from './lookup.js';
import { pslOrganizationalDomain } from './psl.js';
import type { DmarcMode } from './tags.js';
import { selectOrganizationalDomain, treeWalk, type OrganizationalRule } from './tree-walk.js';

export type OrganizationalDomainOutcome =
  | { ok: true; domain: string; rule: OrganizationalRule }
  | { ok: false; problem: DmarcProblem };

export type OrganizationalDomainResult =
  | {
      ok: true;
      /** The domain asked about, normalized. */
      domain: string;
      organizationalDomain: string;
      /** `tree-walk` (RFC 9989 §4.10.2) or `psl` (RFC 7489 §3.2). */
      method: 'tree-walk' | 'psl';
      /** Which selection rule decided. */
      rule: OrganizationalRule;
      /** The `_dmarc` queries made, in order (none in RFC 7489 mode). */
      queries: DmarcQuery[];
    }
  | { ok: false; domain: string; problem: DmarcProblem; queries: DmarcQuery[] };

/**
 * The Organizational Domain of `domain`: by the DNS Tree Walk in RFC 9989 mode (the default), by
 * the Public Suffix List in RFC 7489 mode. Never throws for DNS trouble: a transient failure during
 * the walk is `{ ok: false, problem: { code: 'dns-temperror' } }`.
 */
export async function organizationalDomain(
  domain: string,
  options: { resolver: Resolver; mode?: DmarcMode },
): Promise<OrganizationalDomainResult> {
  const lookups = new DmarcLookups(options.resolver, options.mode ?? 'rfc9989');
  const normalized = normalizeDomain(domain);
  if (normalized === undefined) {
    return { ok: false, domain, problem: problem('invalid-domain', `${JSON.stringify(domain)} is not a domain name`), queries: [] };
  }
  const outcome = await organizationalDomainOf(lookups, normalized);
  if (!outcome.ok) return { ok: false, domain: normalized, problem: outcome.problem, queries: lookups.queries };
  return {
    ok: true,
    domain: normalized,
    organizationalDomain: outcome.domain,
    method: lookups.mode === 'rfc9989' ? 'tree-walk' : 'psl',
    rule: outcome.rule,
    queries: lookups.queries,
  };
}

/** The Organizational Domain of a normalized domain, once per evaluation. */
export function organizationalDomainOf(lookups: DmarcLookups, domain: string): Promise<OrganizationalDomainOutcome> {
  return lookups.remember(`org:${domain}`, async (): Promise<OrganizationalDomainOutcome> => {
    if (lookups.mode === 'rfc7489') return { ok: true, domain: pslOrganizationalDomain(domain), rule: 'psl' };
    const walk = await treeWalk(lookups, domain);
    if (!walk.ok) return { ok: false, problem: walk.failed.problem };
    return { ok: true, ...selectOrganizationalDomain(domain, walk.found) };
  });
}
