import { labelCount, lastLabels } from './domain.js';
import type { DmarcLookups, DmarcQuery, FoundRecord } from './lookup.js';

/**
 * RFC 9989 §4.10 walks at most this many names: "Author Domains with more than eight labels do
 * not result in more than eight DNS queries".
 */
export const MAX_TREE_WALK_QUERIES = 8;

/**
 * The names a DNS Tree Walk from `start` queries, in order (RFC 9989 §4.10 steps 1-7): the start
 * itself; then, if it has eight labels or more, its last seven labels (skipping the ones between),
 * otherwise its parent; then one label less each time, down to the top-level domain. Never more
 * than eight names.
 */
export function walkTargets(start: string): string[] {
  const targets = [start];
  for (let labels = Math.min(labelCount(start) - 1, MAX_TREE_WALK_QUERIES - 1); labels >= 1; labels--) {
    targets.push(lastLabels(start, labels));
  }
  return targets;
}

export type WalkResult =
  | { ok: true; found: FoundRecord[]; queried: DmarcQuery[] }
  | { ok: false; failed: Extract<DmarcQuery, { outcome: 'temperror' }> };

/**
 * Runs the DNS Tree Walk from `start` and returns the DMARC records found, longest name first.
 * RFC 9989 §4.10 steps 2 and 6: names with no record or several records contribute nothing, and a
 * single record carrying `psd=n` or `psd=y` ends the walk. A transient failure at any name ends it
 * too: without that answer neither the policy nor the Organizational Domain is known (§5.3.6).
 */
export async function treeWalk(lookups: DmarcLookups, start: string): Promise<WalkResult> {
  const found: FoundRecord[] = [];
  const queried: DmarcQuery[] = [];
  for (const target of walkTargets(start)) {
    const query = await lookups.query(target);
    queried.push(query);
    if (query.outcome === 'temperror') return { ok: false, failed: query };
    if (query.outcome !== 'record' && query.outcome !== 'malformed') continue;
    found.push(query);
    if (query.outcome === 'record' && (query.record.psd === 'y' || query.record.psd === 'n')) break;
  }
  return { ok: true, found, queried };
}

/** Which rule of RFC 9989 §4.10.2 chose the Organizational Domain. */
export type OrganizationalRule = 'psd=n' | 'psd=y' | 'fewest-labels' | 'no-record' | 'psl';

/**
 * RFC 9989 §4.10.2: going through the records found from the longest name to the shortest,
 * 1. a record with `psd=n` marks the Organizational Domain itself;
 * 2. a record with `psd=y`, other than the start's, marks a PSD: the Organizational Domain is the
 *    name one label below it (on the start's branch, even if the walk skipped that name);
 * 3. otherwise the record at the name with the fewest labels marks it;
 * and with no record at all the start is its own Organizational Domain. A record that cannot be
 * read (`malformed`) still marks a name where a DMARC record is published, with no `psd` flag.
 */
export function selectOrganizationalDomain(start: string, found: readonly FoundRecord[]): { domain: string; rule: OrganizationalRule } {
  for (const query of found) {
    const psd = query.outcome === 'record' ? query.record.psd : undefined;
    if (psd === 'n') return { domain: query.domain, rule: 'psd=n' };
    if (psd === 'y' && query.domain !== start) {
      return { domain: lastLabels(start, labelCount(query.domain) + 1), rule: 'psd=y' };
    }
  }
  const highest = found[found.length - 1];
  return highest === undefined ? { domain: start, rule: 'no-record' } : { domain: highest.domain, rule: 'fewest-labels' };
}
