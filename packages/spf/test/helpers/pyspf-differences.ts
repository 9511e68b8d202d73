import { isDnsError } from '@authgate/dns';
import type { ZoneResolver } from '@authgate/dns';
import type { SpfOutcome } from '../../src/index.js';
import { addresses, answer, clientFamily, recordsFetched, recordsReached, termsOf } from './case-features.js';
import type { RecordEntry } from './case-features.js';
import type { Comparison, KnownDifference } from './differential.js';

/** A lookup pyspf counts as void: an answer without records (a timeout is a temperror instead). */
async function isVoid(resolver: ZoneResolver, host: string, family: 4 | 6): Promise<boolean> {
  return (await addresses(resolver, host, family))?.length === 0;
}

/**
 * The lookups pyspf makes beside the terms' own lookups and counts as void when they find nothing:
 * the address of each MX host of every evaluated mx term (spf.py dns_mx), the address of each PTR
 * name (at most 10) for every evaluated ptr term, and for a record using %{p} the PTR lookup
 * itself and the address of each PTR name (getp, validated_ptrs).
 */
async function hostVoids(comparison: Comparison): Promise<number> {
  const { ip, ours, resolver } = comparison;
  const family = clientFamily(ip);
  let count = 0;
  for (const entry of ours.trace ?? []) {
    if (entry.type !== 'term') continue;
    const mx = /^[+?~-]?mx(?::([^/]+))?/i.exec(entry.term);
    const names = mx !== null ? ((await answer(() => resolver.mx(mx[1] ?? entry.domain))) ?? []).map((record) => record.exchange).filter((host) => host !== '')
      : /^[+?~-]?ptr\b/i.test(entry.term) ? await ptrNames(comparison) : [];
    for (const name of names) if (await isVoid(resolver, name, family)) count++;
  }
  if (recordsReached(ours).some((entry) => /%\{p/i.test(entry.record))) {
    const names = await ptrNames(comparison);
    if (names.length === 0) count++;
    for (const name of names) if (await isVoid(resolver, name, family)) count++;
  }
  return count;
}

/** The first 10 PTR names of the client, as pyspf validates them (§4.6.4). */
async function ptrNames({ ip, resolver }: Comparison): Promise<string[]> {
  return ((await answer(() => resolver.ptr(ip))) ?? []).slice(0, 10);
}

/** The client's PTR query times out. */
async function ptrTimesOut({ ip, resolver }: Comparison): Promise<boolean> {
  try {
    await resolver.ptr(ip);
    return false;
  } catch (error) {
    return isDnsError(error) && error.code === 'TEMPFAIL';
  }
}

/** An include whose target, expanded, is the record's own <domain> (%{d2} as the generator uses it). */
function includesItself({ domain, record }: RecordEntry): boolean {
  const d2 = domain.split('.').slice(-2).join('.');
  return termsOf(record).some((term) => {
    const include = /^[+?~-]?include:(.+)$/i.exec(term);
    return include !== null && include[1]!.replace(/%\{d2\}/gi, d2).replace(/%\{d\}/gi, domain).toLowerCase() === domain;
  });
}

/** An unknown modifier (§6) whose macro-string uses c, r or t. */
function unknownModifierWithCrt({ record }: RecordEntry): boolean {
  return termsOf(record).some((term) => {
    const modifier = /^([a-z][a-z0-9._-]*)=(.*)$/i.exec(term);
    return modifier !== null && !/^(redirect|exp)$/i.test(modifier[1]!) && /%\{[crt]/i.test(modifier[2]!);
  });
}

/**
 * Records reached whose redirect= was never followed: §6.1 ignores it beside an all mechanism, and
 * a matching mechanism ends the record before it.
 */
function redirectsNotFollowed(outcome: SpfOutcome): number {
  const trace = outcome.trace ?? [];
  return recordsReached(outcome).filter(({ domain, depth, record }) => {
    const terms = termsOf(record);
    if (!terms.some((term) => /^redirect=/i.test(term))) return false;
    return terms.some((term) => /^[+?~-]?all$/i.test(term)) ||
      trace.some((entry) => entry.type === 'term' && entry.domain === domain && entry.depth === depth && entry.outcome === 'match');
  }).length;
}

/** redirect= or exp= written with an upper-case letter. */
function modifierNotLowerCase(record: string): boolean {
  return termsOf(record).some((term) => /^(redirect|exp)=/i.test(term) && !/^(redirect|exp)=/.test(term));
}

/** Every kind of disagreement seen, with the RFC 7208 text that decides it. */
export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    name: 'void lookups counted per address lookup',
    why:
      '§4.6.4 limits the "terms" whose DNS queries return no answer ("void lookups") to two; pyspf also counts every ' +
      'address lookup of an MX host or a PTR name, and the PTR lookup for %{p}, that finds nothing, so one mx or ptr ' +
      'term can use up the limit by itself',
    applies: async (comparison) =>
      comparison.theirs.result === 'permerror' && comparison.theirs.detail.includes('Void lookup limit') &&
      comparison.ours.voidLookups <= 2 && comparison.ours.voidLookups + (await hostVoids(comparison)) > 2,
  },
  {
    name: 'PTR lookup times out',
    why:
      '§5.5: "If a DNS error occurs while doing the PTR RR lookup, then this mechanism fails to match", and §7.3: for %{p} ' +
      '"if a DNS error occurs, the string unknown is used"; pyspf returns temperror, even for a %{p} it has not reached ' +
      'yet, since it expands every domain-spec of a record before evaluating it',
    applies: async (comparison) => comparison.theirs.result === 'temperror' && comparison.ours.result !== 'temperror' && (await ptrTimesOut(comparison)),
  },
  {
    name: 'include of the record\'s own domain, not reached',
    why:
      '§4.6: only a syntax error makes a whole record a permerror before evaluation; include:<own domain> is valid syntax ' +
      'and, were it evaluated, would end in the §4.6.4 lookup limit, but §4.6.2 stops at the first match before it. ' +
      'pyspf refuses such a record at once ("include has trivial recursion")',
    applies: ({ ours, theirs }) => theirs.result === 'permerror' && ours.result !== 'permerror' && recordsReached(ours).some(includesItself),
  },
  {
    name: 'c, r or t in an unknown modifier',
    why:
      '§12: unknown-modifier = name "=" macro-string, and macro-string allows every macro-letter; §6: unrecognized ' +
      'modifiers "MUST be ignored". §7.2 restricts c, r and t to "exp" text, which pyspf applies to unknown modifiers too ' +
      '(permerror); an ignored modifier is never expanded, so we follow the grammar',
    applies: ({ ours, theirs }) => theirs.result === 'permerror' && ours.result !== 'permerror' && recordsReached(ours).some(unknownModifierWithCrt),
  },
  {
    name: 'redirect counted though not followed',
    why:
      '§4.6.4 limits to 10 the terms that cause DNS queries "during SPF evaluation", redirect among them; a redirect ' +
      'ignored beside all (§6.1) or never reached because a mechanism matched (§4.6.2) causes none. pyspf counts ' +
      'every redirect= when it parses the record, so an evaluation of exactly 10 lookups becomes a permerror',
    applies: ({ ours, theirs }) =>
      theirs.detail.includes('Too many DNS lookups') && ours.result !== 'permerror' && ours.lookups + redirectsNotFollowed(ours) > 10,
  },
  {
    name: 'modifier name not in lower case',
    why:
      '§4.6.1: "As per the definition of the ABNF notation in [RFC5234], mechanism and modifier names are ' +
      'case-insensitive", so Redirect= is redirect= (and a second one a duplicate, §6); pyspf compares modifier names ' +
      'case-sensitively and ignores Redirect= as an unknown modifier',
    applies: ({ ours, theirs }) => ours.result !== theirs.result && recordsFetched(ours).some(({ record }) => modifierNotLowerCase(record)),
  },
  {
    name: 'zero digit transformer',
    why: '§7.3: "If a DIGIT is specified, the value MUST be nonzero"; pyspf expands %{d0} as if the digit were absent',
    applies: ({ ours, theirs }) => theirs.result !== 'permerror' && ours.problem?.code === 'invalid-macro' && ours.problem.message.includes('zero digit'),
  },
  {
    name: 'digits after the r transformer',
    why: '§7.1: transformers = *DIGIT [ "r" ], so %{ir2} is no macro-expand (permerror, §7.3); pyspf reads it as %{i2r}',
    applies: ({ ours, theirs }) => theirs.result !== 'permerror' && ours.problem?.code === 'invalid-macro' && /%\{[a-z]r\d/i.test(ours.problem.message),
  },
];
