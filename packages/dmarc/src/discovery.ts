import type { Resolver } from '@authgate/dns';
import { normalizeDomain } from './domain.js';
import { problem, type DmarcProblem } from './errors.js';
import { DmarcLookups, type DmarcQuery, type FoundRecord } from './lookup.js';
import { organizationalDomainOf } from './org-domain.js';
import { policyTags, type PolicySource, type PolicyTags } from './policy.js';
import { pslOrganizationalDomain } from './psl.js';
import type { DmarcRecord } from './record.js';
import type { DmarcMode } from './tags.js';
import { selectOrganizationalDomain, treeWalk } from './tree-walk.js';

interface DiscoveryBase {
  /** The author domain asked about, normalized. */
  domain: string;
  mode: DmarcMode;
  /** Things an operator should know: ignored or downgraded tags, discarded records. */
  warnings: string[];
  /** Every `_dmarc` query made, in order, with what each found. */
  queries: DmarcQuery[];
  /** The author domain's Organizational Domain, when it could be determined (set by `discoverPolicy`). */
  organizationalDomain?: string;
}

/** Which DMARC Policy Record applies to an author domain, where it was found and how it reads. */
export type PolicyDiscovery =
  | (DiscoveryBase & {
      result: 'found';
      /** The DMARC Policy Domain: where the record was found (RFC 9989 §3.2.5). */
      policyDomain: string;
      source: PolicySource;
      text: string;
      record: DmarcRecord;
      policies: Extract<PolicyTags, { ok: true }>;
    })
  | (DiscoveryBase & { result: 'none'; problem: DmarcProblem })
  | (DiscoveryBase & { result: 'permerror'; policyDomain: string; source: PolicySource; text: string; record?: DmarcRecord; problem: DmarcProblem })
  | (DiscoveryBase & { result: 'temperror'; problem: DmarcProblem });

/**
 * Finds the DMARC Policy Record that applies to `domain` (the author domain), the way a receiver
 * does before evaluating a message: RFC 9989 §4.10.1 (DNS Tree Walk) by default, RFC 7489 §6.6.3
 * (author domain, then its PSL Organizational Domain) in legacy mode. For `authgate dmarc DOMAIN`:
 * the result says which record applies, where it was found, which names were asked and why other
 * records were passed over.
 */
export async function discoverPolicy(domain: string, options: { resolver: Resolver; mode?: DmarcMode }): Promise<PolicyDiscovery> {
  const mode = options.mode ?? 'rfc9989';
  const normalized = normalizeDomain(domain);
  if (normalized === undefined) {
    const failure = problem('invalid-domain', `${JSON.stringify(domain)} is not a domain name`);
    return { result: 'none', domain, mode, warnings: [], queries: [], problem: failure };
  }
  const lookups = new DmarcLookups(options.resolver, mode);
  const discovery = await discover(lookups, normalized);
  const organizational = await organizationalDomainOf(lookups, normalized);
  if (organizational.ok) discovery.organizationalDomain = organizational.domain;
  else discovery.warnings.push(`Organizational Domain unknown: ${organizational.problem.message}`);
  discovery.queries = [...lookups.queries];
  return discovery;
}

/** Policy discovery for a normalized author domain, sharing the evaluation's DNS answers. */
export async function discover(lookups: DmarcLookups, domain: string): Promise<PolicyDiscovery> {
  const base = { domain, mode: lookups.mode, warnings: [] as string[], queries: lookups.queries };
  const own = await lookups.query(domain);
  noteDiscarded(base.warnings, own);
  if (own.outcome === 'temperror') return { ...base, result: 'temperror', problem: own.problem };
  if (own.outcome === 'record' || own.outcome === 'malformed') return applying(base, own, 'author');
  if (lookups.mode === 'rfc7489') return discoverLegacy(lookups, base, own);
  // RFC 9989 §4.10.1: no usable record at the author domain (none, or several, which are all
  // discarded): walk up the tree to the Organizational Domain or the PSD.
  const walk = await treeWalk(lookups, domain);
  if (!walk.ok) return { ...base, result: 'temperror', problem: walk.failed.problem };
  for (const query of walk.queried.slice(1)) noteDiscarded(base.warnings, query);
  const organizational = selectOrganizationalDomain(domain, walk.found);
  const atOrganizational = walk.found.find((query) => query.domain === organizational.domain);
  if (atOrganizational !== undefined) return applying(base, atOrganizational, 'organizational');
  // The Organizational Domain (one label below a psd=y record) publishes nothing, or the walk
  // skipped it: the PSD's record is the last place a policy can come from (§4.10.1).
  const psd = walk.found.find((query) => query.outcome === 'record' && query.record.psd === 'y');
  if (psd !== undefined) return applying(base, psd, 'psd');
  return none(base, own);
}

/**
 * RFC 7489 §6.6.3: if the author domain has no DMARC record, ask once at its Organizational Domain
 * by the Public Suffix List (steps 3-4). Several records at the author domain end discovery there
 * (step 5): the set was not empty, so the Organizational Domain is not asked.
 */
async function discoverLegacy(lookups: DmarcLookups, base: DiscoveryBase, own: DmarcQuery): Promise<PolicyDiscovery> {
  if (own.outcome === 'multiple') return none(base, own);
  const organizational = pslOrganizationalDomain(base.domain);
  if (organizational === base.domain) return none(base, own);
  const query = await lookups.query(organizational);
  noteDiscarded(base.warnings, query);
  if (query.outcome === 'temperror') return { ...base, result: 'temperror', problem: query.problem };
  if (query.outcome === 'record' || query.outcome === 'malformed') return applying(base, query, 'organizational');
  return none(base, query);
}

function applying(base: DiscoveryBase, found: FoundRecord, source: PolicySource): PolicyDiscovery {
  const where = { policyDomain: found.domain, source, text: found.text };
  if (found.outcome === 'malformed') {
    const failure = problem('malformed-record', `${found.name}: ${found.problem.message.replace(/^dmarc: /, '')}`);
    return { ...base, ...where, result: 'permerror', problem: failure };
  }
  base.warnings.push(...found.warnings.map((warning) => `${found.name}: ${warning}`));
  const policies = policyTags(found.record, base.mode);
  if (!policies.ok) return { ...base, ...where, result: 'permerror', record: found.record, problem: policies.problem };
  if (policies.downgraded !== undefined) base.warnings.push(`${found.name}: ${policies.downgraded}`);
  // Object.assign rather than spreads: Node 20's V8 adds every property written after a leading
  // `...spread` through a slow path (about 0.5 us each), and this runs for every message.
  return Object.assign({}, base, where, { result: 'found' as const, record: found.record, policies });
}

function none(base: DiscoveryBase, last: DmarcQuery): PolicyDiscovery {
  const several = last.outcome === 'multiple';
  const failure = several
    ? problem('multiple-records', `${last.name} has ${last.texts.length} DMARC records; all are discarded and no policy applies`)
    : problem('no-policy', `no DMARC Policy Record applies to ${base.domain}`);
  return { ...base, result: 'none', problem: failure };
}

/** Explains records passed over at a name: several DMARC records, or TXT that looks like DMARC. */
function noteDiscarded(warnings: string[], query: DmarcQuery): void {
  if (query.outcome === 'multiple') {
    warnings.push(`${query.name}: ${query.texts.length} DMARC records, all discarded (RFC 9989 §4.10 step 2)`);
  }
  if (query.outcome === 'temperror') return;
  for (const text of query.ignored) {
    if (/^[ \t]*v[ \t]*=[ \t]*dmarc/i.test(text)) {
      warnings.push(`${query.name}: ${JSON.stringify(text)} ignored: a DMARC record must start with exactly "v=DMARC1" followed by ";" (RFC 9989 §4.7)`);
    }
  }
}
