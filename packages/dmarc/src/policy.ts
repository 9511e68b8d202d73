import { problem, type DmarcProblem } from './errors.js';
import type { DmarcRecord } from './record.js';
import type { DmarcMode, DmarcPolicy } from './tags.js';

/** The policy tags of a record once its validity rules are applied. */
export type PolicyTags =
  | {
      ok: true;
      p: DmarcPolicy;
      sp?: DmarcPolicy;
      np?: DmarcPolicy;
      /** Why the record is read as `p=none` although it says otherwise, when it is. */
      downgraded?: string;
    }
  | { ok: false; problem: DmarcProblem };

/**
 * Reads `p`, `sp` and `np` the way the specifications require:
 * - RFC 9989 §4.10.1 (and RFC 7489 §6.6.3 step 6): an invalid `p`, `sp` or `np` makes the receiver
 *   act as if the record said `p=none` when `rua` holds at least one valid URI, and apply no DMARC
 *   processing otherwise (reported here as `invalid-policy`, a `permerror`).
 * - A missing `p` differs between the two: RFC 9989 §4.7 made `p` RECOMMENDED and reads a record
 *   without it as `p=none`; RFC 7489 §6.3 made it REQUIRED, so its absence counts as invalid.
 */
export function policyTags(record: DmarcRecord, mode: DmarcMode): PolicyTags {
  const invalid = (['p', 'sp', 'np'] as const).filter((name) => record.invalid?.[name] !== undefined);
  if (mode === 'rfc7489' && record.p === undefined && record.invalid?.p === undefined) invalid.unshift('p');
  if (invalid.length === 0) {
    // Members set one by one rather than `...(record.sp && { sp })`, a slow runtime call on Node 20
    // (this runs for every message).
    const tags: Extract<PolicyTags, { ok: true }> = { ok: true, p: record.p ?? 'none' };
    if (record.sp) tags.sp = record.sp;
    if (record.np) tags.np = record.np;
    return tags;
  }
  const what = invalid.map((name) => (record.invalid?.[name] === undefined ? `no ${name}` : `invalid ${name}`)).join(', ');
  if ((record.rua?.length ?? 0) > 0) {
    return { ok: true, p: 'none', downgraded: `${what}: read as p=none because rua is valid (RFC 9989 §4.10.1)` };
  }
  return { ok: false, problem: problem('invalid-policy', `${what} and no valid rua: no DMARC processing (RFC 9989 §4.10.1)`) };
}

/** Where the record that applies was found, relative to the author domain. */
export type PolicySource = 'author' | 'organizational' | 'psd';

/**
 * The requested policy for the author domain (RFC 9989 §4.10.1): `p` when the record is the author
 * domain's own; for a record found higher up, `np` when the author domain does not exist and the
 * record has one, otherwise `sp`, and `p` when the applicable tag is absent (§4.7 `np`, `sp`).
 * A non-existent subdomain under a record with `sp` but no `np` gets `sp`: §4.10.1's "in the
 * absence of applicable sp or np tags, the p tag policy is used" could be read as `p`, but §4.7
 * `np` says "the policy specified by the sp tag (if the sp tag is present) ... MUST be applied for
 * non-existent subdomains", and the specific MUST decides.
 * RFC 7489 §6.6.3 has no `np` (the parser does not keep it in that mode).
 */
export function requestedPolicy(
  tags: Extract<PolicyTags, { ok: true }>,
  source: PolicySource,
  exists: boolean,
): { policy: DmarcPolicy; policySource: 'p' | 'sp' | 'np' } {
  if (source === 'author') return { policy: tags.p, policySource: 'p' };
  if (!exists && tags.np !== undefined) return { policy: tags.np, policySource: 'np' };
  if (tags.sp !== undefined) return { policy: tags.sp, policySource: 'sp' };
  return { policy: tags.p, policySource: 'p' };
}

/** One level less: reject -> quarantine -> none. */
export function stepDown(policy: DmarcPolicy): DmarcPolicy {
  return policy === 'reject' ? 'quarantine' : 'none';
}

/**
 * What to do with a failing message, given the policy that applies:
 * - RFC 9989 §4.7 `t=y`: the owner is testing and expects "one level below the specified policy"
 *   (quarantine -> none, reject -> quarantine); no effect on `none`.
 * - RFC 7489 §6.6.4 `pct`: the policy is enacted on at most `pct` percent of failing messages,
 *   chosen at random ("(random mod 100) < pct"); a message not selected is handled one level down
 *   (reject -> quarantine, quarantine -> normal classification, i.e. none). `random` is only
 *   called when sampling actually decides something (a policy above none and `pct` below 100).
 * RFC 9989 has no `pct` (Appendix A.6) and RFC 7489 no `t`; the parser keeps only the tags of the
 * mode, so each rule only ever sees its own tag.
 */
export function dispositionOf(policy: DmarcPolicy, record: DmarcRecord, random: () => number): DmarcPolicy {
  if (policy === 'none') return 'none';
  if (record.t === 'y') return stepDown(policy);
  const pct = record.pct ?? 100;
  if (pct < 100 && !(Math.floor(random() * 100) < pct)) return stepDown(policy);
  return policy;
}
