import type { Resolver } from '@authgate/dns';
import { checkAlignment, type Alignment, type AuthenticatedIdentifiers } from './alignment.js';
import { authorDomainsOf, type AuthorDomain } from './author.js';
import { strictest } from './combine.js';
import { discover, type PolicyDiscovery } from './discovery.js';
import { problem, type DmarcProblem } from './errors.js';
import { domainExists } from './existence.js';
import { DmarcLookups } from './lookup.js';
import { organizationalDomainOf } from './org-domain.js';
import { dispositionOf, requestedPolicy } from './policy.js';
import type { DmarcRecord } from './record.js';
import type { DmarcMode, DmarcPolicy } from './tags.js';
import type { ReportUri } from './uri.js';

/**
 * The DMARC result (RFC 9989 §9.2, the RFC 8601 result names):
 * - `pass`: a record applies and an authenticated identifier aligns with the author domain.
 * - `fail`: a record applies and no authenticated identifier aligns.
 * - `none`: no DMARC Policy Record applies to the author domain.
 * - `temperror`: a DNS query DMARC needed failed transiently; a later attempt may conclude.
 * - `permerror`: DMARC cannot be evaluated: no usable From, or an unusable record.
 */
export type DmarcResult = 'pass' | 'fail' | 'none' | 'temperror' | 'permerror';

/** The outcome of DMARC for one message. */
export interface DmarcEvaluation {
  result: DmarcResult;
  /** The author domain this outcome is about (the strictest one when there are several). */
  authorDomain?: string;
  /** Every distinct author domain of the From field(s), in order. */
  authorDomains: string[];
  /** The DMARC Policy Domain: where the record that applies was found. */
  policyDomain?: string;
  /** The author domain's Organizational Domain (tree walk, or PSL in RFC 7489 mode). */
  organizationalDomain?: string;
  /** The requested policy that applies to the author domain (set for `pass` and `fail`). */
  policy?: DmarcPolicy;
  /** Which tag `policy` came from. */
  policySource?: 'p' | 'sp' | 'np';
  /** What to do with the message: `policy` for a failure after `t=y` / legacy `pct`; else `none`. */
  disposition: DmarcPolicy;
  /** The record asks for testing mode (`t=y`, RFC 9989 only). */
  testing: boolean;
  alignment: Alignment;
  /** The record that applies, as published. */
  record?: DmarcRecord;
  /** Where the owner wants aggregate (`rua`) and failure (`ruf`) reports. */
  rua: ReportUri[];
  ruf: ReportUri[];
  problem?: DmarcProblem;
  /** The specification followed. */
  mode?: DmarcMode;
  /** With several author domains: the evaluation of each, in From order. */
  evaluations?: DmarcEvaluation[];
}

export interface EvaluateDmarcInput extends AuthenticatedIdentifiers {
  /** The raw From field value, or the values of every From field (RFC 5322 §3.6.2). */
  from: string | string[];
  resolver: Resolver;
  /** `rfc9989` (default) or the legacy `rfc7489`. */
  mode?: DmarcMode;
  /** Returns a number in [0, 1); decides legacy `pct` sampling. Defaults to `Math.random`. */
  random?: () => number;
}

/**
 * DMARC for one message from results produced elsewhere: the From field value(s), the SPF result
 * with the domain SPF checked, and each DKIM signature's result and `d=`. Discovers the policy,
 * checks alignment and applies the policy (RFC 9989 §5.3; RFC 7489 §6.6 in legacy mode). Never
 * throws for what the message or the DNS contain; throws `TypeError` for a missing resolver or an
 * unknown mode.
 */
export async function evaluateDmarc(input: EvaluateDmarcInput): Promise<DmarcEvaluation> {
  const mode = checkInput(input);
  const authors = authorDomainsOf(input.from);
  if (!authors.ok) return { ...emptyEvaluation(mode, []), result: 'permerror', problem: authors.problem };
  const lookups = new DmarcLookups(input.resolver, mode);
  const identifiers = { spf: input.spf, dkim: input.dkim };
  const random = input.random ?? Math.random;
  const evaluations = await Promise.all(
    authors.domains.map((author) => evaluateAuthor(lookups, author, identifiers, random)),
  );
  const broken = authors.brokenFields.map((failure) => ({ ...emptyEvaluation(mode, []), result: 'permerror' as const, problem: failure }));
  const combined = strictest([...evaluations, ...broken]);
  return authors.fields > 1 ? neverPassWithSeveralFromFields(combined, authors.fields) : combined;
}

/**
 * RFC 9989 §4.4 (and RFC 7489 §3.1): "Identifier Alignment cannot occur with a message that is not
 * valid per [RFC5322], particularly one with a malformed, absent, or repeated RFC5322.From header
 * field". RFC 5322 §3.6 allows one From field. Every domain is still evaluated (RFC 9989 §11.5), so a
 * failing one fails the message with the strictest policy and a second From field cannot be used to
 * escape a reject; but when every domain would pass, the message is a `permerror`, never a `pass`.
 */
function neverPassWithSeveralFromFields(combined: DmarcEvaluation, fields: number): DmarcEvaluation {
  if (combined.result !== 'pass') return combined;
  const { policy: _policy, policySource: _policySource, ...rest } = combined;
  const failure = problem('multiple-from', `${fields} From fields: identifier alignment cannot occur with a repeated From field (RFC 9989 §4.4)`);
  return { ...rest, result: 'permerror', disposition: 'none', problem: failure };
}

function checkInput(input: EvaluateDmarcInput): DmarcMode {
  if (typeof input?.resolver?.txt !== 'function') throw new TypeError('dmarc: evaluateDmarc needs a resolver');
  const mode = input.mode ?? 'rfc9989';
  if (mode !== 'rfc9989' && mode !== 'rfc7489') throw new TypeError(`dmarc: unknown mode ${String(mode)}`);
  if (typeof input.spf !== 'object' || !Array.isArray(input.dkim)) throw new TypeError('dmarc: spf must be an object and dkim an array');
  return mode;
}

function emptyEvaluation(mode: DmarcMode, authorDomains: string[]): DmarcEvaluation {
  return {
    result: 'none', authorDomains, disposition: 'none', testing: false,
    alignment: { spf: false, dkim: false }, rua: [], ruf: [], mode,
  };
}

async function evaluateAuthor(
  lookups: DmarcLookups,
  author: AuthorDomain,
  identifiers: AuthenticatedIdentifiers,
  random: () => number,
): Promise<DmarcEvaluation> {
  // Object.assign where a spread would do: Node 20's V8 adds every property written after a
  // leading `...spread` through a slow path (about 0.5 us each), and these objects are built for
  // every message. Same properties, same order.
  const base = Object.assign(emptyEvaluation(lookups.mode, [author.domain]), { authorDomain: author.domain });
  if (!author.ok) return { ...base, result: 'permerror', problem: author.problem };
  const discovery = await discover(lookups, author.domain);
  if (discovery.result === 'temperror') return { ...base, result: 'temperror', problem: discovery.problem };
  if (discovery.result === 'none') {
    return { ...base, organizationalDomain: await knownOrganizationalDomain(lookups, author.domain), problem: discovery.problem };
  }
  if (discovery.result === 'permerror') {
    const { record } = discovery;
    return { ...base, result: 'permerror', policyDomain: discovery.policyDomain, record, rua: record?.rua ?? [], ruf: record?.ruf ?? [], problem: discovery.problem };
  }
  return applyPolicy(lookups, base, discovery, identifiers, random);
}

async function applyPolicy(
  lookups: DmarcLookups,
  base: DmarcEvaluation & { authorDomain: string },
  discovery: Extract<PolicyDiscovery, { result: 'found' }>,
  identifiers: AuthenticatedIdentifiers,
  random: () => number,
): Promise<DmarcEvaluation> {
  const { record, policies, source } = discovery;
  const { problem: alignmentProblem, ...alignment } = await checkAlignment(lookups, base.authorDomain, record, identifiers);
  // Object.assign rather than spreads, for speed (see evaluateAuthor).
  const found: DmarcEvaluation = Object.assign({}, base, {
    policyDomain: discovery.policyDomain,
    organizationalDomain: await knownOrganizationalDomain(lookups, base.authorDomain),
    record, rua: record.rua ?? [], ruf: record.ruf ?? [],
    testing: record.t === 'y',
    alignment,
  });
  // RFC 9989 §5.3.5: one aligned identifier is enough to pass.
  if (alignment.spf || alignment.dkim) return Object.assign({}, found, { result: 'pass' as const }, requestedPolicy(policies, source, true));
  // RFC 9989 §5.3.6: an identifier whose alignment is unknown might have aligned.
  if (alignmentProblem !== undefined) return { ...found, result: 'temperror', problem: alignmentProblem };
  // np applies only to a non-existent author domain under a record found higher up (§4.7);
  // only a failing message has a policy applied, so only then is the DNS asked.
  let exists = true;
  if (source !== 'author' && policies.np !== undefined) {
    const existence = await lookups.remember(`exists:${base.authorDomain}`, () => domainExists(lookups.resolver, base.authorDomain));
    if (!existence.ok) return { ...found, result: 'temperror', problem: existence.problem };
    exists = existence.exists;
  }
  const requested = requestedPolicy(policies, source, exists);
  return Object.assign({}, found, { result: 'fail' as const }, requested, { disposition: dispositionOf(requested.policy, record, random) });
}

/** The author domain's Organizational Domain when it can be known; a DNS failure leaves it unset. */
async function knownOrganizationalDomain(lookups: DmarcLookups, domain: string): Promise<string | undefined> {
  const outcome = await organizationalDomainOf(lookups, domain);
  return outcome.ok ? outcome.domain : undefined;
}
